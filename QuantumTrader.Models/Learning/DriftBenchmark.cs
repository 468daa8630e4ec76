using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// The drift bench's simulated streams. Stationary trades are either normal R (mean <see cref="MeanR"/>, σ
/// <see cref="SigmaR"/>) or win/loss trades (+<see cref="WinR"/> with probability <see cref="WinRateBefore"/>,
/// else <see cref="LossR"/>); false alarms are counted over both kinds, half the runs each. Change runs start with
/// <see cref="TradesBeforeChange"/> stationary trades, then either the normal mean falls by <see cref="MeanShift"/>
/// or the win rate falls to <see cref="WinRateAfter"/>, for at most <see cref="TradesAfterChange"/> trades.
/// </summary>
public sealed record DriftBenchmarkSettings(
    int Seed = 20251203,
    int StationaryRuns = 200,
    int StationaryTrades = 20_000,
    int ChangeRuns = 400,
    int TradesBeforeChange = 500,
    int TradesAfterChange = 2_000,
    double MeanR = 0.2,
    double SigmaR = 1.0,
    double MeanShift = 0.5,
    double WinRateBefore = 0.55,
    double WinRateAfter = 0.45,
    double WinR = 1.5,
    double LossR = -1.0,
    DriftMonitorSettings? Detectors = null);

/// <summary>
/// One detector's bench figures. A delay is the number of trades after the change up to and including the one that
/// raised the first alarm (1 = fired on the first changed trade); alarms before the change are ignored for it. A run
/// with no alarm within the horizon counts as an infinite delay, and a median that lands on one is null.
/// <see cref="FalseAlarmsPer10k"/> pools both stationary kinds; the two others split it by kind. Detected* are the
/// fractions of change runs with an alarm within the horizon.
/// </summary>
public sealed record DetectorBenchmark(
    string Name,
    double FalseAlarmsPer10k,
    double FalseAlarmsPer10kNormal,
    double FalseAlarmsPer10kWinLoss,
    double? MedianDelayMeanShift,
    double? MedianDelayWinRateDrop,
    double DetectedMeanShift,
    double DetectedWinRateDrop);

public sealed record DriftBenchmarkResult(DriftBenchmarkSettings Settings, IReadOnlyList<DetectorBenchmark> Detectors)
{
    /// <summary>The bench verb's --json form: {"detectors": [{"name", "falseAlarmsPer10k", "medianDelayMeanShift", "medianDelayWinRateDrop"}]}.</summary>
    public string ToJson()
    {
        var array = new JsonArray();
        foreach (var d in Detectors)
        {
            array.Add(new JsonObject
            {
                ["name"] = d.Name,
                ["falseAlarmsPer10k"] = d.FalseAlarmsPer10k,
                ["medianDelayMeanShift"] = d.MedianDelayMeanShift,
                ["medianDelayWinRateDrop"] = d.MedianDelayWinRateDrop,
            });
        }

        return new JsonObject { ["detectors"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>Measures every drift detector's false-alarm rate and detection delay on seeded simulated trade streams.</summary>
public static class DriftBenchmark
{
    private enum Stream { Normal, WinLoss }

    /// <param name="progress">Called with the fraction of runs done, from 0 to 1.</param>
    public static DriftBenchmarkResult Run(DriftBenchmarkSettings? settings = null, Action<double>? progress = null)
    {
        var s = settings ?? new DriftBenchmarkSettings();
        if (s.StationaryRuns < 1 || s.StationaryTrades < 1 || s.ChangeRuns < 1 || s.TradesBeforeChange < 0 || s.TradesAfterChange < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "Run counts and lengths must be positive.");
        var detectors = s.Detectors ?? new DriftMonitorSettings();
        var names = detectors.CreateDetectors().Select(d => d.Name).ToArray();
        var falseAlarms = new long[2, names.Length];
        var stationaryTrades = new double[2];
        var meanShiftDelays = names.Select(_ => new List<double>()).ToArray();
        var winRateDelays = names.Select(_ => new List<double>()).ToArray();
        var totalRuns = s.StationaryRuns + 2 * s.ChangeRuns;
        var done = 0;

        for (var run = 0; run < s.StationaryRuns; run++)
        {
            var kind = run % 2 == 0 ? Stream.Normal : Stream.WinLoss;
            var rng = new Random(RunSeed(s.Seed, 0, run));
            var states = detectors.CreateDetectors().ToArray();
            stationaryTrades[(int)kind] += s.StationaryTrades;
            for (var t = 0; t < s.StationaryTrades; t++)
            {
                var r = Draw(rng, s, kind, changed: false);
                for (var d = 0; d < states.Length; d++)
                {
                    var (next, alarm) = states[d].Update(r);
                    states[d] = next;
                    if (alarm is not null) falseAlarms[(int)kind, d]++;
                }
            }

            progress?.Invoke(++done / (double)totalRuns);
        }

        foreach (var (kind, delays, stream) in new[] { (Stream.Normal, meanShiftDelays, 1), (Stream.WinLoss, winRateDelays, 2) })
        {
            for (var run = 0; run < s.ChangeRuns; run++)
            {
                var rng = new Random(RunSeed(s.Seed, stream, run));
                var states = detectors.CreateDetectors().ToArray();
                var delay = Enumerable.Repeat(double.PositiveInfinity, states.Length).ToArray();
                var pending = states.Length;
                for (var t = 0; t < s.TradesBeforeChange + s.TradesAfterChange && pending > 0; t++)
                {
                    var changed = t >= s.TradesBeforeChange;
                    var r = Draw(rng, s, kind, changed);
                    for (var d = 0; d < states.Length; d++)
                    {
                        if (!double.IsPositiveInfinity(delay[d])) continue;
                        var (next, alarm) = states[d].Update(r);
                        states[d] = next;
                        if (alarm is null || !changed) continue;
                        delay[d] = t - s.TradesBeforeChange + 1;
                        pending--;
                    }
                }

                for (var d = 0; d < states.Length; d++) delays[d].Add(delay[d]);
                progress?.Invoke(++done / (double)totalRuns);
            }
        }

        double Per10k(long alarms, double trades) => trades > 0 ? alarms * 10_000.0 / trades : 0.0;
        var results = names.Select((name, d) => new DetectorBenchmark(
            name,
            Per10k(falseAlarms[0, d] + falseAlarms[1, d], stationaryTrades[0] + stationaryTrades[1]),
            Per10k(falseAlarms[0, d], stationaryTrades[0]),
            Per10k(falseAlarms[1, d], stationaryTrades[1]),
            Median(meanShiftDelays[d]),
            Median(winRateDelays[d]),
            meanShiftDelays[d].Count(double.IsFinite) / (double)s.ChangeRuns,
            winRateDelays[d].Count(double.IsFinite) / (double)s.ChangeRuns)).ToArray();
        return new DriftBenchmarkResult(s, results);
    }

    private static double Draw(Random rng, DriftBenchmarkSettings s, Stream kind, bool changed)
    {
        if (kind == Stream.WinLoss)
            return rng.NextDouble() < (changed ? s.WinRateAfter : s.WinRateBefore) ? s.WinR : s.LossR;
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return (changed ? s.MeanR - s.MeanShift : s.MeanR) + s.SigmaR * z;
    }

    /// <summary>A distinct, reproducible seed per (bench seed, stream, run).</summary>
    private static int RunSeed(int seed, int stream, int run) =>
        unchecked((int)((uint)seed * 2654435761u ^ (uint)(stream + 1) * 40503u ^ (uint)run * 2246822519u));

    private static double? Median(List<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
        return double.IsFinite(median) ? median : null;
    }
}
