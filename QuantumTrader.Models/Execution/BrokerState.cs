using System.Globalization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Execution;

/// <summary>
/// Paper broker for one symbol as immutable plain data. Commands (Submit, OnBar, CloseAtEnd) return the events they
/// caused and the state after applying them; Apply replays a journal. At most one position, long or short, and at most
/// one pending order exist at any time.
/// Equity is realised: starting equity plus the net Pnl of closed trades (the entry fee is booked at close).
/// </summary>
public sealed record BrokerState(
    string Symbol,
    ExecutionOptions Options,
    double Equity,
    int ClosedTrades,
    PendingOrder? Pending,
    OpenPosition? Position)
{
    public static BrokerState Start(string symbol, double equity, ExecutionOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(symbol)) throw new ArgumentException("symbol is empty", nameof(symbol));
        if (!double.IsFinite(equity) || equity <= 0)
            throw new ArgumentOutOfRangeException(nameof(equity), equity, "starting equity must be a finite number > 0");
        var o = options ?? new ExecutionOptions();
        o.Validate();
        return new BrokerState(symbol, o, equity, 0, null, null);
    }

    /// <summary>
    /// Takes a decision made on the bar at intent.DecidedAt. Flat: an opening order sized by intent.Decision.Sizing.
    /// Holding: an opposite signal becomes an order that only closes (no reversal on the same bar); the same direction is rejected.
    /// </summary>
    public BrokerState Submit(OrderIntent intent, out IReadOnlyList<BrokerEvent> events)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(intent.Decision);
        if (intent.Symbol != Symbol)
            throw new ArgumentException($"order for '{intent.Symbol}' sent to the broker of '{Symbol}'", nameof(intent));

        BrokerEvent e;
        if (intent.Action == TradeAction.Hold)
            e = Reject(intent, RejectReasons.Hold);
        else if (Pending is not null)
            e = Reject(intent, $"{RejectReasons.OrderPending}: an order decided at {Pending.DecidedAt:O} waits for its fill");
        else if (Position is { } position)
        {
            var opposite = position.Side == TradeSide.Long ? TradeAction.Sell : TradeAction.Buy;
            e = intent.Action == opposite
                ? new OrderAccepted(new PendingOrder(Symbol, intent.DecidedAt, OrderPurpose.Close, intent.Action, position.Quantity, 0, 0, intent.Decision, intent.ExitReason))
                : Reject(intent, $"{RejectReasons.PositionOpen}: already {position.Side.ToString().ToLowerInvariant()}");
        }
        else
        {
            var sizing = intent.Decision.Sizing
                ?? throw new ArgumentException($"order {Symbol} {intent.Action} at {intent.DecidedAt:O}: an opening order needs Decision.Sizing", nameof(intent));
            RequireFinite(sizing.Quantity, nameof(sizing.Quantity), allowZero: true);
            RequireFinite(sizing.StopDistance, nameof(sizing.StopDistance), allowZero: false);
            RequireFinite(sizing.TakeProfitDistance, nameof(sizing.TakeProfitDistance), allowZero: false);
            e = sizing.Quantity == 0
                ? Reject(intent, RejectReasons.ZeroQuantity)
                : new OrderAccepted(new PendingOrder(Symbol, intent.DecidedAt, OrderPurpose.Open, intent.Action,
                    sizing.Quantity, sizing.StopDistance, sizing.TakeProfitDistance, intent.Decision));
        }
        events = [e];
        return Apply(e);
    }

    /// <summary>
    /// One new bar: a pending order fills at its open, then the open position is checked against the bar's range.
    /// An open beyond the stop or target fills there at the open. When the bar spans both stop and target the stop is
    /// assumed hit first: the path inside a bar is unknown, so the broker takes the worse outcome.
    /// Stops and market orders pay slippage; targets are limit orders and fill at their level (or a better open).
    /// </summary>
    public BrokerState OnBar(Bar bar, out IReadOnlyList<BrokerEvent> events)
    {
        ValidateBar(bar);
        var list = new List<BrokerEvent>();
        var state = this;

        if (state.Pending is { } order)
        {
            if (bar.Time <= order.DecidedAt)
                throw new ArgumentException($"bar {Symbol} at {bar.Time:O} is not after the pending order's decision time {order.DecidedAt:O}", nameof(bar));
            state = order.Purpose == OrderPurpose.Open
                ? state.Emit(list, new OrderFilled(state.MarketFill(bar.Time, order.Direction, bar.Open, order.Quantity, FillReasons.Entry)))
                : state.Exit(list, bar.Time, bar.Open, order.ExitReason ?? FillReasons.SignalReverse, slipped: true);
        }

        if (state.Position is { } position)
        {
            if (bar.Time < position.EntryTime)
                throw new ArgumentException($"bar {Symbol} at {bar.Time:O} is before the position's entry at {position.EntryTime:O}", nameof(bar));
            if (FindExit(position, bar) is var (price, reason, slipped))
                state = state.Exit(list, bar.Time, price, reason, slipped);
        }

        events = list;
        return state;
    }

    /// <summary>Data ran out: cancel a pending order and close the position at the last bar's close (market, with slippage).</summary>
    public BrokerState CloseAtEnd(Bar lastBar, out IReadOnlyList<BrokerEvent> events)
    {
        ValidateBar(lastBar);
        var list = new List<BrokerEvent>();
        var state = this;
        if (state.Pending is { } order) state = state.Emit(list, new OrderCancelled(order, FillReasons.EndOfData));
        if (state.Position is { } position)
        {
            if (lastBar.Time < position.EntryTime)
                throw new ArgumentException($"bar {Symbol} at {lastBar.Time:O} is before the position's entry at {position.EntryTime:O}", nameof(lastBar));
            state = state.Exit(list, lastBar.Time, lastBar.Close, FillReasons.EndOfData, slipped: true);
        }
        events = list;
        return state;
    }

    public BrokerState Apply(BrokerEvent e) => e switch
    {
        OrderAccepted a => this with { Pending = a.Order },
        OrderRejected => this,
        OrderCancelled => this with { Pending = null },
        OrderFilled { Fill.Reason: FillReasons.Entry } f => OpenFrom(f.Fill),
        OrderFilled { Fill.Reason: FillReasons.SignalReverse or FillReasons.EmergencyStop } => this with { Pending = null },
        OrderFilled => this,
        PositionClosed c => this with { Position = null, Equity = Equity + c.Trade.Pnl, ClosedTrades = ClosedTrades + 1 },
        _ => throw new ArgumentException($"unknown broker event {e.GetType().Name}", nameof(e)),
    };

    public static string TradeIdFor(string symbol, DateTimeOffset entryTime) =>
        $"{symbol}-{entryTime.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    private BrokerState OpenFrom(Fill fill)
    {
        var order = Pending ?? throw new InvalidOperationException($"{Symbol}: entry fill at {fill.Time:O} without a pending order");
        var side = fill.Direction == TradeAction.Buy ? TradeSide.Long : TradeSide.Short;
        var sign = side == TradeSide.Long ? 1.0 : -1.0;
        var position = new OpenPosition(
            TradeIdFor(Symbol, fill.Time), Symbol, side, fill.Time, fill.Price, fill.Quantity,
            fill.Price - sign * order.StopDistance,
            fill.Price + sign * order.TakeProfitDistance,
            fill.Fee, order.Decision);
        return this with { Pending = null, Position = position };
    }

    private OrderRejected Reject(OrderIntent intent, string reason) => new(Symbol, intent.DecidedAt, intent.Action, reason);

    private BrokerState Emit(List<BrokerEvent> list, BrokerEvent e)
    {
        list.Add(e);
        return Apply(e);
    }

    private BrokerState Exit(List<BrokerEvent> list, DateTimeOffset time, double referencePrice, string reason, bool slipped)
    {
        var position = Position ?? throw new InvalidOperationException($"{Symbol}: exit '{reason}' at {time:O} without a position");
        var direction = position.Side == TradeSide.Long ? TradeAction.Sell : TradeAction.Buy;
        var fill = slipped
            ? MarketFill(time, direction, referencePrice, position.Quantity, reason)
            : new Fill(Symbol, time, direction, referencePrice, referencePrice, position.Quantity, Fee(referencePrice, position.Quantity), reason);

        var sign = position.Side == TradeSide.Long ? 1.0 : -1.0;
        var fees = position.EntryFee + fill.Fee;
        var pnl = sign * (fill.Price - position.EntryPrice) * position.Quantity - fees;
        var trade = new ClosedTrade(
            position.TradeId, Symbol, position.Side, position.EntryTime, position.EntryPrice, time, fill.Price,
            position.Quantity, fees, pnl, pnl / position.InitialRisk, reason, position.Decision);

        return Emit(list, new OrderFilled(fill)).Emit(list, new PositionClosed(trade));
    }

    private Fill MarketFill(DateTimeOffset time, TradeAction direction, double referencePrice, double quantity, string reason)
    {
        var slip = Options.SlippageBps / 10_000.0;
        var price = direction == TradeAction.Buy ? referencePrice * (1 + slip) : referencePrice * (1 - slip);
        return new Fill(Symbol, time, direction, referencePrice, price, quantity, Fee(price, quantity), reason);
    }

    private double Fee(double price, double quantity) => price * quantity * Options.FeeBps / 10_000.0;

    private static (double Price, string Reason, bool Slipped)? FindExit(OpenPosition p, Bar bar)
    {
        if (p.Side == TradeSide.Long)
        {
            if (bar.Open <= p.StopLoss) return (bar.Open, FillReasons.StopLoss, true);
            if (bar.Open >= p.TakeProfit) return (bar.Open, FillReasons.TakeProfit, false);
            if (bar.Low <= p.StopLoss) return (p.StopLoss, FillReasons.StopLoss, true);
            if (bar.High >= p.TakeProfit) return (p.TakeProfit, FillReasons.TakeProfit, false);
        }
        else
        {
            if (bar.Open >= p.StopLoss) return (bar.Open, FillReasons.StopLoss, true);
            if (bar.Open <= p.TakeProfit) return (bar.Open, FillReasons.TakeProfit, false);
            if (bar.High >= p.StopLoss) return (p.StopLoss, FillReasons.StopLoss, true);
            if (bar.Low <= p.TakeProfit) return (p.TakeProfit, FillReasons.TakeProfit, false);
        }
        return null;
    }

    private void ValidateBar(Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        if (bar.Symbol != Symbol)
            throw new ArgumentException($"bar of '{bar.Symbol}' at {bar.Time:O} sent to the broker of '{Symbol}'", nameof(bar));
        foreach (var (field, value) in new[] { ("Open", bar.Open), ("High", bar.High), ("Low", bar.Low), ("Close", bar.Close) })
            if (!double.IsFinite(value) || value <= 0)
                throw new ArgumentException($"bar {Symbol} at {bar.Time:O}: {field} {value} is not a finite price > 0", nameof(bar));
        if (bar.High < Math.Max(bar.Open, bar.Close) || bar.Low > Math.Min(bar.Open, bar.Close))
            throw new ArgumentException(
                $"bar {Symbol} at {bar.Time:O}: range Low {bar.Low} .. High {bar.High} does not contain Open {bar.Open} and Close {bar.Close}", nameof(bar));
    }

    private static void RequireFinite(double value, string field, bool allowZero)
    {
        if (!double.IsFinite(value) || value < 0 || (!allowZero && value == 0))
            throw new ArgumentException($"sizing decision: {field} {value} must be a finite number {(allowZero ? ">= 0" : "> 0")}", field);
    }
}
