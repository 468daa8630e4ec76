using QuantumTrader.Models;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Protocol;

/// <summary>A closed trade's outcome as one model's vote earned it.</summary>
public sealed record ModelOutcome(string TradeId, string Symbol, DateTimeOffset Time, double RMultiple) : IProtocolMessage;

/// <summary>Closed trades' outcomes for one model, in ledger order; delivered at least once, applied once per trade id.</summary>
public sealed record RecordModelOutcomes(string ModelId, IReadOnlyList<ModelOutcome> Outcomes) : IWithModelId, IProtocolMessage;

/// <summary>The outcomes a delivery added, journaled as one event.</summary>
public sealed record ModelOutcomesRecorded(string ModelId, IReadOnlyList<ModelOutcome> Outcomes) : IDomainEvent, IProtocolMessage;

/// <summary>One outcome per event, as journals of earlier versions hold them; still read on recovery.</summary>
public sealed record ModelOutcomeRecorded(string ModelId, string TradeId, string Symbol, DateTimeOffset Time, double RMultiple) : IDomainEvent, IProtocolMessage;

public sealed record OutcomesAck(string ModelId, int Recorded, int Duplicates) : IProtocolMessage;

public sealed record GetModelPerformance(string ModelId) : IWithModelId, IProtocolMessage;

public sealed record ModelPerformanceReport(
    string ModelId, int Trades, int Window, double WinRate, double AverageR, double Sharpe, double MaxDrawdown, int ConsecutiveLosses) : IProtocolMessage
{
    public static ModelPerformanceReport From(string modelId, LivePerformance p) =>
        new(modelId, p.Count, p.Samples, p.WinRate, p.AverageR, p.Sharpe, p.MaxDrawdown, p.ConsecutiveLosses);
}

public sealed record ModelPerformanceSnapshot(LivePerformance Performance, IReadOnlyList<string> AppliedTradeIds) : IProtocolMessage;
