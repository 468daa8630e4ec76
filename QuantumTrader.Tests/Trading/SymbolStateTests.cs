using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

/// <summary>The per-symbol cascade as a pure function: which bars decide, what gets journaled, and why.</summary>
public sealed class SymbolStateTests
{
    private readonly SymbolRules _rules = new();
    private readonly List<Bar> _bars = SyntheticBars.Make("TEST", 60);

    private sealed class RefuseAll : IOrderGate
    {
        public GateVerdict Check(OrderProposal proposal) => new(false, 0, ["leverage 12.0x above the 5x limit", "mode PROTECTIVE caps positions at $100"]);
    }

    private BarContext Context(Func<ModelInput, TradeAction> vote, double confidence = 0.9, bool trading = true, IOrderGate? gate = null) =>
        new(PortfolioView.Of(10_000), trading, EnsembleWeights.Default,
            input => [new(ModelSlots.Xgb, vote(input), confidence), new(ModelSlots.Lgbm, vote(input), confidence)],
            new FixedFractionSizing(new FixedFractionSizer(_rules.Execution)), gate ?? OpenGate.Instance);

    private (SymbolState State, List<SymbolEvent> Events) Run(BarContext context, int count)
    {
        var state = SymbolState.Start("TEST", _rules);
        var all = new List<SymbolEvent>();
        for (var i = 0; i < count; i++)
        {
            var (observed, events) = state.Process(_bars[i], i + 1, context, _rules);
            state = observed.ApplyAll(events);
            all.AddRange(events);
        }
        return (state, all);
    }

    [Fact]
    public void Nothing_is_decided_before_every_indicator_is_warm()
    {
        var (state, events) = Run(Context(_ => TradeAction.Buy), 33);
        Assert.Empty(events);
        Assert.Null(state.Regime);
        Assert.Equal(33, state.LastSeq);
    }

    [Fact]
    public void Outside_the_trading_span_only_the_regime_is_followed()
    {
        var (state, events) = Run(Context(_ => TradeAction.Buy, trading: false), 60);
        Assert.All(events, e => Assert.IsType<RegimeChanged>(e));
        Assert.NotEmpty(events);
        Assert.Null(state.Broker.Position);
    }

    [Fact]
    public void A_buy_is_ordered_at_the_close_and_filled_at_the_next_open_and_repeated_buys_are_not_journaled()
    {
        var (state, events) = Run(Context(i => i.Features.Time >= _bars[40].Time ? TradeAction.Buy : TradeAction.Hold), 45);
        var placed = Assert.Single(events.OfType<OrderPlaced>());
        Assert.Equal(41, placed.BarSeq);
        var fill = Assert.Single(events.OfType<FillExecuted>());
        Assert.Equal(42, fill.BarSeq);
        Assert.Equal(_bars[41].Open * (1 + 5 / 10_000.0), fill.Fill.Price, 9);
        Assert.Equal(TradeSide.Long, state.Broker.Position!.Side);
        Assert.Empty(events.OfType<SignalRejected>());
        Assert.Equal(1, state.TradesOpened);
    }

    [Fact]
    public void A_weak_signal_is_refused_by_the_filter_and_journaled_with_its_decision_record()
    {
        var (state, events) = Run(Context(i => i.Features.Time == _bars[40].Time ? TradeAction.Buy : TradeAction.Hold, confidence: 0.3), 42);
        var rejected = Assert.Single(events.OfType<SignalRejected>());
        Assert.Equal(RejectionStages.Filter, rejected.Stage);
        Assert.Equal(FilterVerdict.Skip, rejected.Decision.Filter.Verdict);
        Assert.Equal(0.3, rejected.Decision.Ensemble.Votes[0].Confidence);
        Assert.Empty(events.OfType<OrderPlaced>());
        Assert.Equal(1, state.SignalsRejected);
    }

    [Fact]
    public void A_refusal_of_the_order_gate_is_journaled_with_every_reason_and_nothing_is_ordered()
    {
        var (_, events) = Run(Context(i => i.Features.Time == _bars[40].Time ? TradeAction.Buy : TradeAction.Hold, gate: new RefuseAll()), 42);
        var rejected = Assert.Single(events.OfType<SignalRejected>());
        Assert.Equal(RejectionStages.RiskGate, rejected.Stage);
        Assert.Contains("leverage 12.0x", rejected.Reason);
        Assert.Contains("PROTECTIVE", rejected.Reason);
        Assert.NotNull(rejected.Decision.Sizing);
        Assert.Empty(events.OfType<OrderPlaced>());
    }

    [Fact]
    public void Bars_must_come_in_order_without_gaps()
    {
        var state = SymbolState.Start("TEST", _rules);
        var context = Context(_ => TradeAction.Hold);
        Assert.Throws<ArgumentException>(() => state.Process(_bars[0], 2, context, _rules));
        Assert.Throws<ArgumentException>(() => state.Process(_bars[0] with { Symbol = "OTHER" }, 1, context, _rules));
    }

    [Fact]
    public void Applying_the_journaled_events_to_the_bar_derived_state_rebuilds_the_same_account_of_trades()
    {
        var (state, events) = SymbolTimeline.Run();
        var rebuilt = SymbolState.Start("TEST", _rules) with { LastSeq = state.LastSeq, Features = state.Features, RecentCloses = state.RecentCloses, Bias = state.Bias };
        rebuilt = rebuilt.ApplyAll(events);
        Assert.Equal(state.TradesOpened, rebuilt.TradesOpened);
        Assert.Equal(state.TradesClosed, rebuilt.TradesClosed);
        Assert.Equal(state.RealizedPnl, rebuilt.RealizedPnl);
        Assert.Equal(state.Regime, rebuilt.Regime);
        Assert.Equal(state.Broker.Position, rebuilt.Broker.Position);
    }
}
