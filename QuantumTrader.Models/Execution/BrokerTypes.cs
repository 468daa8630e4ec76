using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Execution;

/// <summary>
/// A decision taken on the bar at DecidedAt; it fills at the open of the next bar. ExitReason names why an order that
/// closes a position was sent (default: the signal reversed); it becomes the fill's and the closed trade's exit reason.
/// </summary>
public sealed record OrderIntent(string Symbol, DateTimeOffset DecidedAt, TradeAction Action, TradeDecisionRecord Decision, string? ExitReason = null);

public enum OrderPurpose { Open, Close }

/// <summary>An accepted market order waiting for the next bar's open. Distances are 0 on a closing order; ExitReason only on one.</summary>
public sealed record PendingOrder(
    string Symbol,
    DateTimeOffset DecidedAt,
    OrderPurpose Purpose,
    TradeAction Direction,
    double Quantity,
    double StopDistance,
    double TakeProfitDistance,
    TradeDecisionRecord Decision,
    string? ExitReason = null);

/// <summary>One execution. ReferencePrice is the market level (open, stop, target or close); Price includes slippage.</summary>
public sealed record Fill(
    string Symbol,
    DateTimeOffset Time,
    TradeAction Direction,
    double ReferencePrice,
    double Price,
    double Quantity,
    double Fee,
    string Reason);

public sealed record OpenPosition(
    string TradeId,
    string Symbol,
    TradeSide Side,
    DateTimeOffset EntryTime,
    double EntryPrice,
    double Quantity,
    double StopLoss,
    double TakeProfit,
    double EntryFee,
    TradeDecisionRecord Decision)
{
    /// <summary>Money lost at the stop, fees aside: |entry - stop| x quantity; the unit of the R-multiple.</summary>
    [JsonIgnore]
    public double InitialRisk => Math.Abs(EntryPrice - StopLoss) * Quantity;
}

/// <summary>A finished round trip. Pnl is after both fees; RMultiple = Pnl / initial risk. Times are those of the bars where entry and exit happened.</summary>
public sealed record ClosedTrade(
    string TradeId,
    string Symbol,
    TradeSide Side,
    DateTimeOffset EntryTime,
    double EntryPrice,
    DateTimeOffset ExitTime,
    double ExitPrice,
    double Quantity,
    double Fees,
    double Pnl,
    double RMultiple,
    string ExitReason,
    TradeDecisionRecord Decision);

public static class FillReasons
{
    public const string Entry = "entry";
    public const string StopLoss = "stop_loss";
    public const string TakeProfit = "take_profit";
    public const string SignalReverse = "signal_reverse";
    public const string EndOfData = "end_of_data";

    /// <summary>The emergency stop system closed the position (EMERGENCY mode).</summary>
    public const string EmergencyStop = "emergency_stop";
}

public static class RejectReasons
{
    public const string Hold = "hold";
    public const string OrderPending = "order_pending";
    public const string PositionOpen = "position_open";
    public const string ZeroQuantity = "zero_quantity";
}

/// <summary>What the broker persists; applying them in order to the start state rebuilds the broker.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(OrderAccepted), "order_accepted")]
[JsonDerivedType(typeof(OrderRejected), "order_rejected")]
[JsonDerivedType(typeof(OrderCancelled), "order_cancelled")]
[JsonDerivedType(typeof(OrderFilled), "order_filled")]
[JsonDerivedType(typeof(PositionClosed), "position_closed")]
public abstract record BrokerEvent;

public sealed record OrderAccepted(PendingOrder Order) : BrokerEvent;

public sealed record OrderRejected(string Symbol, DateTimeOffset DecidedAt, TradeAction Action, string Reason) : BrokerEvent;

public sealed record OrderCancelled(PendingOrder Order, string Reason) : BrokerEvent;

public sealed record OrderFilled(Fill Fill) : BrokerEvent;

public sealed record PositionClosed(ClosedTrade Trade) : BrokerEvent;
