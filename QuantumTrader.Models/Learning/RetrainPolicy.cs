using System.Globalization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Continuous retraining (seed 001's learning manager): every <see cref="CheckEvery"/> of market time a slot is
/// retrained when an operator asked for it, when a drift alarm or a drop of its win rate was raised on it since its
/// newest version was trained, when the check finds the features drifted from its champion's training bars
/// (<see cref="MarketDrift"/>, seed 004) on bars no version of the slot learned from, or when <see cref="Every"/> has passed since then. The new version then runs in shadow beside the champion until it has the gate's minimum of
/// calls or <see cref="MaxShadow"/> has passed, and the promotion gate decides. An approved challenger goes into an
/// A/B test (<see cref="AbTest"/>) and is promoted when it wins; without one the gate's approval promotes it; with
/// <see cref="AutoPromote"/> false either awaits an operator's review instead (seed 002), and the slot is not retrained meanwhile;
/// every <see cref="ReviewReminder"/> of waiting a check journals a reminder. With
/// <see cref="ErrorReplay"/> each judged shadow test adds the champion's worst errors to the slot's buffer, and the next
/// retraining weights them up. Without <see cref="Retraining"/> the checks only journal the market's drift (seed 004's
/// monitoring), and the versions that serve are never replaced.
/// </summary>
public sealed record RetrainSettings(
    TimeSpan Every, TimeSpan CheckEvery, TimeSpan MaxShadow, PromotionGateSettings Gate, AbTestSettings? AbTest, ErrorReplaySettings? ErrorReplay = null,
    bool AutoPromote = true, MarketDriftSettings? MarketDrift = null, TimeSpan? ReviewReminder = null, bool Retraining = true)
{
    /// <summary>Seed 004's drift checks every 24 hours of market time, without retraining.</summary>
    public static RetrainSettings DriftOnly(MarketDriftSettings drift) =>
        Weekly() with { Retraining = false, AbTest = null, ErrorReplay = null, MarketDrift = drift };

    /// <summary>How long a promotion awaiting review waits before each reminder (a critical alert): three days.</summary>
    public static readonly TimeSpan DefaultReviewReminder = TimeSpan.FromHours(72);

    /// <summary>Seed 001: weekly retraining, drift checked every 24 hours; seed 002: a 20 % A/B test before a promotion; seed 004: error replay and drift detection.</summary>
    public static RetrainSettings Weekly(PromotionGateSettings? gate = null) =>
        new(TimeSpan.FromHours(168), TimeSpan.FromHours(24), TimeSpan.FromHours(336), gate ?? PromotionGateSettings.Seed, AbTestSettings.Seed, ErrorReplaySettings.Seed,
            MarketDrift: MarketDriftSettings.Seed, ReviewReminder: DefaultReviewReminder);

    public string? Validate()
    {
        if (Every <= TimeSpan.Zero) return "the retraining interval must be positive";
        if (CheckEvery <= TimeSpan.Zero || CheckEvery > Every) return "the check interval must be positive and at most the retraining interval";
        if (MaxShadow < CheckEvery) return "the longest shadow test must be at least one check interval";
        if (ReviewReminder <= TimeSpan.Zero) return "the review reminder period must be positive";
        if (!Retraining && MarketDrift is null) return "without retraining the checks need drift detection";
        return Gate.Validate() ?? AbTest?.Validate() ?? ErrorReplay?.Validate() ?? MarketDrift?.Validate();
    }
}

public static class RetrainPolicy
{
    /// <summary>
    /// Why the slot should be retrained at <paramref name="now"/>, or null when it should not: an operator's pending
    /// request, a drift alarm, a win-rate drop (seed 001's performance trigger), the feature drift found at this check
    /// (<paramref name="marketDrift"/>, seed 004) when the newest version was trained before its window began
    /// (<paramref name="windowStart"/>) and the settings retrain on it, then the schedule.
    /// </summary>
    public static string? Trigger(DateTimeOffset now, DateTimeOffset trainedAt, DateTimeOffset? driftAlarm, RetrainSettings settings,
        RetrainingRequested? request = null, ModelDriftDetected? winRateDrop = null, MarketDriftChecked? marketDrift = null, DateTimeOffset? windowStart = null)
    {
        if (request is not null) return F($"requested by an operator at {request.Time:O}: {request.Reason}");
        if (driftAlarm is { } alarm && alarm > trainedAt && alarm <= now)
            return F($"drift alarm at {alarm:O}, after the newest version was trained ({trainedAt:O})");
        if (winRateDrop is not null && winRateDrop.Time > trainedAt && winRateDrop.Time <= now
            && winRateDrop.Alarm.Breaches.FirstOrDefault(b => b.Rule == SeedThresholdRule.WinRateDropRule) is { } drop)
            return F($"performance: win rate {drop.Value:0.###} below its baseline (threshold {drop.Threshold:0.###}) at {winRateDrop.Time:O}, after the newest version was trained ({trainedAt:O})");
        // Seed 004 retrains on feature drift; a regime or prediction drift is an alert.
        if (marketDrift?.Measures.Where(m => m.Detected && m.Kind == DriftKind.Feature).ToArray() is { Length: > 0 } features
            && settings.MarketDrift is { Retrain: true } && windowStart is { } start && trainedAt < start)
            return F($"feature drift from the champion {marketDrift.Version}'s training bars at {marketDrift.Time:O}: ") +
                   string.Join("; ", features.Select(m => $"{m.Symbol} {m.Detail}"));
        var age = now - trainedAt;
        return age >= settings.Every ? F($"scheduled: the newest version was trained {age.TotalHours:0} h ago (every {settings.Every.TotalHours:0} h)") : null;
    }

    /// <summary>
    /// Whether a check at <paramref name="check"/> may answer an operator's retraining request: only one past the last bar
    /// decided before this start (<paramref name="decidedBefore"/>; null when nothing was). A restarted job runs its earlier
    /// checks again to rebuild their decisions, and a request made since must not become one of them, dated in the past.
    /// </summary>
    public static bool MayAnswerRequest(DateTimeOffset check, DateTimeOffset? decidedBefore) => decidedBefore is not { } last || check > last;

    /// <summary>The slot's first alarm in (<paramref name="trainedAt"/>, <paramref name="now"/>) whose seed-002 rules saw its win rate drop.</summary>
    public static ModelDriftDetected? WinRateDrop(IEnumerable<ModelDriftDetected> alarms, string slot, DateTimeOffset trainedAt, DateTimeOffset now) =>
        alarms.Where(a => a.ModelId == slot && a.Time > trainedAt && a.Time < now && a.Alarm.Breaches.Any(b => b.Rule == SeedThresholdRule.WinRateDropRule))
            .MinBy(a => a.Time);

    /// <summary>The shadow test is ready for the gate: enough calls, or it ran as long as it may.</summary>
    public static bool DecisionDue(int challengerCalls, DateTimeOffset started, DateTimeOffset now, RetrainSettings settings) =>
        challengerCalls >= settings.Gate.MinShadowCalls || now - started >= settings.MaxShadow;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
