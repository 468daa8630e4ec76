using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

/// <summary>Deciding ahead, committing a prefix and deciding the rest again gives exactly the decisions made one bar at a time.</summary>
public sealed class SymbolDecisionsTests
{
    private readonly SymbolRules _rules = new();
    private readonly List<Bar> _bars = SyntheticBars.Make("TEST", 60);

    private BarContext Context(double equity = 10_000)
    {
        var buyAt = _bars[40].Time;
        return new BarContext(PortfolioView.Of(equity), true, EnsembleWeights.Default,
            input => [new(ModelSlots.Xgb, input.Features.Time == buyAt ? TradeAction.Buy : TradeAction.Hold, 0.9),
                      new(ModelSlots.Lgbm, input.Features.Time == buyAt ? TradeAction.Buy : TradeAction.Hold, 0.9)],
            new FixedFractionSizing(new FixedFractionSizer(_rules.Execution)), OpenGate.Instance);
    }

    private Bar BarAt(int i) => i == 42 ? SyntheticBars.Crash(_bars[i]) : _bars[i];

    private static string Json(SymbolEvent e) => System.Text.Json.JsonSerializer.Serialize(e, e.GetType());

    private static bool Same(IReadOnlyList<SymbolEvent> a, IReadOnlyList<SymbolEvent> b) =>
        a.Count == b.Count && a.Zip(b, (x, y) => Json(x) == Json(y)).All(same => same);

    /// <summary>The same 50 bars decided one at a time, each committed at once.</summary>
    private (SymbolState State, List<SymbolEvent> Events) OneAtATime()
    {
        var decisions = new SymbolDecisions(SymbolState.Start("TEST", _rules), Same);
        var events = new List<SymbolEvent>();
        for (var i = 0; i < 50; i++)
        {
            events.AddRange(decisions.Decide(BarAt(i), i + 1, Context(), _rules).Events);
            decisions.Commit(i + 1);
        }
        return (decisions.Committed, events);
    }

    [Fact]
    public void A_dropped_tail_is_decided_again_from_the_committed_bar_and_ends_where_one_bar_at_a_time_ends()
    {
        var reference = OneAtATime();
        var decisions = new SymbolDecisions(SymbolState.Start("TEST", _rules), Same);
        var committed = new List<SymbolEvent>();
        var next = 0;
        while (next < 50)
        {
            // Decide up to six bars ahead, keep only the first two: the rest is thrown away and decided again.
            for (var i = next; i < Math.Min(next + 6, 50); i++) decisions.Decide(BarAt(i), i + 1, Context(), _rules);
            var kept = decisions.Commit(Math.Min(next + 2, 50));
            committed.AddRange(kept.SelectMany(d => d.Events));
            Assert.Empty(decisions.Tentative);
            next = (int)decisions.Committed.LastSeq;
        }

        Assert.Contains(reference.Events, e => e is TradeClosed);
        Assert.Equal(reference.Events.Select(Json), committed.Select(Json));
        Assert.Equal(reference.State.TradesClosed, decisions.Committed.TradesClosed);
        Assert.Equal(reference.State.RealizedPnl, decisions.Committed.RealizedPnl);
    }

    [Fact]
    public void The_bar_that_changes_the_portfolio_says_so()
    {
        var decisions = new SymbolDecisions(SymbolState.Start("TEST", _rules), Same);
        var changing = new List<long>();
        for (var i = 0; i < 50; i++)
            if (decisions.Decide(BarAt(i), i + 1, Context(), _rules).ChangesPortfolio) changing.Add(i + 1);

        // The entry fills at the open after the signal (bar 42 is the crash that stops it out on the same bar).
        var events = decisions.Tentative.SelectMany(d => d.Events).ToArray();
        var entry = events.OfType<FillExecuted>().Single(f => f.Fill.Reason == FillReasons.Entry);
        var exit = events.OfType<TradeClosed>().Single();
        Assert.Equal([entry.BarSeq, exit.BarSeq], changing);
        Assert.DoesNotContain(events.OfType<OrderPlaced>().First().BarSeq, changing);
    }

    [Fact]
    public void Journaled_events_take_the_place_of_new_decisions_until_the_last_of_them_is_committed()
    {
        var reference = OneAtATime();
        var snapshotAt = 30;
        var restored = new SymbolDecisions(SymbolState.Start("TEST", _rules), Same);
        for (var i = 0; i < snapshotAt; i++) restored.Decide(BarAt(i), i + 1, Context(), _rules);
        restored.Commit(snapshotAt);
        var snapshot = restored.Committed;

        var recovered = new SymbolDecisions(SymbolState.Start("TEST", _rules), Same);
        recovered.Restore(snapshot);
        foreach (var e in reference.Events.Where(e => e.BarSeq > snapshotAt)) recovered.HoldBack(e);
        Assert.Throws<InvalidOperationException>(() => recovered.HoldBack(reference.Events.First(e => e.BarSeq <= snapshotAt)));

        // A different equity would size the trade differently: the journal wins and the divergence is flagged.
        var lastJournaled = reference.Events.Max(e => e.BarSeq);
        for (var i = snapshotAt; i < 50; i++) recovered.Decide(BarAt(i), i + 1, Context(equity: 20_000), _rules);
        var all = recovered.Commit(50);
        Assert.All(all.Where(d => d.Seq <= lastJournaled), d => Assert.True(d.FromJournal));
        Assert.All(all.Where(d => d.Seq > lastJournaled), d => Assert.False(d.FromJournal));
        Assert.Contains(all, d => d.Diverged);
        Assert.Equal(reference.State.RealizedPnl, recovered.Committed.RealizedPnl);
    }
}
