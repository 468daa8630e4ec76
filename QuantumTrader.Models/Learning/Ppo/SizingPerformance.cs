using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>One model slot's R-multiple on a closed trade, as <see cref="ModelAttribution"/> scores it.</summary>
public sealed record ModelR(string ModelId, double RMultiple);

/// <summary>
/// Recent R-multiples per symbol and per model slot, from the closed trades the sizing learner has recorded. Because the
/// learner records each trade at a fixed point of the bar sequence and restores this from its journal, the sizing state
/// built from it is the same in an interrupted and an uninterrupted run. With no history a symbol or model counts as
/// win rate 0.5 and average R 0, which the state vector maps to 0 (no information).
/// </summary>
public sealed record SizingPerformance(IReadOnlyDictionary<string, LivePerformance> Symbols, IReadOnlyDictionary<string, LivePerformance> Models)
{
    public const double NeutralWinRate = 0.5;

    public static SizingPerformance Empty { get; } = new(new Dictionary<string, LivePerformance>(), new Dictionary<string, LivePerformance>());

    public SizingPerformance Apply(string symbol, double rMultiple, IEnumerable<ModelR> models)
    {
        var symbols = new Dictionary<string, LivePerformance>(Symbols, StringComparer.Ordinal);
        symbols[symbol] = (symbols.GetValueOrDefault(symbol) ?? LivePerformance.Start()).Apply(rMultiple);
        var byModel = new Dictionary<string, LivePerformance>(Models, StringComparer.Ordinal);
        foreach (var m in models)
            byModel[m.ModelId] = (byModel.GetValueOrDefault(m.ModelId) ?? LivePerformance.Start()).Apply(m.RMultiple);
        return new SizingPerformance(symbols, byModel);
    }

    /// <summary>Win rate and mean R of the symbol's recent trades.</summary>
    public (double WinRate, double AverageR) OfSymbol(string symbol) =>
        Symbols.TryGetValue(symbol, out var p) && p.Samples > 0 ? (p.WinRate, p.AverageR) : (NeutralWinRate, 0);

    /// <summary>
    /// Win rate and mean R of the models that voted for the decision's action, averaged with their vote weights
    /// over those that have a history.
    /// </summary>
    public (double WinRate, double AverageR) OfVoters(EnsembleDecision decision)
    {
        double weight = 0, winRate = 0, averageR = 0;
        foreach (var vote in decision.Votes.Where(v => v.Action == decision.Action && v.Weight > 0))
        {
            if (!Models.TryGetValue(vote.ModelId, out var p) || p.Samples == 0) continue;
            weight += vote.Weight;
            winRate += vote.Weight * p.WinRate;
            averageR += vote.Weight * p.AverageR;
        }
        return weight > 0 ? (winRate / weight, averageR / weight) : (NeutralWinRate, 0);
    }
}
