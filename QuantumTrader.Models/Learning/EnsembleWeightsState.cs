using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(WeightsRebalanced), "weights-rebalanced")]
[JsonDerivedType(typeof(WeightsRefused), "weights-refused")]
public abstract record WeightsEvent(DateTimeOffset Time) : IDomainEvent;

/// <summary>The ensemble's weights changed: the new set, the overall set it replaced, and why.</summary>
public sealed record WeightsRebalanced(
    IReadOnlyDictionary<string, double> Overall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByRegime,
    IReadOnlyDictionary<string, double> PreviousOverall,
    string Reason,
    DateTimeOffset Time) : WeightsEvent(Time);

/// <summary>A proposed set was refused (<see cref="Reason"/>); the last good set stays.</summary>
public sealed record WeightsRefused(string Reason, string ProposalReason, DateTimeOffset Time) : WeightsEvent(Time);

/// <summary>
/// The ensemble's current weights, overall and per regime. Only a set that validates (finite, non-negative,
/// summing to 1, overall and in every regime) replaces it; anything else is refused and recorded as such.
/// </summary>
public sealed record EnsembleWeightsState(
    IReadOnlyDictionary<string, double> Overall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByRegime,
    string Reason,
    DateTimeOffset? UpdatedAt)
{
    private const double ChangeTolerance = 1e-9;

    public static EnsembleWeightsState Initial(IReadOnlyList<string> models)
    {
        if (models.Count == 0) throw new ArgumentException("At least one model is needed.", nameof(models));
        return new EnsembleWeightsState(models.ToDictionary(m => m, _ => 1.0 / models.Count, StringComparer.Ordinal),
            new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal), "equal default weights", null);
    }

    /// <summary>The weights to vote with in a regime: the regime's own set when there is one, else the overall set.</summary>
    public IReadOnlyDictionary<string, double> For(string? regime) =>
        regime is not null && ByRegime.TryGetValue(regime, out var w) ? w : Overall;

    /// <summary>A valid proposal that changes something becomes <see cref="WeightsRebalanced"/>, an invalid one <see cref="WeightsRefused"/>.</summary>
    public IReadOnlyList<WeightsEvent> Process(WeightProposal proposal)
    {
        var problem = Check("overall", proposal.Overall)
            ?? proposal.ByRegime.Select(r => Check($"regime {r.Key}", r.Value)).FirstOrDefault(p => p is not null);
        if (problem is not null) return [new WeightsRefused(problem, proposal.Reason, proposal.Time)];
        if (Same(Overall, proposal.Overall) && ByRegime.Count == proposal.ByRegime.Count
            && ByRegime.All(r => proposal.ByRegime.TryGetValue(r.Key, out var w) && Same(r.Value, w)))
            return [];
        return [new WeightsRebalanced(proposal.Overall, proposal.ByRegime, Overall, proposal.Reason, proposal.Time)];
    }

    public EnsembleWeightsState Apply(WeightsEvent e) => e switch
    {
        WeightsRebalanced r => new EnsembleWeightsState(r.Overall, r.ByRegime, r.Reason, r.Time),
        WeightsRefused => this,
        _ => throw new ArgumentException($"Unknown weights event {e.GetType().Name}.", nameof(e)),
    };

    private string? Check(string scope, IReadOnlyDictionary<string, double> weights)
    {
        var problem = WeightRebalancer.Validate(weights);
        if (problem is not null) return $"{scope}: {problem}";
        var missing = Overall.Keys.FirstOrDefault(m => !weights.ContainsKey(m));
        if (missing is not null) return $"{scope}: no weight for model {missing}";
        var unknown = weights.Keys.FirstOrDefault(m => !Overall.ContainsKey(m));
        return unknown is not null ? $"{scope}: unknown model {unknown}" : null;
    }

    private static bool Same(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && Math.Abs(v - p.Value) <= ChangeTolerance);
}
