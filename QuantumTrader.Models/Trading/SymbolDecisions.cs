using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// One bar decided on top of the symbol's state: the state after it and its events. <paramref name="FromJournal"/> when
/// the events are the journal's (a resumed run), <paramref name="Diverged"/> when a new decision would have differed.
/// </summary>
public sealed record DecidedBar(long Seq, DateTimeOffset Time, SymbolState State, IReadOnlyList<SymbolEvent> Events, bool FromJournal, bool Diverged)
{
    public bool ChangesPortfolio => Events.Any(PortfolioEvents.ChangesPortfolio);
}

/// <summary>
/// A symbol's decisions between commits. Bars are decided tentatively on top of the committed state; a commit through
/// bar N keeps the decisions up to N (the caller journals their events) and drops the later ones, which will be decided
/// again from N. After a restart, the events journaled after the snapshot are held back: when their bars are decided
/// again the journal's events take the place of the new decision, and every bar up to the last of them is re-aligned
/// with the journal (a bar it holds nothing for decided nothing).
/// </summary>
public sealed class SymbolDecisions(SymbolState committed, Func<IReadOnlyList<SymbolEvent>, IReadOnlyList<SymbolEvent>, bool> sameEvents)
{
    private readonly List<DecidedBar> _tentative = [];
    private readonly SortedDictionary<long, List<SymbolEvent>> _journaled = new();

    public SymbolState Committed { get; private set; } = committed;

    /// <summary>The state the next bar is decided on: the last tentative decision's, or the committed one.</summary>
    public SymbolState Tip => _tentative.Count > 0 ? _tentative[^1].State : Committed;

    public IReadOnlyList<DecidedBar> Tentative => _tentative;

    /// <summary>Recovery: the snapshot's state replaces the committed one.</summary>
    public void Restore(SymbolState snapshot)
    {
        _tentative.Clear();
        Committed = snapshot;
    }

    /// <summary>Recovery: an event journaled after the snapshot, kept until its bar is decided again.</summary>
    public void HoldBack(SymbolEvent e)
    {
        if (e.BarSeq <= Committed.LastSeq)
            throw new InvalidOperationException($"{e.Symbol}: journaled event for bar #{e.BarSeq} precedes the snapshot at bar #{Committed.LastSeq}");
        if (!_journaled.TryGetValue(e.BarSeq, out var list)) _journaled[e.BarSeq] = list = [];
        list.Add(e);
    }

    /// <summary>Decides bar <paramref name="seq"/> on top of <see cref="Tip"/> and keeps it as tentative.</summary>
    public DecidedBar Decide(Bar bar, long seq, BarContext context, SymbolRules rules)
    {
        var (observed, computed) = Tip.Process(bar, seq, context, rules);
        DecidedBar decided;
        if (_journaled.Count > 0 && seq <= _journaled.Keys.Last())
        {
            IReadOnlyList<SymbolEvent> journaled = _journaled.TryGetValue(seq, out var held) ? held : [];
            decided = new DecidedBar(seq, bar.Time, observed.ApplyAll(journaled), journaled, true, !sameEvents(journaled, computed));
        }
        else
        {
            decided = new DecidedBar(seq, bar.Time, observed.ApplyAll(computed), computed, false, false);
        }
        _tentative.Add(decided);
        return decided;
    }

    /// <summary>Keeps the tentative decisions through bar <paramref name="throughSeq"/> and returns them in order; drops the rest.</summary>
    public IReadOnlyList<DecidedBar> Commit(long throughSeq)
    {
        var kept = _tentative.TakeWhile(d => d.Seq <= throughSeq).ToArray();
        _tentative.Clear();
        if (kept.Length == 0) return kept;
        Committed = kept[^1].State;
        foreach (var seq in _journaled.Keys.TakeWhile(s => s <= Committed.LastSeq).ToArray()) _journaled.Remove(seq);
        return kept;
    }
}
