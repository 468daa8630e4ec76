using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Protocol;

/// <summary>
/// Bar number <paramref name="Seq"/> (1-based, per symbol) of the replay. <paramref name="Portfolio"/> is the account as
/// sizing and the risk gate see it; <paramref name="TradingEnabled"/> is false while the bar only warms features (for example the training span).
/// </summary>
public sealed record ProcessBar(string Symbol, long Seq, Bar Bar, PortfolioView Portfolio, bool TradingEnabled) : IWithSymbol, IProtocolMessage
{
    public Bar Bar { get; init; } = SymbolCommandRules.Bar(Symbol, Seq, Bar);
    public PortfolioView Portfolio { get; init => field = SymbolCommandRules.Portfolio(value); } = SymbolCommandRules.Portfolio(Portfolio);
}

/// <summary>
/// The reply once the bar's events are journaled. <paramref name="AlreadyProcessed"/> is true when the entity had done
/// this bar before (a resumed replay); <paramref name="Replayed"/> when its events came from the journal instead of a new decision.
/// </summary>
public sealed record BarProcessed(string Symbol, long Seq, bool AlreadyProcessed, bool Replayed, int EventsPersisted, IReadOnlyList<ClosedTrade> ClosedTrades) : IProtocolMessage
{
    /// <summary>Positions whose entry filled on this bar, so the driver can tell every later bar the open exposure.</summary>
    public IReadOnlyList<PositionOpened> PositionsOpened { get; init; } = [];
}

public sealed record GetSymbolStatus(string Symbol) : IWithSymbol, IProtocolMessage;

public sealed record SymbolStatus(
    string Symbol, long LastSeq, int TradesOpened, int TradesClosed, int SignalsRejected, double RealizedPnl,
    string? Regime, OpenPosition? Position, int Divergences) : IProtocolMessage;

/// <summary>The symbol entity's snapshot: its whole state, including the replay position.</summary>
public sealed record SymbolSnapshot(SymbolState State) : IProtocolMessage;

/// <summary>Replies <see cref="SymbolFlushed"/> once every event the entity decided so far is in the journal and every snapshot it started is stored.</summary>
public sealed record FlushSymbol(string Symbol) : IWithSymbol, IProtocolMessage;

public sealed record SymbolFlushed(string Symbol, long LastSeq) : IProtocolMessage;

/// <summary>Sharding's hand-off and shutdown message: the entity snapshots, then stops, so a clean restart re-decides nothing.</summary>
public sealed record StopSymbol : IProtocolMessage
{
    public static readonly StopSymbol Instance = new();
}
