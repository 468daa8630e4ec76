using QuantumTrader.Models.Risk;

namespace QuantumTrader.Models.Audit;

/// <summary>
/// One start of a journaled job: the last bar of each symbol it read (a node following its data reads more at each start),
/// its decision settings (<paramref name="Settings"/>, as recorded, compared as text) and when it began by the wall clock
/// (<paramref name="StartedAt"/>; null where it was not recorded).
/// </summary>
public sealed record JobStart(IReadOnlyDictionary<string, DateTimeOffset> LastBars, string Settings, DateTimeOffset? StartedAt = null)
{
    /// <summary>The latest bar the start read, over all symbols.</summary>
    public DateTimeOffset LastBar => LastBars.Values.Max();

    /// <summary>
    /// The symbols whose data ends earlier than it did at <paramref name="earlier"/>, or is gone: rows the journal decided
    /// were removed from the files, so a replay of the earlier start no longer finds them.
    /// </summary>
    public IReadOnlyList<string> LostSince(JobStart earlier) =>
        earlier.LastBars.Where(kv => !LastBars.TryGetValue(kv.Key, out var t) || t < kv.Value).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The same data, to each symbol's last bar, and the same settings: a plain restart, which resumes from the journal exactly.</summary>
    public bool Repeats(JobStart earlier) =>
        Settings == earlier.Settings && LastBars.Count == earlier.LastBars.Count
        && LastBars.All(kv => earlier.LastBars.TryGetValue(kv.Key, out var t) && t == kv.Value);
}

/// <summary>
/// An operator's decision as journaled: a limit change (<see cref="RiskLimitsChanged"/>) or a retraining request, dated by
/// the operator's clock; or a registry command made by hand (a promotion, rollback, A/B test start or stop, version marked
/// important, cleanup approval), dated by market time, with the wall clock it came at in <paramref name="GivenAt"/> (null
/// in journals from before that: dated by the operator's clock then).
/// </summary>
public sealed record OperatorCommand(DateTimeOffset Time, IDomainEvent Journaled, DateTimeOffset? GivenAt = null);

/// <summary>
/// A start a replay runs again (<see cref="Index"/> in the journal's list of starts), and the operators' emergency-stop
/// actions and wall-clock commands it gives again after its bars.
/// </summary>
public sealed record ReplaySegment(int Index, JobStart Start, IReadOnlyList<EssOperatorAction> ActionsAfter, IReadOnlyList<IDomainEvent> CommandsAfter);

/// <summary>
/// How a replay repeats a job that started more than once: each start on the data it read, in order, on one state
/// directory, so every decision sees what the journaled one saw when it was taken (a retraining check at a time one
/// symbol's file had not reached yet, settings changed at a restart). A start that repeats the one before is left out. An
/// operator's emergency-stop trigger or reset is given after the last start whose last bar is at or before its market
/// time: the account's clock stands at a start's last bar while the node serves, so one given between two starts comes
/// right before the bars the second one read. One given before the first start's last bar is not repeated. An
/// <see cref="OperatorCommand"/> dated by market time goes after the last start whose last bar is at or before it and
/// that began before it came (the first start when none is); one dated by the wall clock goes after the last start that
/// began before it, and a start that began without a recorded time takes none.
/// </summary>
public static class ReplayPlan
{
    public static IReadOnlyList<ReplaySegment> Of(
        IReadOnlyList<JobStart> starts, IReadOnlyList<EssOperatorAction> actions, IReadOnlyList<OperatorCommand>? commands = null)
    {
        if (starts.Count == 0) return [];
        var kept = new List<(int Index, JobStart Start)>();
        for (var i = 0; i < starts.Count; i++)
            if (kept.Count == 0 || !starts[i].Repeats(kept[^1].Start))
                kept.Add((i, starts[i]));

        var after = kept.Select(_ => new List<IDomainEvent>()).ToArray();
        foreach (var command in commands ?? [])
        {
            var last = -1;
            for (var i = 0; i < starts.Count; i++)
            {
                var before = command.GivenAt is { } given
                    ? starts[i].LastBar <= command.Time && (starts[i].StartedAt is not { } began || began <= given)
                    : starts[i].StartedAt <= command.Time;
                if (before) last = i;
            }
            if (last < 0 && command.GivenAt is not null) last = 0;
            if (last >= 0) after[kept.FindLastIndex(k => k.Index <= last)].Add(command.Journaled);
        }

        var segments = new List<ReplaySegment>(kept.Count);
        for (var k = 0; k < kept.Count; k++)
        {
            var from = kept[k].Start.LastBar;
            var until = k + 1 < kept.Count ? kept[k + 1].Start.LastBar : DateTimeOffset.MaxValue;
            segments.Add(new ReplaySegment(kept[k].Index, kept[k].Start, actions.Where(a => a.Time >= from && a.Time < until).ToArray(), after[k]));
        }
        return segments;
    }
}
