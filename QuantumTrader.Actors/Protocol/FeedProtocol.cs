using QuantumTrader.Models;

namespace QuantumTrader.Actors.Protocol;

/// <summary>The trade feed delivered every closed trade up to this journal offset; these trades in this delivery.</summary>
public sealed record TradesDelivered(long Offset, IReadOnlyList<string> TradeIds) : IDomainEvent, IProtocolMessage;

/// <summary>One trade per event, as journals of earlier versions hold them; still read on recovery.</summary>
public sealed record TradeFeedAdvanced(long Offset, string TradeId) : IDomainEvent, IProtocolMessage;

public sealed record GetTradeFeedStatus : IProtocolMessage
{
    public static readonly GetTradeFeedStatus Instance = new();
}

public sealed record TradeFeedStatus(long Offset, long TradesDelivered) : IProtocolMessage;
