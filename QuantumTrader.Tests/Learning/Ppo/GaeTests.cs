using QuantumTrader.Models.Learning.Ppo;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class GaeTests
{
    [Fact]
    public void Four_steps_with_an_episode_end_in_the_middle_match_the_hand_computation()
    {
        // γ = 0.9, λ = 0.8, so γλ = 0.72; step 1 ends an episode.
        // t=3: δ = 4 + 0.9·3.0 − 2.0 = 4.7                 A = 4.7
        // t=2: δ = 3 + 0.9·2.0 − 1.5 = 3.3                 A = 3.3 + 0.72·4.7 = 6.684
        // t=1: δ = 2 + 0 − 1.0 = 1.0 (done: no bootstrap)  A = 1.0
        // t=0: δ = 1 + 0.9·1.0 − 0.5 = 1.4                 A = 1.4 + 0.72·1.0 = 2.12
        var gae = Gae.Compute([1, 2, 3, 4], [0.5, 1.0, 1.5, 2.0], [false, true, false, false], lastValue: 3.0, gamma: 0.9, lambda: 0.8);

        Assert.Equal([2.12, 1.0, 6.684, 4.7], gae.Advantages, new Tolerance(1e-12));
        Assert.Equal([2.62, 2.0, 8.184, 6.7], gae.Returns, new Tolerance(1e-12));
    }

    [Fact]
    public void Lambda_one_gives_discounted_returns_and_lambda_zero_gives_one_step_td()
    {
        double[] rewards = [1, 1, 1];
        double[] values = [0.3, 0.2, 0.1];
        bool[] dones = [false, false, false];

        // λ = 1: discounted returns bootstrapped from V_last = 2: G2 = 1 + 0.5·2 = 2, G1 = 1 + 0.5·2 = 2, G0 = 2.
        var mc = Gae.Compute(rewards, values, dones, lastValue: 2.0, gamma: 0.5, lambda: 1.0);
        Assert.Equal([2.0, 2.0, 2.0], mc.Returns, new Tolerance(1e-12));

        var td = Gae.Compute(rewards, values, dones, lastValue: 2.0, gamma: 0.5, lambda: 0.0);
        Assert.Equal([1 + 0.5 * 0.2, 1 + 0.5 * 0.1, 1 + 0.5 * 2.0], td.Returns, new Tolerance(1e-12));
    }

    [Fact]
    public void A_done_last_step_ignores_the_last_value()
    {
        var a = Gae.Compute([1.0], [0.25], [true], lastValue: 1000, gamma: 0.99, lambda: 0.95);
        Assert.Equal(0.75, a.Advantages[0], 12);
        Assert.Equal(1.0, a.Returns[0], 12);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected_with_the_lengths_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gae.Compute([1.0, 2.0], [0.0], [false, false], 0, 0.9, 0.9));
        Assert.Contains("rewards 2, values 1", ex.Message);
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
