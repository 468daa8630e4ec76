using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Learning;

/// <summary>One model's vote at a decided bar, with the regime then and whether the close rose over the label horizon.</summary>
public sealed record ScoredVote(string ModelId, string Symbol, string Regime, TradeAction Action, bool Up);

/// <summary>Directional calls (BUY or SELL; a HOLD is no call) of a group and how many were right.</summary>
public sealed record GroupAccuracy(string Group, int Calls, int Correct)
{
    public double Accuracy => Calls == 0 ? 0 : (double)Correct / Calls;
}

/// <summary>A symbol's accuracy and the regime it is most accurate in (among regimes with enough calls; null when none has).</summary>
public sealed record SymbolAccuracy(string Symbol, int Calls, int Correct, string? BestRegime)
{
    public double Accuracy => Calls == 0 ? 0 : (double)Correct / Calls;
}

/// <summary>One model's accuracy overall, by symbol, by regime and by symbol and regime together, and its weakest groups.</summary>
public sealed record ModelAccuracy(
    string ModelId, int Calls, int Correct, IReadOnlyList<SymbolAccuracy> BySymbol, IReadOnlyList<GroupAccuracy> ByRegime,
    IReadOnlyList<GroupAccuracy> BySymbolAndRegime, IReadOnlyList<GroupAccuracy> Weakest)
{
    public double Accuracy => Calls == 0 ? 0 : (double)Correct / Calls;
}

/// <summary>
/// Seed 004's symbol tracking (its sectors do not exist for crypto pairs, so symbols stand in for them): every model's
/// directional accuracy by symbol, by regime and by symbol and regime together, each symbol's best regime, and the
/// weakest groups of at least <c>minCalls</c> calls (seed 004's get_weakest_sectors), where the model needs more data.
/// </summary>
public static class PredictionAccuracy
{
    public const string Separator = " / ";

    /// <summary>
    /// Each model's vote at each decision, with the regime the decision's features show and whether the close
    /// <paramref name="horizon"/> bars later rose; a decision whose label bar <paramref name="bars"/> do not hold is not scored.
    /// </summary>
    public static (List<ScoredVote> Votes, int Unscored) Score(IEnumerable<TradeDecisionRecord> decisions, IReadOnlyList<Bar> bars, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var bySymbol = bars.GroupBy(b => b.Symbol).ToDictionary(g => g.Key, g => g.OrderBy(b => b.Time).ToArray(), StringComparer.Ordinal);
        var classifier = new RegimeClassifier();
        var votes = new List<ScoredVote>();
        var unscored = 0;
        foreach (var d in decisions)
        {
            var series = bySymbol.GetValueOrDefault(d.Symbol);
            var i = series is null ? -1 : Array.FindIndex(series, b => b.Time == d.DecidedAt);
            if (i < 0 || i + horizon >= series!.Length)
            {
                unscored++;
                continue;
            }
            var up = series[i + horizon].Close > series[i].Close;
            var regime = ModelSupervisorState.RegimeAtEntry(d, classifier) ?? PerformanceBreakdown.UnknownRegime;
            votes.AddRange(d.Ensemble.Votes.Select(v => new ScoredVote(v.ModelId, d.Symbol, regime, v.Action, up)));
        }
        return (votes, unscored);
    }

    public static IReadOnlyList<ModelAccuracy> Of(IEnumerable<ScoredVote> votes, int minCalls = 10, int weakest = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCalls, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(weakest);
        var calls = votes.Where(v => v.Action != TradeAction.Hold).ToArray();
        return calls.GroupBy(v => v.ModelId).OrderBy(g => ModelSlots.OrderOf(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(model =>
        {
            var bySymbolAndRegime = Groups(model, v => v.Symbol + Separator + v.Regime);
            var bySymbol = model.GroupBy(v => v.Symbol).OrderBy(g => g.Key, StringComparer.Ordinal).Select(s =>
            {
                var best = Groups(s, v => v.Regime).Where(r => r.Calls >= minCalls).OrderByDescending(r => r.Accuracy).ThenBy(r => r.Group, StringComparer.Ordinal)
                    .FirstOrDefault();
                return new SymbolAccuracy(s.Key, s.Count(), s.Count(Right), best?.Group);
            }).ToArray();
            return new ModelAccuracy(model.Key, model.Count(), model.Count(Right), bySymbol, Groups(model, v => v.Regime), bySymbolAndRegime,
                bySymbolAndRegime.Where(g => g.Calls >= minCalls).OrderBy(g => g.Accuracy).ThenBy(g => g.Group, StringComparer.Ordinal).Take(weakest).ToArray());
        }).ToArray();
    }

    /// <summary>A BUY is right when the close rose, a SELL when it did not.</summary>
    private static bool Right(ScoredVote v) => v.Action == TradeAction.Buy == v.Up;

    private static GroupAccuracy[] Groups(IEnumerable<ScoredVote> votes, Func<ScoredVote, string> key) =>
        votes.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupAccuracy(g.Key, g.Count(), g.Count(Right))).ToArray();
}
