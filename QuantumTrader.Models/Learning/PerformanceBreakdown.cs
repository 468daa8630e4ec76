using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

/// <summary>How closed trades are grouped: by symbol, or by the regime the cascade saw at entry.</summary>
public enum BreakdownBy { Symbol, Regime }

/// <summary>One model's record in one group: its attributed trades (<see cref="ModelAttribution"/>) and whether it is the model's weakest group.</summary>
public sealed record BreakdownRow(string Group, ModelTradeStats Stats, bool Weakest);

/// <summary>
/// Seed 004's symbol tracking (its sectors do not exist for crypto pairs): every model's win rate, average R and
/// Sharpe per symbol or per regime at entry, and each model's weakest group, the one with the lowest win rate among
/// those with at least <paramref name="minTrades"/> trades.
/// </summary>
public static class PerformanceBreakdown
{
    public const string UnknownRegime = "unknown";

    public static IReadOnlyList<BreakdownRow> Of(IEnumerable<ClosedTrade> trades, BreakdownBy by, int minTrades = 10)
    {
        var classifier = new RegimeClassifier();
        var byModel = new SortedDictionary<string, SortedDictionary<string, List<double>>>(StringComparer.Ordinal);
        foreach (var trade in trades)
        {
            var group = by == BreakdownBy.Symbol ? trade.Symbol : ModelSupervisorState.RegimeAtEntry(trade.Decision, classifier) ?? UnknownRegime;
            foreach (var (model, r) in ModelAttribution.Outcomes(trade))
            {
                if (!byModel.TryGetValue(model, out var groups)) byModel[model] = groups = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
                if (!groups.TryGetValue(group, out var rs)) groups[group] = rs = [];
                rs.Add(r);
            }
        }

        var rows = new List<BreakdownRow>();
        foreach (var (model, groups) in byModel.OrderBy(m => Ensemble.ModelSlots.OrderOf(m.Key)).ThenBy(m => m.Key, StringComparer.Ordinal))
        {
            var stats = groups.Select(g => (Group: g.Key, Stats: ModelTradeStats.FromRMultiples(model, g.Value))).ToArray();
            var weakest = stats.Where(s => s.Stats.Trades >= minTrades).OrderBy(s => s.Stats.WinRate).ThenBy(s => s.Group, StringComparer.Ordinal)
                .Select(s => s.Group).FirstOrDefault();
            rows.AddRange(stats.Select(s => new BreakdownRow(s.Group, s.Stats, s.Group == weakest)));
        }
        return rows;
    }
}
