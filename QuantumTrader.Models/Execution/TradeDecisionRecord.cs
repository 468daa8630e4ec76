using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Execution;

/// <summary>
/// Everything that led to a trade, kept with it so retraining and the sizing learner need not reconstruct it:
/// the entry features, each model's vote and weight (in Ensemble.Votes), the ensemble decision, the filter verdict,
/// the bias check and the sizing (null on an order that only closes a position).
/// </summary>
public sealed record TradeDecisionRecord(
    string Symbol,
    DateTimeOffset DecidedAt,
    string FeatureSetVersion,
    IReadOnlyList<string> FeatureNames,
    double[] FeatureValues,
    EnsembleDecision Ensemble,
    FilterResult Filter,
    BiasCheck Bias,
    SizingDecision? Sizing)
{
    public static TradeDecisionRecord From(
        string symbol, FeatureVector features, EnsembleDecision ensemble, FilterResult filter, BiasCheck bias, SizingDecision? sizing)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Values.Length != features.Set.Names.Count)
            throw new ArgumentException(
                $"feature row at {features.Time:O} has {features.Values.Length} values for {features.Set.Names.Count} names of set {features.Set.Version}",
                nameof(features));
        return new TradeDecisionRecord(
            symbol, features.Time, features.Set.Version, features.Set.Names.ToArray(), (double[])features.Values.Clone(),
            ensemble, filter, bias, sizing);
    }
}
