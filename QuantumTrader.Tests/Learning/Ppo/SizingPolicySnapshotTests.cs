using System.Text.Json;
using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Tests.Learning.Ppo;

/// <summary>The served, plain-data copy of the sizing policy decides as the TorchSharp agent does.</summary>
public sealed class SizingPolicySnapshotTests
{
    private static SizingState RandomState(PpoRandom r) => new(
        r.Uniform(5_000, 15_000), 10_000, r.Uniform(0, 15), r.NextInt(4), r.Uniform(0, 6), r.NextInt(SizingState.RegimeCount),
        r.NextDouble(), r.NextDouble(), r.NextDouble(), r.Uniform(-2, 2), r.NextDouble(), r.Uniform(-2, 2));

    [Fact]
    public void The_snapshot_takes_the_same_mean_action_log_probability_and_value_as_the_agent()
    {
        using var agent = new SizingAgent(new SizingBounds(), SizingAgent.DefaultOptions with { Seed = 11, InitialLogStd = -0.5 });
        var snapshot = agent.Snapshot();
        var r = new PpoRandom(4);
        for (var i = 0; i < 50; i++)
        {
            var state = RandomState(r);
            var expected = agent.Decide(state, deterministic: true);
            var actual = snapshot.Decide(state, new PpoRandom(i), deterministic: true);
            Assert.Equal(expected.SizeFraction, actual.SizeFraction, 5);
            Assert.Equal(expected.TakeProfitPct, actual.TakeProfitPct, 4);
            Assert.Equal(expected.StopLossPct, actual.StopLossPct, 4);
            Assert.Equal(expected.Raw, actual.Raw, (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Equal(expected.LogProb, actual.LogProb, 3);
            Assert.Equal(expected.Value, actual.Value, 5);
        }
    }

    [Fact]
    public void Sampled_actions_carry_the_log_probability_the_agent_computes_when_it_learns_from_them()
    {
        // One epoch of one minibatch: the approximate KL and clip fraction are measured before the only gradient step,
        // so they compare the snapshot's log-probabilities with TorchSharp's for the very same actions.
        using var agent = new SizingAgent(new SizingBounds(), SizingAgent.DefaultOptions with { Seed = 12, UpdateEpochs = 1, NumMinibatches = 1 });
        var snapshot = agent.Snapshot();
        var r = new PpoRandom(6);
        var experiences = new List<Experience>();
        for (var i = 0; i < 64; i++)
        {
            var state = RandomState(r);
            var a = snapshot.Decide(state, r);
            experiences.Add(Experience.From(state, a, r.Uniform(-1, 1), state, done: true));
        }
        var stats = agent.Update(experiences);
        Assert.InRange(stats.ApproxKl, -1e-9, 1e-9);
        Assert.Equal(0, stats.ClipFraction);
    }

    [Fact]
    public void A_hand_built_policy_gives_the_hand_computed_decision()
    {
        // Zero weights: the actor's mean is its bias and the critic's value its bias; σ = e^0 = 1.
        var zeros = new double[SizingState.VectorLength * 3];
        var snapshot = new SizingPolicySnapshot(
            [new DenseLayer(SizingState.VectorLength, 3, zeros, [0.5, -0.2, 0.1])],
            [new DenseLayer(SizingState.VectorLength, 1, new double[SizingState.VectorLength], [0.7])],
            [0, 0, 0], [0, 0.5, 0.3], [1, 6, 3]);
        var state = new SizingState(10_000, 10_000, 0, 3, 1, 0, 0.5, 0.5, 0.5, 0, 0.5, 0);

        var noise = new PpoRandom(9);
        double[] mean = [0.5, -0.2, 0.1], low = [0, 0.5, 0.3], high = [1, 6, 3];
        var u = mean.Select(m => (double)(float)(m + noise.NextGaussian())).ToArray();
        var expectedLogProb = Enumerable.Range(0, 3).Sum(i =>
            -0.5 * (u[i] - mean[i]) * (u[i] - mean[i]) - 0.5 * Math.Log(2 * Math.PI)
            - Math.Log(1 - Math.Tanh(u[i]) * Math.Tanh(u[i])) - Math.Log((high[i] - low[i]) / 2));

        var a = snapshot.Decide(state, new PpoRandom(9));
        Assert.Equal(u, a.Raw);
        Assert.Equal(expectedLogProb, a.LogProb, 9);
        Assert.Equal(0.7, a.Value, 12);
        Assert.Equal((Math.Tanh(u[0]) + 1) / 2, a.SizeFraction, 12);
        Assert.Equal(0.5 + (Math.Tanh(u[1]) + 1) / 2 * 5.5, a.TakeProfitPct, 12);
        Assert.Equal(0.3 + (Math.Tanh(u[2]) + 1) / 2 * 2.7, a.StopLossPct, 12);
    }

    [Fact]
    public void A_snapshot_round_trips_through_json_and_decides_the_same()
    {
        using var agent = new SizingAgent(new SizingBounds(), SizingAgent.DefaultOptions with { Seed = 13 });
        var snapshot = agent.Snapshot();
        var back = JsonSerializer.Deserialize<SizingPolicySnapshot>(JsonSerializer.Serialize(snapshot))!;
        var state = RandomState(new PpoRandom(1));
        Assert.Equal(snapshot.Decide(state, new PpoRandom(2)), back.Decide(state, new PpoRandom(2)), new ActionComparer());
    }

    [Fact]
    public void A_layer_that_does_not_fit_its_input_is_named()
    {
        var snapshot = new SizingPolicySnapshot(
            [new DenseLayer(5, 3, new double[15], new double[3])], [new DenseLayer(SizingState.VectorLength, 1, new double[SizingState.VectorLength], [0])],
            [0, 0, 0], [0, 0.5, 0.3], [1, 6, 3]);
        var ex = Assert.Throws<InvalidOperationException>(() => snapshot.Decide(new SizingState(1, 1, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0), new PpoRandom(1)));
        Assert.Contains("layer 0 takes 5 inputs, gets 14", ex.Message);
    }

    private sealed class ActionComparer : IEqualityComparer<SizingAction>
    {
        public bool Equals(SizingAction? x, SizingAction? y) =>
            x!.SizeFraction == y!.SizeFraction && x.TakeProfitPct == y.TakeProfitPct && x.StopLossPct == y.StopLossPct &&
            x.Raw.SequenceEqual(y.Raw) && x.LogProb == y.LogProb && x.Value == y.Value;

        public int GetHashCode(SizingAction obj) => obj.LogProb.GetHashCode();
    }
}
