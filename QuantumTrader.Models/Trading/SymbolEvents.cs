using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// What a symbol entity journals: every order, fill, closed trade, refused signal and regime change, each stamped
/// with the bar sequence number that caused it so a resumed replay can line the journal up with the data again.
/// </summary>
public abstract record SymbolEvent(string Symbol, long BarSeq, DateTimeOffset Time) : IDomainEvent;

public sealed record OrderPlaced(string Symbol, long BarSeq, DateTimeOffset Time, PendingOrder Order)
    : SymbolEvent(Symbol, BarSeq, Time);

public sealed record FillExecuted(string Symbol, long BarSeq, DateTimeOffset Time, Fill Fill)
    : SymbolEvent(Symbol, BarSeq, Time);

/// <summary>The learning signal: the closed trade with everything that was decided at its entry.</summary>
public sealed record TradeClosed(string Symbol, long BarSeq, DateTimeOffset Time, ClosedTrade Trade)
    : SymbolEvent(Symbol, BarSeq, Time)
{
    public ClosedTrade Trade { get; init; } = SymbolEventRules.Closed(Symbol, BarSeq, Time, Trade);
}

/// <summary>The ensemble wanted to trade and a guard said no; the decision record says who and why.</summary>
public sealed record SignalRejected(string Symbol, long BarSeq, DateTimeOffset Time, TradeAction Action, string Stage, string Reason, TradeDecisionRecord Decision)
    : SymbolEvent(Symbol, BarSeq, Time)
{
    public string Reason { get; init; } = SymbolEventRules.Rejected(Symbol, BarSeq, Stage, Reason);
}

public sealed record RegimeChanged(string Symbol, long BarSeq, DateTimeOffset Time, MarketRegime From, MarketRegime To, double AtrPercent, double RealisedVolatility, double Return5)
    : SymbolEvent(SymbolEventRules.Regime(Symbol, BarSeq, From, To, AtrPercent, RealisedVolatility, Return5), BarSeq, Time);

/// <summary>Stages of the cascade that can refuse a signal; the journal names the stage.</summary>
public static class RejectionStages
{
    public const string Filter = "signal_filter";
    public const string BiasGuard = "bias_guard";
    public const string RiskGate = "risk_gate";
    public const string Broker = "broker";
}
