namespace QuantumTrader.Models.Ensemble;

/// <summary>Voting weight per model id. A valid set has finite, non-negative entries summing to 1 (within 1e-6).</summary>
public sealed record EnsembleWeights(IReadOnlyDictionary<string, double> Values)
{
    public const double SumTolerance = 1e-6;

    /// <summary>Seed 001's split: N-HiTS leads, PatchTST trails.</summary>
    public static EnsembleWeights Default { get; } = new(new Dictionary<string, double>
    {
        [ModelSlots.Xgb] = 0.25,
        [ModelSlots.Lgbm] = 0.25,
        [ModelSlots.Nhits] = 0.30,
        [ModelSlots.PatchTst] = 0.20,
    });

    public bool TryValidate(out string error)
    {
        if (Values is null || Values.Count == 0)
        {
            error = "ensemble weights: the set is empty";
            return false;
        }
        var sum = 0.0;
        foreach (var (model, weight) in Values)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                error = "ensemble weights: a model id is empty";
                return false;
            }
            if (!double.IsFinite(weight))
            {
                error = $"ensemble weights: weight of '{model}' is {weight}, not a finite number";
                return false;
            }
            if (weight < 0)
            {
                error = $"ensemble weights: weight of '{model}' is {weight}, below 0";
                return false;
            }
            sum += weight;
        }
        if (Math.Abs(sum - 1.0) > SumTolerance)
        {
            error = $"ensemble weights: weights sum to {sum:R}, not 1 (tolerance {SumTolerance})";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>The model's weight, or 0 when the set has no entry for it (such a model has no say).</summary>
    public double WeightOf(string modelId) => Values.TryGetValue(modelId, out var w) ? w : 0.0;

    // Value equality over the entries, so two sets read from different sources compare equal.
    public bool Equals(EnsembleWeights? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Values.Count != other.Values.Count) return false;
        foreach (var (model, weight) in Values)
            if (!other.Values.TryGetValue(model, out var w) || !w.Equals(weight)) return false;
        return true;
    }

    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (model, weight) in Values) hash ^= HashCode.Combine(model, weight);
        return hash;
    }
}
