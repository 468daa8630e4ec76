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
/// A start a replay runs again (<see cref="Index"/> in the journal's list of starts), the operators' emergency-stop
/// actions it gives again (each before the first of its bars after the action's time, or after its last bar), and the
/// operators' other commands it gives again after its bars.
/// </summary>
public sealed record ReplaySegment(int Index, JobStart Start, IReadOnlyList<EssOperatorAction> Actions, IReadOnlyList<IDomainEvent> CommandsAfter);

/// <summary>
/// How a replay repeats a job that started more than once: each start on the data it read, in order, on one state
/// directory, so every decision sees what the journaled one saw when it was taken (a retraining check at a time one
/// symbol's file had not reached yet, settings changed at a restart). A start that repeats the one before is left out. An
/// operator's emergency-stop trigger or reset reached the bars after its market time and no earlier one: one given while
/// a start decided its bars is dated one tick before the next bar it decided, and one given while the node served is
/// dated by the account's clock, which stands at the last bar decided. So each goes to the first start that read a bar
/// after it, to be given right before that bar, and one after every start's last bar goes after the last start. An
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

        var essActions = kept.Select(_ => new List<EssOperatorAction>()).ToArray();
        foreach (var action in actions)
        {
            var k = kept.FindIndex(s => s.Start.LastBar > action.Time);
            essActions[k < 0 ? kept.Count - 1 : k].Add(action);
        }
        return kept.Select((s, k) => new ReplaySegment(s.Index, s.Start, essActions[k], after[k])).ToArray();
    }
}
