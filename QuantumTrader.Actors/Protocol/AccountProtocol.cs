using QuantumTrader.Models;

namespace QuantumTrader.Actors.Protocol;

public sealed record SettleTrade(string AccountId, string TradeId, string Symbol, DateTimeOffset Time, double Pnl) : IWithAccountId, IProtocolMessage;

public sealed record TradeSettled(string AccountId, string TradeId, string Symbol, DateTimeOffset Time, double Pnl, double EquityAfter) : IDomainEvent, IProtocolMessage;

public sealed record SettleAck(string AccountId, string TradeId, bool Duplicate) : IProtocolMessage;

public sealed record GetAccountStatus(string AccountId) : IWithAccountId, IProtocolMessage;

public sealed record AccountStatus(string AccountId, double StartingEquity, double Equity, double PeakEquity, double MaxDrawdownPercent, int TradesSettled) : IProtocolMessage;

public sealed record AccountSnapshot(double StartingEquity, double Equity, double PeakEquity, double MaxDrawdownPercent, IReadOnlyList<string> SettledTradeIds) : IProtocolMessage;
