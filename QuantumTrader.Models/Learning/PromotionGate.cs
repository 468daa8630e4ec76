using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// The promotion gate's thresholds. Seed 004: accuracy and crash-regime accuracy at least 65 %, no symbol below 55 %
/// (the seed's sectors; crypto pairs have none), feature drift below 0.20 (or below the threshold the drift detector
/// calibrated on the challenger's training bars, when higher: <see cref="MarketDriftDetector.ShadowDrift"/>), and an error replay improvement above 0 %: the
/// challenger right on more than <see cref="MinReplayImprovement"/> of the buffered errors it replayed, every one a wrong
/// call before (judged only when it replayed some). Seed 001: at least 100 shadow predictions and more than 2 % better
/// than the champion. A regime or symbol with fewer than <see cref="MinGroupCalls"/> calls is not judged: a handful of
/// calls says nothing about accuracy.
/// </summary>
public sealed record PromotionGateSettings(
    int MinShadowCalls = 100,
    double MinAccuracy = 0.65,
    double MinCrashAccuracy = 0.65,
    double MinSymbolAccuracy = 0.55,
    double MaxDrift = 0.20,
    double MinImprovement = 0.02,
    int MinGroupCalls = 10,
    double MinReplayImprovement = 0.0)
{
    public static readonly PromotionGateSettings Seed = new();

    public string? Validate()
    {
        if (MinShadowCalls < 1) return $"the gate's shadow minimum is {MinShadowCalls}; it must be at least 1";
        foreach (var (name, value) in new[] { ("accuracy", MinAccuracy), ("crash accuracy", MinCrashAccuracy), ("symbol accuracy", MinSymbolAccuracy), ("drift", MaxDrift) })
            if (!(value is >= 0 and <= 1)) return string.Create(CultureInfo.InvariantCulture, $"the gate's {name} threshold is {value}; it must be in [0, 1]");
        if (!double.IsFinite(MinImprovement)) return "the gate's improvement threshold must be a finite number";
        if (!(MinReplayImprovement is >= 0 and < 1))
            return string.Create(CultureInfo.InvariantCulture, $"the gate's error replay threshold is {MinReplayImprovement}; it must be in [0, 1)");
        return MinGroupCalls < 1 ? $"the gate's group minimum is {MinGroupCalls}; it must be at least 1" : null;
    }
}

/// <summary>One criterion: the measured value, its threshold and whether it passed, in words.</summary>
public sealed record GateCheck(string Name, double Value, double Threshold, bool Passed, string Detail);

/// <summary>Every check of one gate decision; approved only when all pass.</summary>
public sealed record PromotionGateReport(IReadOnlyList<GateCheck> Checks)
{
    [JsonIgnore] public bool Approved => Checks.All(c => c.Passed);

    [JsonIgnore] public string Summary => Approved
        ? "approved: " + string.Join("; ", Checks.Select(c => c.Detail))
        : "rejected: " + string.Join("; ", Checks.Where(c => !c.Passed).Select(c => c.Detail));
}

/// <summary>Seed 004's promotion gate over a shadow test: every criterion must pass or the challenger is not promoted.</summary>
public static class PromotionGate
{
    public const string ShadowCalls = "shadow-calls";
    public const string Accuracy = "accuracy";
    public const string CrashAccuracy = "crash-accuracy";
    public const string SymbolAccuracy = "symbol-accuracy";
    public const string Drift = "drift";
    public const string Improvement = "improvement";
    public const string ReplayImprovement = "replay-improvement";

    public static PromotionGateReport Evaluate(ShadowTestResult shadow, PromotionGateSettings settings)
    {
        if (settings.Validate() is { } error) throw new ArgumentException(error, nameof(settings));
        var s = settings;
        var challenger = shadow.Challenger;
        var checks = new List<GateCheck>
        {
            new(ShadowCalls, challenger.Calls, s.MinShadowCalls, challenger.Calls >= s.MinShadowCalls,
                F($"{challenger.Calls} shadow calls on {shadow.Bars} bars {(challenger.Calls >= s.MinShadowCalls ? ">=" : "<")} {s.MinShadowCalls}")),
            new(Accuracy, challenger.Accuracy, s.MinAccuracy, challenger.Calls > 0 && challenger.Accuracy >= s.MinAccuracy,
                F($"accuracy {challenger.Accuracy:0.###} {(challenger.Accuracy >= s.MinAccuracy ? ">=" : "<")} {s.MinAccuracy}")),
        };

        var crash = shadow.ChallengerByRegime.GetValueOrDefault(nameof(MarketRegime.Crash), CallAccuracy.None);
        checks.Add(crash.Calls < s.MinGroupCalls
            ? new(CrashAccuracy, crash.Accuracy, s.MinCrashAccuracy, true, F($"crash regime not judged ({crash.Calls} calls < {s.MinGroupCalls})"))
            : new(CrashAccuracy, crash.Accuracy, s.MinCrashAccuracy, crash.Accuracy >= s.MinCrashAccuracy,
                F($"crash-regime accuracy {crash.Accuracy:0.###} on {crash.Calls} calls {(crash.Accuracy >= s.MinCrashAccuracy ? ">=" : "<")} {s.MinCrashAccuracy}")));

        var judged = shadow.ChallengerBySymbol.Where(kv => kv.Value.Calls >= s.MinGroupCalls).OrderBy(kv => kv.Value.Accuracy).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        checks.Add(judged.Length == 0
            ? new(SymbolAccuracy, 0, s.MinSymbolAccuracy, true, F($"no symbol has {s.MinGroupCalls} calls to judge"))
            : new(SymbolAccuracy, judged[0].Value.Accuracy, s.MinSymbolAccuracy, judged[0].Value.Accuracy >= s.MinSymbolAccuracy,
                F($"weakest symbol {judged[0].Key} accuracy {judged[0].Value.Accuracy:0.###} {(judged[0].Value.Accuracy >= s.MinSymbolAccuracy ? ">=" : "<")} {s.MinSymbolAccuracy}")));

        var drift = shadow.Drift;
        var limit = Math.Max(s.MaxDrift, drift.Threshold ?? 0);
        var calibrated = limit > s.MaxDrift ? F($" (calibrated on the challenger's training bars; the gate's {s.MaxDrift})") : "";
        checks.Add(new(Drift, drift.Score, limit, drift.Score < limit,
            F($"feature drift {drift.Score:0.###}{(drift.Feature is { } f ? $" ({f})" : "")} {(drift.Score < limit ? "<" : ">=")} {limit:0.###}{calibrated}")));

        var replayed = shadow.Replayed;
        var learned = replayed is not null && replayed.Accuracy > s.MinReplayImprovement;
        checks.Add(replayed is null
            ? new(ReplayImprovement, 0, s.MinReplayImprovement, true, "error replay not judged (no buffered errors replayed)")
            : new(ReplayImprovement, replayed.Accuracy, s.MinReplayImprovement, learned,
                F($"right on {replayed.Correct} of {replayed.Calls} calls on replayed errors ({replayed.Accuracy:0.0%}) {(learned ? ">" : "<=")} {s.MinReplayImprovement:0.0%}")));

        var champion = shadow.Champion;
        var gain = champion.Calls == 0 || champion.Accuracy == 0 ? double.PositiveInfinity : challenger.Accuracy / champion.Accuracy - 1;
        var better = challenger.Calls > 0 && gain > s.MinImprovement;
        var detail = champion.Calls == 0 ? F($"the champion made no call; the challenger {(challenger.Calls > 0 ? "did" : "did not either")}")
            : champion.Accuracy == 0 ? F($"accuracy {challenger.Accuracy:0.###} against the champion's 0: every champion call was wrong")
            : F($"accuracy {challenger.Accuracy:0.###} against the champion's {champion.Accuracy:0.###} ({gain:+0.0%;-0.0%}) {(better ? ">" : "<=")} {s.MinImprovement:+0.0%}");
        checks.Add(new(Improvement, double.IsFinite(gain) ? gain : 1, s.MinImprovement, better, detail));
        return new PromotionGateReport(checks);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
