namespace QuantumTrader.Models.Audit;

/// <summary>Where a journal and its replay first part: each side's decision at that place (null where that side has none).</summary>
public sealed record ReplayDifference(AuditEntry? Journal, AuditEntry? Replay);

public sealed record ReplayKindRow(AuditArea Area, string Kind, int Journal, int Replay);

/// <summary>
/// A journal's decisions against those of the same job run again from the same data and settings. Each journal entity
/// (a symbol, the supervisor, the registry...) is compared up to its own last journaled decision, so the journal of a
/// run that was killed, or has not finished, is compared as far as each entity got; <see cref="Horizon"/> is the latest
/// of those. Settlements are left out: the audit checks each against its trade, and a killed run's last ones wait for
/// the next start. So are a node's observations of its models failing and of its data going quiet. <see cref="OperatorActions"/> are the journal's
/// operator actions the replay did not repeat.
/// </summary>
public sealed record ReplayComparison(
    int Compared, DateTimeOffset? Horizon, int BeyondHorizon, ReplayDifference? FirstDifference, IReadOnlyList<ReplayKindRow> Kinds,
    IReadOnlyList<AuditEntry> OperatorActions)
{
    public const string Settlement = "trade-settled";

    /// <summary>A node's observation of its serving failing (wall-clock timing decides when it looks), not a decision a replay repeats.</summary>
    public const string ModelFailing = "model-failing";

    /// <summary>A following node's observations of its data going quiet and coming back (wall-clock), not decisions.</summary>
    public const string DataStale = "data-stale";
    public const string DataResumed = "data-resumed";

    /// <summary>A node's report of bars missing from its data: the replay reads the same data, and runs no alert feed to journal it.</summary>
    public const string DataGap = "data-gap";

    private static readonly IReadOnlySet<string> NotCompared = new HashSet<string>(StringComparer.Ordinal) { Settlement, ModelFailing, DataStale, DataResumed, DataGap };

    /// <summary>
    /// Decisions only an operator takes that no other decision of the trail implies. A replay repeats them where the
    /// journal has them (<see cref="ReplayPlan"/>): an emergency-stop trigger or reset before the bar it reached first,
    /// the others after the start they followed (a node refuses those while a start decides its bars). A registry command
    /// dated with --at inside a start's bars it may not repeat in the same place, and the two may part there.
    /// </summary>
    public static readonly IReadOnlySet<string> OperatorKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "emergency-manual-trigger", "emergency-manual-reset", "risk-limits-changed", "retraining-requested", "cleanup-approved",
        "version-deleted", "version-important", "promotion-declined",
    };

    public bool Identical => FirstDifference is null;

    public static ReplayComparison Of(IReadOnlyList<AuditEntry> journal, IReadOnlyList<AuditEntry> replay)
    {
        var mine = Ordered(journal);
        var horizon = mine.Length == 0 ? (DateTimeOffset?)null : mine[^1].Time;
        var reached = mine.GroupBy(e => e.Source, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(e => e.Time), StringComparer.Ordinal);
        var all = Ordered(replay);
        var theirs = all.Where(e => reached.TryGetValue(e.Source, out var last) && e.Time <= last).ToArray();

        ReplayDifference? first = null;
        for (var i = 0; i < Math.Max(mine.Length, theirs.Length) && first is null; i++)
        {
            var a = i < mine.Length ? mine[i] : null;
            var b = i < theirs.Length ? theirs[i] : null;
            if (a is null || b is null || Key(a) != Key(b)) first = new ReplayDifference(a, b);
        }

        var kinds = mine.Concat(theirs).Select(e => (e.Area, e.Kind)).Distinct()
            .OrderBy(k => k.Area).ThenBy(k => k.Kind, StringComparer.Ordinal)
            .Select(k => new ReplayKindRow(k.Area, k.Kind, mine.Count(e => e.Kind == k.Kind), theirs.Count(e => e.Kind == k.Kind)))
            .ToArray();
        var repeated = theirs.Select(Key).ToHashSet();
        return new ReplayComparison(mine.Length, horizon, all.Length - theirs.Length, first, kinds,
            mine.Where(e => OperatorKinds.Contains(e.Kind) && !repeated.Contains(Key(e))).ToArray());
    }

    private static AuditEntry[] Ordered(IEnumerable<AuditEntry> entries) =>
        entries.Where(e => !NotCompared.Contains(e.Kind))
            .OrderBy(e => e.Time).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Subject, StringComparer.Ordinal)
            .ThenBy(e => e.Detail, StringComparer.Ordinal).ToArray();

    /// <summary>What must be equal: the decision and the operator who gave it, not where it was journaled.</summary>
    private static (DateTimeOffset, AuditArea, string, string, string, string?) Key(AuditEntry e) => (e.Time, e.Area, e.Kind, e.Subject, e.Detail, e.Operator);
}

/// <summary>
/// An operator's emergency-stop trigger or reset as the journal holds it, at the market time it took effect after
/// (<see cref="Time"/>): one tick before the next bar when given while a start decided its bars, else the account's
/// clock, the last bar decided. It reached every bar after that time and none before, so a replay gives it again, at the
/// same time, right before the first bar after it (<see cref="ReplayPlan"/>) and journals the same transition.
/// </summary>
public sealed record EssOperatorAction(DateTimeOffset Time, string AccountId, bool Trigger, string Reason, string? Operator = null)
{
    public static IReadOnlyList<EssOperatorAction> From(IEnumerable<AuditEntry> trail) =>
        trail.Where(e => e.Kind is "emergency-manual-trigger" or "emergency-manual-reset")
            .Select(e => new EssOperatorAction(e.Time, e.Subject, e.Kind == "emergency-manual-trigger", e.Detail, e.Operator)).ToArray();
}
