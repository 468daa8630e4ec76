namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>Advantages and the value targets (advantage + value) of one trajectory.</summary>
public sealed record GaeResult(double[] Advantages, double[] Returns);

/// <summary>Generalised advantage estimation (Schulman et al. 2016).</summary>
public static class Gae
{
    /// <summary>
    /// For one environment's consecutive steps 0..T-1: <c>dones[t]</c> is true when the episode ended with step t
    /// (no bootstrap from the state after it); <paramref name="lastValue"/> is V of the state after step T-1.
    /// δ_t = r_t + γ·V_{t+1}·(1−done_t) − V_t and A_t = δ_t + γ·λ·(1−done_t)·A_{t+1}; returns are A_t + V_t.
    /// A time-limit truncation is not a terminal: callers add γ·V(final state) to that step's reward and mark it done.
    /// </summary>
    public static GaeResult Compute(
        IReadOnlyList<double> rewards, IReadOnlyList<double> values, IReadOnlyList<bool> dones,
        double lastValue, double gamma, double lambda)
    {
        var n = rewards.Count;
        if (values.Count != n || dones.Count != n)
            throw new ArgumentException($"GAE needs equal lengths: rewards {n}, values {values.Count}, dones {dones.Count}");
        if (gamma is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1]");
        if (lambda is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be in [0, 1]");

        var advantages = new double[n];
        var returns = new double[n];
        var next = 0.0;
        var nextValue = lastValue;
        for (var t = n - 1; t >= 0; t--)
        {
            var live = dones[t] ? 0.0 : 1.0;
            var delta = rewards[t] + gamma * nextValue * live - values[t];
            next = delta + gamma * lambda * live * next;
            advantages[t] = next;
            returns[t] = next + values[t];
            nextValue = values[t];
        }
        return new GaeResult(advantages, returns);
    }
}
