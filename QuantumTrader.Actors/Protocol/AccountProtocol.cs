using QuantumTrader.Models;

namespace QuantumTrader.Actors.Protocol;

/// <summary>A closed trade for the account to settle.</summary>
public sealed record TradeToSettle(string TradeId, string Symbol, DateTimeOffset Time, double Pnl) : IProtocolMessage;

/// <summary>Closed trades in ledger order; delivered at least once, settled once per trade id.</summary>
public sealed record SettleTrades(string AccountId, IReadOnlyList<TradeToSettle> Trades) : IWithAccountId, IProtocolMessage;

/// <summary>One settled trade and the equity after it (an event of its own in journals of earlier versions).</summary>
public sealed record TradeSettled(string AccountId, string TradeId, string Symbol, DateTimeOffset Time, double Pnl, double EquityAfter) : IDomainEvent, IProtocolMessage;

/// <summary>The trades a delivery settled, journaled as one event.</summary>
public sealed record TradesSettled(string AccountId, IReadOnlyList<TradeSettled> Trades) : IDomainEvent, IProtocolMessage;

public sealed record SettleAck(string AccountId, int Settled, int Duplicates) : IProtocolMessage;

public sealed record GetAccountStatus(string AccountId) : IWithAccountId, IProtocolMessage;

public sealed record AccountStatus(string AccountId, double StartingEquity, double Equity, double PeakEquity, double MaxDrawdownPercent, int TradesSettled) : IProtocolMessage;

public sealed record AccountSnapshot(double StartingEquity, double Equity, double PeakEquity, double MaxDrawdownPercent, IReadOnlyList<string> SettledTradeIds) : IProtocolMessage;
