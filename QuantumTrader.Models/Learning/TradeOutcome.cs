namespace QuantumTrader.Models.Learning;

/// <summary>One closed trade as the learning cascade sees it: which model took it, when it closed, and its result in R-multiples.</summary>
public sealed record TradeOutcome(DateTimeOffset Time, string ModelId, double RMultiple);
