using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Ensemble;

/// <summary>One counted model's vote with its weight renormalised over the models present.</summary>
public sealed record ModelVote(string ModelId, TradeAction Action, double Confidence, double Weight)
{
    /// <summary>Why the vote is the fallback HOLD of a model that failed (<see cref="Prediction.Fallback"/>); null for a model's own answer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Fallback { get; init; }
}

/// <summary>
/// The ensemble's verdict. Agreement is the share of counted models (by count) voting the chosen action;
/// for HOLD it is the share of the largest camp, and Confidence is 0 (a gated signal's confidence is in Reason). BuyVote and SellVote are sums of renormalised weights.
/// Reason starts with one of the <see cref="EnsembleReasons"/> codes.
/// </summary>
public sealed record EnsembleDecision(
    TradeAction Action,
    double Confidence,
    double Agreement,
    double BuyVote,
    double SellVote,
    IReadOnlyList<ModelVote> Votes,
    string Reason);

public static class EnsembleReasons
{
    public const string NoModels = "no_models";
    public const string SplitVote = "split_vote";
    public const string BelowThreshold = "below_threshold";
    public const string VolatilityGate = "volatility_gate";
    public const string Unanimous = "unanimous";
    public const string StrongConsensus = "strong_consensus";
    public const string WeakConsensus = "weak_consensus";
}
