using QuantumTrader.Models;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Protocol;

/// <summary>A closed trade's outcome as this model's vote earned it; delivered at least once, applied once per trade id.</summary>
public sealed record RecordModelOutcome(string ModelId, string TradeId, string Symbol, DateTimeOffset Time, double RMultiple) : IWithModelId, IProtocolMessage;

public sealed record ModelOutcomeRecorded(string ModelId, string TradeId, string Symbol, DateTimeOffset Time, double RMultiple) : IDomainEvent, IProtocolMessage;

public sealed record OutcomeAck(string ModelId, string TradeId, bool Duplicate) : IProtocolMessage;

public sealed record GetModelPerformance(string ModelId) : IWithModelId, IProtocolMessage;

public sealed record ModelPerformanceReport(
    string ModelId, int Trades, int Window, double WinRate, double AverageR, double Sharpe, double MaxDrawdown, int ConsecutiveLosses) : IProtocolMessage
{
    public static ModelPerformanceReport From(string modelId, LivePerformance p) =>
        new(modelId, p.Count, p.Samples, p.WinRate, p.AverageR, p.Sharpe, p.MaxDrawdown, p.ConsecutiveLosses);
}

public sealed record ModelPerformanceSnapshot(LivePerformance Performance, IReadOnlyList<string> AppliedTradeIds) : IProtocolMessage;
