using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class DriftBenchmarkTests
{
    private static readonly DriftBenchmarkSettings Small = new(StationaryRuns: 2, StationaryTrades: 20_000, ChangeRuns: 10, TradesBeforeChange: 200, TradesAfterChange: 400);

    [Fact]
    public void Three_loss_alarm_rate_matches_the_renewal_formula_on_both_stationary_streams()
    {
        var progress = new List<double>();
        var result = DriftBenchmark.Run(Small, progress.Add);

        // Waiting time for 3 losses in a row with loss probability q is 1/q + 1/q² + 1/q³ trades.
        static double Per10k(double q) => 10_000 / (1 / q + 1 / (q * q) + 1 / (q * q * q));
        var normalLoss = 0.42074029056089696; // Φ(-0.2): P(R < 0) for R ~ N(0.2, 1)
        var fast = result.Detectors.Single(d => d.Name == DriftDetectorNames.ConsecutiveLosses);
        Assert.InRange(fast.FalseAlarmsPer10kWinLoss, Per10k(0.45) * 0.92, Per10k(0.45) * 1.08);
        Assert.InRange(fast.FalseAlarmsPer10kNormal, Per10k(normalLoss) * 0.92, Per10k(normalLoss) * 1.08);
        Assert.Equal(1.0, progress[^1]);
        Assert.Equal(Small.StationaryRuns + 2 * Small.ChangeRuns, progress.Count);
    }

    [Fact]
    public void Bench_is_reproducible_and_its_json_has_the_documented_shape()
    {
        var tiny = Small with { StationaryTrades = 2_000 };
        var a = DriftBenchmark.Run(tiny);
        var b = DriftBenchmark.Run(tiny);
        Assert.Equal(a.ToJson(), b.ToJson());
        Assert.Equal([DriftDetectorNames.ConsecutiveLosses, DriftDetectorNames.SeedThresholds, DriftDetectorNames.PageHinkley, DriftDetectorNames.Adwin],
            a.Detectors.Select(d => d.Name));
        Assert.Equal(1.0, a.Detectors.Single(d => d.Name == DriftDetectorNames.PageHinkley).DetectedMeanShift);

        using var json = JsonDocument.Parse(a.ToJson());
        var first = json.RootElement.GetProperty("detectors")[0];
        Assert.Equal(["name", "falseAlarmsPer10k", "medianDelayMeanShift", "medianDelayWinRateDrop"],
            first.EnumerateObject().Select(p => p.Name));
    }
}
