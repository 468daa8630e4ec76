using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// What a symbol entity journals: every order, fill, closed trade, refused signal and regime change, each stamped
/// with the bar sequence number that caused it so a resumed replay can line the journal up with the data again.
/// In a list (<see cref="SymbolEventsCommitted"/>) each carries its kind.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(OrderPlaced), "order-placed")]
[JsonDerivedType(typeof(FillExecuted), "fill-executed")]
[JsonDerivedType(typeof(TradeClosed), "trade-closed")]
[JsonDerivedType(typeof(SignalRejected), "signal-rejected")]
[JsonDerivedType(typeof(RegimeChanged), "regime-changed")]
public abstract record SymbolEvent(string Symbol, long BarSeq, DateTimeOffset Time) : IDomainEvent;

/// <summary>
/// The events of the bars one commit of a symbol kept, in order: one journal row for all of them, because the journal's
/// cost is per row. Readers see the events themselves (<see cref="Unpack"/>); a journal written one event per row reads the same.
/// </summary>
public sealed record SymbolEventsCommitted : IDomainEvent
{
    public SymbolEventsCommitted(string symbol, IReadOnlyList<SymbolEvent> events)
    {
        const string T = nameof(SymbolEventsCommitted);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        Guard.NotNull(T, nameof(Events), events);
        Guard.That(events.Count > 0, T, nameof(Events), "a commit without events is not journaled", events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = Guard.NotNull(T, nameof(Events), events[i]);
            Guard.That(e.Symbol == symbol, T, nameof(Events), $"must hold only events of {symbol}; event {i} is of {e.Symbol}", e.Symbol);
            if (i > 0) Guard.That(e.BarSeq >= events[i - 1].BarSeq, T, nameof(Events), $"must be in bar order; event {i} is of bar #{e.BarSeq} after #{events[i - 1].BarSeq}", e.BarSeq);
        }
        Events = events.ToArray();
    }

    public string Symbol { get; }
    public IReadOnlyList<SymbolEvent> Events { get; }

    /// <summary>The symbol events a journal payload holds: a commit's, or the one event of a row written singly; none for anything else.</summary>
    public static IReadOnlyList<SymbolEvent> Unpack(object payload) => payload switch
    {
        SymbolEventsCommitted c => c.Events,
        SymbolEvent e => [e],
        _ => [],
    };
}

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

/// <summary>
/// The symbol events that change what other symbols' decisions see: an entry fill opens exposure; a closed trade moves
/// equity, the emergency stop and the ensemble weights. Decisions between two such events cannot influence each other.
/// </summary>
public static class PortfolioEvents
{
    public static bool ChangesPortfolio(SymbolEvent e) => e is TradeClosed or FillExecuted { Fill.Reason: FillReasons.Entry };
}

/// <summary>Stages of the cascade that can refuse a signal; the journal names the stage.</summary>
public static class RejectionStages
{
    public const string Filter = "signal_filter";
    public const string BiasGuard = "bias_guard";
    public const string RiskGate = "risk_gate";
    public const string Broker = "broker";
}
