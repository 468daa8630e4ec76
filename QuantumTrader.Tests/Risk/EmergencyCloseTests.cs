using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Risk;

/// <summary>The pure cascade under the emergency stop: EMERGENCY closes the open position at the next open and refuses new entries.</summary>
public class EmergencyCloseTests
{
    private readonly List<Bar> _bars = SyntheticBars.Make("TEST", 70);
    private readonly SymbolRules _rules = new();

    private (List<(int Bar, SymbolEvent Event)> Events, SymbolState State) Run(Func<int, string> modeAt, params int[] buyAt)
    {
        var buys = buyAt.Select(i => _bars[i].Time).ToHashSet();
        IReadOnlyList<Prediction> Predict(ModelInput input) =>
        [
            new(ModelSlots.Xgb, buys.Contains(input.Features.Time) ? TradeAction.Buy : TradeAction.Hold, 0.9),
            new(ModelSlots.Lgbm, buys.Contains(input.Features.Time) ? TradeAction.Buy : TradeAction.Hold, 0.9),
        ];
        var gate = new RiskOrderGate(new RiskBoard(new KnownSymbols(["TEST"])));
        var sizing = new FixedFractionSizing(new FixedFractionSizer(_rules.Execution));
        var state = SymbolState.Start("TEST", _rules);
        var events = new List<(int, SymbolEvent)>();
        for (var i = 0; i < _bars.Count; i++)
        {
            var view = PortfolioView.Of(10_000) with { EssMode = modeAt(i) };
            var (observed, produced) = state.Process(_bars[i], i + 1, new BarContext(view, true, EnsembleWeights.Default, Predict, sizing, gate), _rules);
            state = observed.ApplyAll(produced);
            events.AddRange(produced.Select(e => (i, e)));
        }
        return (events, state);
    }

    [Fact]
    public void Emergency_closes_the_open_position_at_the_next_open_with_its_reason_journaled()
    {
        var (events, state) = Run(i => i is >= 41 and < 45 ? "EMERGENCY" : "NORMAL", 40);

        var entry = Assert.Single(events, e => e.Event is FillExecuted { Fill.Reason: FillReasons.Entry });
        Assert.Equal(41, entry.Bar);
        var close = Assert.Single(events, e => e.Event is OrderPlaced { Order.Purpose: OrderPurpose.Close });
        Assert.Equal(41, close.Bar);
        Assert.Equal(FillReasons.EmergencyStop, ((OrderPlaced)close.Event).Order.ExitReason);
        Assert.Equal(TradeAction.Sell, ((OrderPlaced)close.Event).Order.Direction);

        var closed = Assert.Single(events, e => e.Event is TradeClosed);
        var trade = ((TradeClosed)closed.Event).Trade;
        Assert.Equal((42, FillReasons.EmergencyStop, _bars[42].Time), (closed.Bar, trade.ExitReason, trade.ExitTime));
        Assert.Equal(_bars[42].Open * (1 - 5 / 10_000.0), trade.ExitPrice, 9);
        Assert.Null(state.Broker.Position);
        Assert.Null(state.Broker.Pending);
    }

    [Fact]
    public void Emergency_refuses_a_new_entry_at_the_risk_gate_and_trading_resumes_after_it()
    {
        var (events, _) = Run(i => i < 55 ? "EMERGENCY" : "NORMAL", 50, 60);

        var refused = Assert.Single(events, e => e.Event is SignalRejected);
        var rejection = (SignalRejected)refused.Event;
        Assert.Equal((50, RejectionStages.RiskGate), (refused.Bar, rejection.Stage));
        Assert.StartsWith("EMERGENCY mode blocks every new entry", rejection.Reason);

        var opened = Assert.Single(events, e => e.Event is OrderPlaced { Order.Purpose: OrderPurpose.Open });
        Assert.Equal(60, opened.Bar);
        // The NORMAL limits allow 500 USD of notional; the fixed-fraction size asked for more and was clipped.
        var order = ((OrderPlaced)opened.Event).Order;
        Assert.Equal(500, order.Quantity * _bars[60].Close, 3);
    }
}
