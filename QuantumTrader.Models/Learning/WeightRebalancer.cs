using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>A model's recent live results over the rebalancing window: trade count, mean and sample σ of R, win rate (0..1).</summary>
public sealed record ModelTradeStats(string ModelId, int Trades, double MeanR, double StdR, double WinRate)
{
    public static ModelTradeStats FromRMultiples(string modelId, IReadOnlyList<double> r)
    {
        var s = RunningStats.Of(r);
        return new ModelTradeStats(modelId, r.Count, s.Mean, s.StdDev, r.Count == 0 ? 0.0 : r.Count(x => x > 0) / (double)r.Count);
    }

    /// <summary>Per-trade Sharpe, mean R ÷ σ R (zero with no spread).</summary>
    [JsonIgnore] public double Sharpe => DriftGuard.PerTradeSharpe(MeanR, StdR);
}

/// <summary>The same statistics restricted to the trades taken in one market regime.</summary>
public sealed record RegimeTradeStats(string Regime, IReadOnlyList<ModelTradeStats> Models);

/// <summary>
/// Weight bounds and how strongly results move weights. A model below <see cref="MinTrades"/> keeps its default;
/// above it its Sharpe counts with credibility n / (n + <see cref="PriorTrades"/>). The raw weight is
/// default × exp(<see cref="Sensitivity"/> × credible Sharpe). <see cref="Defaults"/> (normalised) are equal when absent.
/// </summary>
public sealed record WeightRebalancerSettings(
    double Floor = 0.05,
    double Cap = 0.40,
    int MinTrades = 10,
    int PriorTrades = 20,
    double Sensitivity = 4.0,
    IReadOnlyDictionary<string, double>? Defaults = null);

/// <summary>Weights the rebalancer proposes: overall and per regime, with a reason naming each model's figures.</summary>
public sealed record WeightProposal(
    IReadOnlyDictionary<string, double> Overall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByRegime,
    string Reason,
    DateTimeOffset Time);

/// <summary>Seed 000 fix 2: ensemble weights from recent live performance, bounded by a floor and a cap and summing to 1.</summary>
public static class WeightRebalancer
{
    /// <summary>How far a weight set's sum may stray from 1 and still be accepted.</summary>
    public const double SumTolerance = 1e-6;

    public static WeightProposal Propose(
        IReadOnlyList<string> models,
        IReadOnlyList<ModelTradeStats> overall,
        IReadOnlyList<RegimeTradeStats> regimes,
        WeightRebalancerSettings settings,
        DateTimeOffset time)
    {
        if (models.Count == 0) throw new ArgumentException("At least one model is needed.", nameof(models));
        if (models.Distinct(StringComparer.Ordinal).Count() != models.Count) throw new ArgumentException("Model ids must be distinct.", nameof(models));
        var defaults = DefaultWeights(models, settings.Defaults);
        var overallStats = overall.ToDictionary(s => s.ModelId, StringComparer.Ordinal);
        var overallScores = models.ToDictionary(m => m, m => Score(overallStats.GetValueOrDefault(m), settings, 0.0), StringComparer.Ordinal);
        var reason = new StringBuilder();
        var overallWeights = Weigh(models, defaults, overallScores, settings);
        Describe(reason, "overall", models, overallWeights, overallStats, settings, "default");

        var byRegime = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var regime in regimes)
        {
            var stats = regime.Models.ToDictionary(s => s.ModelId, StringComparer.Ordinal);
            var scores = models.ToDictionary(m => m, m => Score(stats.GetValueOrDefault(m), settings, overallScores[m]), StringComparer.Ordinal);
            var weights = Weigh(models, defaults, scores, settings);
            byRegime[regime.Regime] = weights;
            Describe(reason, regime.Regime, models, weights, stats, settings, "overall score");
        }

        return new WeightProposal(overallWeights, byRegime, reason.ToString().TrimEnd(), time);
    }

    /// <summary>
    /// The weights w_i = clamp(t · raw_i, floor, cap) with t chosen so they sum to 1: proportional to the raw weights
    /// wherever the bounds allow. The sum is piecewise linear in t, so t is solved exactly on the segment between the
    /// breakpoints (floor/raw_i, cap/raw_i) where it crosses 1. With n models the cap is raised to 1/n and the floor
    /// lowered to 1/n when needed, since no set could honour them otherwise.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Bound(IReadOnlyDictionary<string, double> raw, double floor, double cap)
    {
        if (raw.Count == 0) throw new ArgumentException("No weights to bound.", nameof(raw));
        if (raw.Values.Any(v => !double.IsFinite(v) || v <= 0)) throw new ArgumentException("Raw weights must be finite and positive.", nameof(raw));
        if (!(floor >= 0 && cap > 0 && floor <= cap)) throw new ArgumentOutOfRangeException(nameof(floor), "Need 0 ≤ floor ≤ cap and cap > 0.");
        var n = raw.Count;
        cap = Math.Max(cap, 1.0 / n);
        floor = Math.Min(floor, 1.0 / n);
        var keys = raw.Keys.ToArray();
        var values = keys.Select(k => raw[k]).ToArray();

        double SumAt(double t) => values.Sum(v => Math.Clamp(t * v, floor, cap));
        var breakpoints = values.SelectMany(v => new[] { floor / v, cap / v }).Distinct().Order().ToArray();
        var lo = 0.0;
        var hi = breakpoints.First(b => SumAt(b) >= 1.0);
        foreach (var b in breakpoints)
        {
            if (b >= hi) break;
            lo = b;
        }

        var mid = (lo + hi) / 2;
        double boundMass = 0, freeRaw = 0;
        foreach (var v in values)
        {
            if (mid * v <= floor) boundMass += floor;
            else if (mid * v >= cap) boundMass += cap;
            else freeRaw += v;
        }

        var t = freeRaw > 0 ? (1.0 - boundMass) / freeRaw : mid;
        return keys.Select((k, i) => (k, Math.Clamp(t * values[i], floor, cap))).ToDictionary(p => p.k, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Null when the set is usable; otherwise why not (empty, non-finite, negative, or not summing to 1).</summary>
    public static string? Validate(IReadOnlyDictionary<string, double> weights)
    {
        if (weights.Count == 0) return "the weight set is empty";
        foreach (var (model, w) in weights)
        {
            if (!double.IsFinite(w)) return $"weight of {model} is not a finite number";
            if (w < 0) return string.Create(CultureInfo.InvariantCulture, $"weight of {model} is negative ({w})");
        }

        var sum = weights.Values.Sum();
        return Math.Abs(sum - 1.0) > SumTolerance ? string.Create(CultureInfo.InvariantCulture, $"weights sum to {sum:0.######}, not 1") : null;
    }

    private static Dictionary<string, double> DefaultWeights(IReadOnlyList<string> models, IReadOnlyDictionary<string, double>? given)
    {
        if (given is null) return models.ToDictionary(m => m, _ => 1.0 / models.Count, StringComparer.Ordinal);
        var missing = models.FirstOrDefault(m => !given.ContainsKey(m));
        if (missing is not null) throw new ArgumentException($"No default weight for model {missing}.", nameof(given));
        var picked = models.ToDictionary(m => m, m => given[m], StringComparer.Ordinal);
        if (picked.Values.Any(v => !double.IsFinite(v) || v <= 0)) throw new ArgumentException("Default weights must be positive.", nameof(given));
        var total = picked.Values.Sum();
        return picked.ToDictionary(p => p.Key, p => p.Value / total, StringComparer.Ordinal);
    }

    /// <summary>Sharpe with credibility n/(n + prior); below the minimum trades the fallback score (0 = default, or the overall score for a regime).</summary>
    private static double Score(ModelTradeStats? stats, WeightRebalancerSettings settings, double fallback)
    {
        if (stats is null || stats.Trades < settings.MinTrades) return fallback;
        var credibility = stats.Trades / (double)(stats.Trades + settings.PriorTrades);
        return credibility * stats.Sharpe + (1 - credibility) * fallback;
    }

    private static IReadOnlyDictionary<string, double> Weigh(IReadOnlyList<string> models, Dictionary<string, double> defaults,
        Dictionary<string, double> scores, WeightRebalancerSettings settings)
    {
        var raw = models.ToDictionary(m => m, m => defaults[m] * Math.Exp(settings.Sensitivity * scores[m]), StringComparer.Ordinal);
        return Bound(raw, settings.Floor, settings.Cap);
    }

    private static void Describe(StringBuilder reason, string scope, IReadOnlyList<string> models, IReadOnlyDictionary<string, double> weights,
        Dictionary<string, ModelTradeStats> stats, WeightRebalancerSettings settings, string fallback)
    {
        reason.Append(scope).Append(": ");
        reason.AppendJoin("; ", models.Select(m =>
        {
            var w = weights[m];
            var bound = Math.Abs(w - settings.Cap) < 1e-12 ? ", capped" : Math.Abs(w - settings.Floor) < 1e-12 ? ", floored" : "";
            var s = stats.GetValueOrDefault(m);
            return s is null || s.Trades < settings.MinTrades
                ? string.Create(CultureInfo.InvariantCulture, $"{m} {w * 100:0.0}% ({s?.Trades ?? 0} trades < {settings.MinTrades}: {fallback}{bound})")
                : string.Create(CultureInfo.InvariantCulture, $"{m} {w * 100:0.0}% (Sharpe {s.Sharpe:0.00}, win rate {s.WinRate * 100:0}%, {s.Trades} trades{bound})");
        }));
        reason.AppendLine();
    }
}
