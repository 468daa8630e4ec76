using QuantumTrader.Models.Learning.Ppo;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class PolicyUpdateTests
{
    private static readonly PpoOptions BanditOptions = new()
    {
        LearningRate = 3e-3,
        NumMinibatches = 2,
        UpdateEpochs = 4,
        EntCoef = 0.0,
        AnnealLr = false,
        Seed = 7,
    };

    [Fact]
    public void Categorical_update_raises_the_probability_of_the_rewarded_action()
    {
        var rng = new PpoRandom(11);
        using var policy = new CategoricalPolicy(1, 3, [16], rng);
        using var updater = new PpoUpdater(policy, BanditOptions);
        const int n = 64;
        var obs = Enumerable.Repeat(1f, n).ToArray();
        var before = policy.Probabilities([1f], 1);
        Assert.Equal(1.0 / 3, before[2], 2); // small actor head: near uniform at the start

        var act = policy.Act(obs, n, rng, greedy: false);
        var rewards = act.Actions.Select(a => a == 2 ? 1.0 : 0.0).ToArray();
        var batch = new RolloutBatch(n, obs, act.Actions.Select(a => (float)a).ToArray(), act.LogProbs, act.Values,
            rewards.Select((r, i) => r - act.Values[i]).ToArray(), rewards);
        var stats = updater.Update(batch, 1.0, rng, rewards.Average());

        var after = policy.Probabilities([1f], 1);
        Assert.True(after[2] > before[2] + 0.02, $"P(rewarded) {before[2]:F4} -> {after[2]:F4}");
        Assert.True(stats.ApproxKl >= 0);
        Assert.InRange(stats.Entropy, 0, Math.Log(3) + 1e-6);
    }

    [Fact]
    public void Gaussian_updates_move_the_mean_action_toward_the_rewarded_region()
    {
        var rng = new PpoRandom(5);
        using var policy = new GaussianPolicy(1, [-1.0], [1.0], [16], initialLogStd: -0.5, rng);
        using var updater = new PpoUpdater(policy, BanditOptions with { NumMinibatches = 4, LearningRate = 1e-2 });
        const int n = 128;
        const double target = 0.6;
        var obs = Enumerable.Repeat(1f, n).ToArray();
        var start = policy.Act([1f], 1, rng, deterministic: true).Actions[0];
        Assert.InRange(start, -0.1, 0.1);

        for (var iteration = 0; iteration < 15; iteration++)
        {
            var act = policy.Act(obs, n, rng, deterministic: false);
            Assert.All(act.Actions, a => Assert.InRange(a, -1.0, 1.0));
            var rewards = act.Actions.Select(a => -(a - target) * (a - target)).ToArray();
            var batch = new RolloutBatch(n, obs, act.Raw, act.LogProbs, act.Values,
                rewards.Select((r, i) => r - act.Values[i]).ToArray(), rewards);
            updater.Update(batch, 1.0, rng, rewards.Average());
        }

        var end = policy.Act([1f], 1, rng, deterministic: true).Actions[0];
        Assert.True(Math.Abs(end - target) < 0.2, $"mean action {start:F3} -> {end:F3}, target {target}");
    }

    [Fact]
    public void Gaussian_log_probability_includes_the_tanh_and_scale_correction()
    {
        // One dimension in [0, 4]: half-range 2. With μ ≈ 0 (tiny head) and σ = 1, the sample u = μ maps to a = 2, and
        // log p(a) = log N(0; 0, 1) − log(1 − tanh²0) − log 2 = −½·log 2π − log 2.
        using var policy = new GaussianPolicy(1, [0.0], [4.0], [8], 0.0, new PpoRandom(3));
        var step = policy.Act([0f], 1, new PpoRandom(4), deterministic: true);
        Assert.Equal(2.0, step.Actions[0], 6);
        Assert.Equal(-0.5 * Math.Log(2 * Math.PI) - Math.Log(2), step.LogProbs[0], 5);
    }

    [Fact]
    public void Training_is_reproducible_from_the_seed()
    {
        var options = PpoOptions.ZooCartPole with { NumEnvs = 2, NumSteps = 16, UpdateEpochs = 2, Seed = 3 };
        using var a = new PpoTrainer(s => new CartPole(s), options);
        using var b = new PpoTrainer(s => new CartPole(s), options);
        using var c = new PpoTrainer(s => new CartPole(s), options with { Seed = 4 });
        var statsA = a.UpdateOnce(1.0);
        var statsB = b.UpdateOnce(1.0);
        c.UpdateOnce(1.0);

        Assert.Equal(statsA, statsB);
        float[] probe = [0.01f, -0.02f, 0.03f, 0.0f];
        Assert.Equal(a.Policy.Probabilities(probe, 1), b.Policy.Probabilities(probe, 1));
        Assert.NotEqual(a.Policy.Probabilities(probe, 1), c.Policy.Probabilities(probe, 1));
        Assert.Equal(32, a.Steps);
    }

    [Fact]
    public void Orthogonal_init_gives_orthonormal_rows_times_gain()
    {
        var w = OrthogonalInit.Matrix(3, 5, 2.0, new PpoRandom(9));
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
            {
                var dot = Enumerable.Range(0, 5).Sum(k => w[i * 5 + k] * w[j * 5 + k]);
                Assert.Equal(i == j ? 4.0 : 0.0, dot, 10);
            }
    }
}
