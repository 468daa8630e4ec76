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
    public Bar Bar { get; init; } = SymbolCommandRules.Bar(nameof(ProcessBar), Symbol, Seq, Bar);
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

/// <summary>One bar of a replay batch: its number (1-based, per symbol), the bar, and whether the bar may trade.</summary>
public sealed record BarToDecide(long Seq, Bar Bar, bool TradingEnabled) : IProtocolMessage
{
    public Bar Bar { get; init; } = SymbolCommandRules.Bar(nameof(BarToDecide), Bar?.Symbol!, Seq, Bar!);
}

/// <summary>
/// The replay's batch for one symbol. First the entity commits its decisions through bar <paramref name="CommitThrough"/>
/// (journals their events) and drops the later ones; then it decides <paramref name="Bars"/> in order under
/// <paramref name="Portfolio"/>, up to and including the first bar whose events change the portfolio
/// (<see cref="PortfolioEvents"/>): the portfolio later bars would see is not known yet. Bars it already committed
/// (a resumed replay) are acknowledged, not decided again. Bars may be empty: a commit only.
/// </summary>
public sealed record DecideBars(string Symbol, long CommitThrough, IReadOnlyList<BarToDecide> Bars, PortfolioView Portfolio) : IWithSymbol, IProtocolMessage
{
    public IReadOnlyList<BarToDecide> Bars { get; init; } = SymbolCommandRules.Batch(Symbol, CommitThrough, Bars);
    public PortfolioView Portfolio { get; init => field = SymbolCommandRules.Portfolio(value); } = SymbolCommandRules.Portfolio(Portfolio);
}

/// <summary>What an entity counted since it started: bars acknowledged as already committed before, bars committed with the
/// journal's events instead of a new decision (and how many of those a new decision would have changed), events journaled.</summary>
public sealed record SymbolReplayCounts(long AlreadyProcessed, long Replayed, int Divergences, long EventsPersisted) : IProtocolMessage;

/// <summary>
/// The answer to <see cref="DecideBars"/>: committed through <paramref name="CommittedThrough"/>, decided (not yet committed)
/// through <paramref name="DecidedThrough"/>. <paramref name="Stopped"/> when the last decided bar changed the portfolio; its
/// closed trades and opened positions come with it.
/// </summary>
public sealed record BarsDecided(
    string Symbol, long CommittedThrough, long DecidedThrough, bool Stopped, IReadOnlyList<ClosedTrade> ClosedTrades,
    IReadOnlyList<PositionOpened> PositionsOpened, SymbolReplayCounts Counts) : IProtocolMessage;

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
