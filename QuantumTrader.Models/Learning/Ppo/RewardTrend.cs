using System.Globalization;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Seed 001's reward trend of the PPO sizing policy: how the mean reward of each update's batch moves from version to
/// version, as the mean of the last <see cref="Window"/> updates against the ones before them and the least-squares
/// slope per update over all of them.
/// </summary>
public sealed record RewardTrend(int Updates, double? Latest, double? RecentMean, double? EarlierMean, double? SlopePerUpdate, string Summary)
{
    public const int Window = 5;

    public static RewardTrend Of(IReadOnlyList<PolicyVersionRecord> history, int window = Window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var rewards = history.Select(h => h.MeanReward).ToArray();
        if (rewards.Length == 0) return new RewardTrend(0, null, null, null, null, "no policy update yet");
        var recent = rewards.TakeLast(window).ToArray();
        var earlier = rewards.SkipLast(recent.Length).TakeLast(window).ToArray();
        double? earlierMean = earlier.Length == 0 ? null : earlier.Average();
        double? slope = rewards.Length < 2 ? null : Slope(rewards);
        var f = (double x) => x.ToString("0.####", CultureInfo.InvariantCulture);
        var direction = (earlierMean is { } e ? recent.Average() - e : slope ?? 0) switch
        {
            > 0 => "rising",
            < 0 => "falling",
            _ => "flat",
        };
        var summary = rewards.Length == 1
            ? $"1 update, mean reward {f(rewards[0])}"
            : $"{direction}: the last {recent.Length} updates average {f(recent.Average())}" +
              (earlierMean is { } m ? $" against {f(m)} for the {earlier.Length} before" : "") + $"; slope {f(slope!.Value)} per update over {rewards.Length}";
        return new RewardTrend(rewards.Length, rewards[^1], recent.Average(), earlierMean, slope, summary);
    }

    /// <summary>Least-squares slope of the rewards against their update number.</summary>
    private static double Slope(IReadOnlyList<double> y)
    {
        var n = y.Count;
        var meanX = (n - 1) / 2.0;
        var meanY = y.Average();
        double num = 0, den = 0;
        for (var i = 0; i < n; i++)
        {
            num += (i - meanX) * (y[i] - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den;
    }
}
