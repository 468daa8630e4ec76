namespace QuantumTrader.Models.Ensemble;

/// <summary>Seed 001's consensus rules; the defaults are the seed's numbers.</summary>
public sealed record EnsembleVoterOptions(
    double VoteThreshold = 0.6,
    double UnanimousMultiplier = 1.2,
    double StrongConsensusShare = 0.75,
    double StrongConsensusMultiplier = 1.1,
    double SplitMultiplier = 0.8,
    double HighVolatilityAtrPercent = 5.0,
    double HighVolatilityMinConfidence = 0.70);

/// <summary>
/// Weighted voting over whichever models answered (two, three or four). A model counts when it predicted and its
/// weight is above 0; weights are renormalised over the counted models.
/// </summary>
public sealed class EnsembleVoter(EnsembleVoterOptions? options = null)
{
    private readonly EnsembleVoterOptions _options = options ?? new EnsembleVoterOptions();

    public EnsembleVoterOptions Options => _options;

    /// <param name="predictions">One prediction per model; a model id may appear once.</param>
    /// <param name="weights">A valid weight set (see <see cref="EnsembleWeights.TryValidate"/>).</param>
    /// <param name="atrPercent">Current volatility as ATR in percent of price (5.0 means 5%).</param>
    public EnsembleDecision Vote(IReadOnlyList<Prediction> predictions, EnsembleWeights weights, double atrPercent)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(weights);
        if (!weights.TryValidate(out var error)) throw new ArgumentException(error, nameof(weights));
        if (!double.IsFinite(atrPercent) || atrPercent < 0)
            throw new ArgumentOutOfRangeException(nameof(atrPercent), atrPercent, "atr percent must be a finite number >= 0");

        var counted = new List<Prediction>(predictions.Count);
        var seen = new HashSet<string>();
        for (var i = 0; i < predictions.Count; i++)
        {
            var p = predictions[i] ?? throw new ArgumentException($"prediction {i} is null", nameof(predictions));
            if (!seen.Add(p.ModelId))
                throw new ArgumentException($"prediction {i}: model '{p.ModelId}' voted twice", nameof(predictions));
            if (!double.IsFinite(p.Confidence) || p.Confidence < 0 || p.Confidence > 1)
                throw new ArgumentException($"prediction {i} ('{p.ModelId}'): confidence {p.Confidence} is outside [0, 1]", nameof(predictions));
            if (weights.WeightOf(p.ModelId) > 0) counted.Add(p);
        }

        if (counted.Count == 0)
            return new EnsembleDecision(TradeAction.Hold, 0, 0, 0, 0, [], EnsembleReasons.NoModels);

        var total = counted.Sum(p => weights.WeightOf(p.ModelId));
        var votes = counted.Select(p => new ModelVote(p.ModelId, p.Action, p.Confidence, weights.WeightOf(p.ModelId) / total) { Fallback = p.Fallback }).ToArray();

        var buyVote = votes.Where(v => v.Action == TradeAction.Buy).Sum(v => v.Weight);
        var sellVote = votes.Where(v => v.Action == TradeAction.Sell).Sum(v => v.Weight);
        var buyCount = votes.Count(v => v.Action == TradeAction.Buy);
        var sellCount = votes.Count(v => v.Action == TradeAction.Sell);
        var holdCount = votes.Length - buyCount - sellCount;
        double n = votes.Length;
        var largestCamp = Math.Max(buyCount, Math.Max(sellCount, holdCount)) / n;

        EnsembleDecision Hold(string reason) => new(TradeAction.Hold, 0, largestCamp, buyVote, sellVote, votes, reason);

        // A 2-2 split is HOLD whatever the weights say.
        if (buyCount == sellCount && buyCount >= 2) return Hold(EnsembleReasons.SplitVote);

        TradeAction action;
        if (buyVote > sellVote && Tolerance.AtLeast(buyVote, _options.VoteThreshold)) action = TradeAction.Buy;
        else if (sellVote > buyVote && Tolerance.AtLeast(sellVote, _options.VoteThreshold)) action = TradeAction.Sell;
        else return Hold($"{EnsembleReasons.BelowThreshold}: buy {buyVote:0.###}, sell {sellVote:0.###}, need {_options.VoteThreshold:0.###}");

        var backers = votes.Where(v => v.Action == action).ToArray();
        var backingWeight = backers.Sum(v => v.Weight);
        var averageConfidence = backers.Sum(v => v.Weight * v.Confidence) / backingWeight;
        var agreement = backers.Length / n;

        double multiplier;
        string consensus;
        if (backers.Length == votes.Length)
        {
            multiplier = _options.UnanimousMultiplier;
            consensus = EnsembleReasons.Unanimous;
        }
        else if (Tolerance.AtLeast(agreement, _options.StrongConsensusShare))
        {
            multiplier = _options.StrongConsensusMultiplier;
            consensus = EnsembleReasons.StrongConsensus;
        }
        else
        {
            multiplier = _options.SplitMultiplier;
            consensus = EnsembleReasons.WeakConsensus;
        }
        var confidence = Math.Clamp(averageConfidence * multiplier, 0.0, 1.0);

        if (atrPercent > _options.HighVolatilityAtrPercent
            && !Tolerance.Above(confidence, _options.HighVolatilityMinConfidence))
        {
            return Hold($"{EnsembleReasons.VolatilityGate}: atr {atrPercent:0.###}% > {_options.HighVolatilityAtrPercent:0.###}% " +
                        $"needs confidence > {_options.HighVolatilityMinConfidence:0.###}, {action} had {confidence:0.####}");
        }

        return new EnsembleDecision(action, confidence, agreement, buyVote, sellVote, votes, consensus);
    }
}
