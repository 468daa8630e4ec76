using System.Text.Json;
using QuantumTrader.Models.Execution;
using static QuantumTrader.Models.Ensemble.TradeAction;
using static QuantumTrader.Tests.Execution.BrokerTestData;

namespace QuantumTrader.Tests.Execution;

public class BrokerStateTests
{
    // Long entry decided at hour 0, filled at hour 1's open 101: 101 x (1 + 5bps) = 101.0505, fee 10bps x 10,105.05 = 10.10505.
    // Stop 101.0505 - 3 = 98.0505, target 101.0505 + 6 = 107.0505, initial risk 3 x 100 = 300.
    private static BrokerState Long()
    {
        var state = Start().Submit(Intent(0, Buy)).OnBar(Bar(1, 101, 102, 100.5, 101.5), out var events);
        var filled = Assert.IsType<OrderFilled>(Assert.Single(events));
        Assert.Equal(FillReasons.Entry, filled.Fill.Reason);
        return state;
    }

    private static ClosedTrade ClosedBy(BrokerState state, Models.Market.Bar bar, out BrokerState next)
    {
        next = state.OnBar(bar, out var events);
        Assert.Equal(2, events.Count);
        Assert.IsType<OrderFilled>(events[0]);
        return Assert.IsType<PositionClosed>(events[1]).Trade;
    }

    [Fact]
    public void Order_fills_at_the_next_open_with_slippage_and_fees()
    {
        var pending = Start().Submit(Intent(0, Buy), out var submitted);
        var accepted = Assert.IsType<OrderAccepted>(Assert.Single(submitted));
        Assert.Equal(100, accepted.Order.Quantity, 9);
        Assert.Null(pending.Position);

        var state = pending.OnBar(Bar(1, 101, 102, 100.5, 101.5), out var events);
        var fill = Assert.IsType<OrderFilled>(Assert.Single(events)).Fill;
        Assert.Equal(At(1), fill.Time);
        Assert.Equal(101, fill.ReferencePrice);
        Assert.Equal(101.0505, fill.Price, 9);
        Assert.Equal(10.10505, fill.Fee, 9);

        var p = state.Position!;
        Assert.Null(state.Pending);
        Assert.Equal(TradeSide.Long, p.Side);
        Assert.Equal("BTCUSDT-20240101T010000Z", p.TradeId);
        Assert.Equal(98.0505, p.StopLoss, 9);
        Assert.Equal(107.0505, p.TakeProfit, 9);
        Assert.Equal(300, p.InitialRisk, 9);
        Assert.Equal(30_000, state.Equity);
    }

    [Fact]
    public void Take_profit_fills_at_the_target_without_slippage()
    {
        var trade = ClosedBy(Long(), Bar(2, 102, 108, 101, 107), out var state);
        // pnl 6 x 100 - 10.10505 - 10.70505 = 579.1899; R = 579.1899 / 300
        Assert.Equal(FillReasons.TakeProfit, trade.ExitReason);
        Assert.Equal(107.0505, trade.ExitPrice, 9);
        Assert.Equal(20.8101, trade.Fees, 9);
        Assert.Equal(579.1899, trade.Pnl, 9);
        Assert.Equal(1.930633, trade.RMultiple, 9);
        Assert.Equal(At(1), trade.EntryTime);
        Assert.Equal(At(2), trade.ExitTime);
        Assert.Equal(30_579.1899, state.Equity, 9);
        Assert.Equal(1, state.ClosedTrades);
        Assert.Null(state.Position);
    }

    [Fact]
    public void Stop_loss_fills_at_the_stop_with_slippage()
    {
        var trade = ClosedBy(Long(), Bar(2, 100, 100.5, 97, 98), out _);
        // 98.0505 x (1 - 5bps) = 98.00147475; pnl -304.902525 - 10.10505 - 9.800147475 = -324.807722475
        Assert.Equal(FillReasons.StopLoss, trade.ExitReason);
        Assert.Equal(98.00147475, trade.ExitPrice, 9);
        Assert.Equal(-324.807722475, trade.Pnl, 9);
        Assert.Equal(-1.08269240825, trade.RMultiple, 9);
    }

    [Fact]
    public void Gap_through_the_stop_fills_at_the_open()
    {
        var trade = ClosedBy(Long(), Bar(2, 96, 97, 95, 96.5), out _);
        // 96 x (1 - 5bps) = 95.952; pnl (95.952 - 101.0505) x 100 - 10.10505 - 9.5952 = -529.55025
        Assert.Equal(FillReasons.StopLoss, trade.ExitReason);
        Assert.Equal(95.952, trade.ExitPrice, 9);
        Assert.Equal(-529.55025, trade.Pnl, 9);
        Assert.Equal(-1.7651675, trade.RMultiple, 9);
    }

    [Fact]
    public void Gap_through_the_target_fills_at_the_better_open()
    {
        var trade = ClosedBy(Long(), Bar(2, 110, 111, 109, 110), out _);
        Assert.Equal(FillReasons.TakeProfit, trade.ExitReason);
        Assert.Equal(110, trade.ExitPrice, 9);
    }

    [Fact]
    public void Stop_and_target_in_one_bar_assumes_the_stop_first()
    {
        var trade = ClosedBy(Long(), Bar(2, 102, 108, 97, 107), out _);
        Assert.Equal(FillReasons.StopLoss, trade.ExitReason);
        Assert.Equal(98.00147475, trade.ExitPrice, 9);
    }

    [Fact]
    public void Entry_bar_range_after_the_open_can_hit_the_stop()
    {
        var state = Start().Submit(Intent(0, Buy)).OnBar(Bar(1, 101, 101.5, 97.5, 98), out var events);
        Assert.Equal(3, events.Count);
        Assert.Equal(FillReasons.StopLoss, Assert.IsType<PositionClosed>(events[2]).Trade.ExitReason);
        Assert.Null(state.Position);
    }

    [Fact]
    public void Bar_inside_the_levels_keeps_the_position()
    {
        var state = Long().OnBar(Bar(2, 102, 107, 98.1, 106), out var events);
        Assert.Empty(events);
        Assert.NotNull(state.Position);
    }

    [Fact]
    public void Opposite_signal_closes_at_the_next_open_and_does_not_reverse()
    {
        var state = Long().Submit(Intent(1, Sell), out var submitted);
        Assert.Equal(OrderPurpose.Close, Assert.IsType<OrderAccepted>(Assert.Single(submitted)).Order.Purpose);
        Assert.NotNull(state.Position);

        var trade = ClosedBy(state, Bar(2, 104, 104.5, 103.5, 104), out state);
        // 104 x (1 - 5bps) = 103.948; pnl 2.8975 x 100 - 10.10505 - 10.3948 = 269.25015
        Assert.Equal(FillReasons.SignalReverse, trade.ExitReason);
        Assert.Equal(103.948, trade.ExitPrice, 9);
        Assert.Equal(269.25015, trade.Pnl, 9);
        Assert.Equal(0.8975005, trade.RMultiple, 9);
        Assert.Null(state.Position);
        Assert.Null(state.Pending);

        // A fresh SELL signal afterwards opens the short one bar later.
        state = state.Submit(Intent(2, Sell)).OnBar(Bar(3, 103, 103.5, 102.5, 103));
        Assert.Equal(TradeSide.Short, state.Position!.Side);
        Assert.Equal(At(3), state.Position.EntryTime);
    }

    [Fact]
    public void Never_long_and_short_at_once()
    {
        var state = Long();
        state = state.Submit(Intent(1, Buy), out var same);
        Assert.StartsWith(RejectReasons.PositionOpen, Assert.IsType<OrderRejected>(Assert.Single(same)).Reason);

        state = state.Submit(Intent(1, Sell));
        state.Submit(Intent(1, Sell), out var second);
        Assert.StartsWith(RejectReasons.OrderPending, Assert.IsType<OrderRejected>(Assert.Single(second)).Reason);

        state = state.OnBar(Bar(2, 104, 104.5, 103.5, 104));
        Assert.Null(state.Position);
        Assert.Equal(1, state.ClosedTrades);
    }

    [Fact]
    public void Short_take_profit_and_r_multiple()
    {
        // Short at 100 x (1 - 5bps) = 99.95, fee 9.995; stop 102.95, target 93.95.
        var state = Start().Submit(Intent(0, Sell)).OnBar(Bar(1, 100, 100.5, 99.5, 100));
        Assert.Equal(102.95, state.Position!.StopLoss, 9);
        Assert.Equal(93.95, state.Position.TakeProfit, 9);

        var trade = ClosedBy(state, Bar(2, 99, 99.5, 93, 94), out _);
        // pnl 6 x 100 - 9.995 - 9.395 = 580.61; R = 580.61 / 300
        Assert.Equal(TradeSide.Short, trade.Side);
        Assert.Equal(93.95, trade.ExitPrice, 9);
        Assert.Equal(580.61, trade.Pnl, 9);
        Assert.Equal(580.61 / 300, trade.RMultiple, 9);
    }

    [Fact]
    public void Short_stop_pays_slippage_upwards()
    {
        var state = Start().Submit(Intent(0, Sell)).OnBar(Bar(1, 100, 100.5, 99.5, 100));
        var trade = ClosedBy(state, Bar(2, 101, 104, 100.5, 103), out _);
        // 102.95 x (1 + 5bps) = 103.001475; pnl (99.95 - 103.001475) x 100 - 9.995 - 10.3001475 = -325.4426475
        Assert.Equal(FillReasons.StopLoss, trade.ExitReason);
        Assert.Equal(103.001475, trade.ExitPrice, 9);
        Assert.Equal(-325.4426475, trade.Pnl, 9);
    }

    [Fact]
    public void End_of_data_closes_at_the_last_close_and_cancels_a_pending_order()
    {
        var state = Long().Submit(Intent(1, Sell));
        var last = Bar(1, 101, 102, 100.5, 102);
        state = state.CloseAtEnd(last, out var events);
        Assert.Equal(3, events.Count);
        Assert.IsType<OrderCancelled>(events[0]);
        var trade = Assert.IsType<PositionClosed>(events[2]).Trade;
        Assert.Equal(FillReasons.EndOfData, trade.ExitReason);
        Assert.Equal(102 * (1 - 0.0005), trade.ExitPrice, 9);
        Assert.Null(state.Pending);
        Assert.Null(state.Position);
    }

    [Fact]
    public void Hold_and_zero_quantity_are_rejected()
    {
        Start().Submit(Intent(0, Hold), out var hold);
        Assert.Equal(RejectReasons.Hold, Assert.IsType<OrderRejected>(Assert.Single(hold)).Reason);

        var broke = new OrderIntent(Symbol, At(0), Buy, Decision(0, Buy, equity: 0));
        Start().Submit(broke, out var zero);
        Assert.Equal(RejectReasons.ZeroQuantity, Assert.IsType<OrderRejected>(Assert.Single(zero)).Reason);
    }

    [Fact]
    public void Bad_bars_and_orders_are_refused_with_the_field()
    {
        var pending = Start().Submit(Intent(0, Buy));
        var early = Assert.Throws<ArgumentException>(() => pending.OnBar(Bar(0, 100, 101, 99, 100)));
        Assert.Contains("not after the pending order's decision time", early.Message);

        var broken = Assert.Throws<ArgumentException>(() => pending.OnBar(Bar(1, 103, 102, 99, 100)));
        Assert.Contains("does not contain Open 103", broken.Message);

        var other = Assert.Throws<ArgumentException>(() => pending.OnBar(new Models.Market.Bar("ETHUSDT", At(1), 1, 1, 1, 1, 1)));
        Assert.Contains("'ETHUSDT'", other.Message);

        var noSizing = new OrderIntent(Symbol, At(0), Buy, Decision(0, Buy) with { Sizing = null });
        Assert.Contains("needs Decision.Sizing", Assert.Throws<ArgumentException>(() => Start().Submit(noSizing)).Message);
    }

    [Fact]
    public void Replaying_the_events_rebuilds_the_state()
    {
        var journal = new List<BrokerEvent>();
        var state = Start();
        state = state.Submit(Intent(0, Buy), out var e); journal.AddRange(e);
        state = state.OnBar(Bar(1, 101, 102, 100.5, 101.5), out e); journal.AddRange(e);
        state = state.OnBar(Bar(2, 102, 108, 101, 107), out e); journal.AddRange(e);
        state = state.Submit(Intent(2, Sell), out e); journal.AddRange(e);
        state = state.OnBar(Bar(3, 107, 107.5, 106, 107), out e); journal.AddRange(e);

        // Events go through JSON as an actor journal would store them.
        var stored = journal.Select(x => JsonSerializer.Serialize(x)).ToArray();
        var replayed = stored.Select(s => JsonSerializer.Deserialize<BrokerEvent>(s)!).Aggregate(Start(), (s, x) => s.Apply(x));

        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(replayed));
        Assert.Equal(TradeSide.Short, replayed.Position!.Side);
        Assert.Equal(30_579.1899, replayed.Equity, 9);
    }

    [Fact]
    public void State_with_an_open_position_round_trips_through_json()
    {
        var state = Long().Submit(Intent(1, Sell));
        var json = JsonSerializer.Serialize(state);
        var back = JsonSerializer.Deserialize<BrokerState>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(state.Position!.EntryPrice, back.Position!.EntryPrice);
        var decision = back.Position.Decision;
        Assert.Equal("v1", decision.FeatureSetVersion);
        Assert.Equal(["ret_1", "atr_pct"], decision.FeatureNames);
        Assert.Equal(4, decision.Ensemble.Votes.Count);
        Assert.Equal(0.30, decision.Ensemble.Votes.Single(v => v.ModelId == "nhits").Weight, 12);
        Assert.Equal([0.01, 1.5, 3.0], decision.Sizing!.Action);

        // The restored broker carries on exactly like the original.
        var bar = Bar(2, 104, 104.5, 103.5, 104);
        state.OnBar(bar, out var a);
        back.OnBar(bar, out var b);
        Assert.Equal(JsonSerializer.Serialize(a), JsonSerializer.Serialize(b));
    }
}
