using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

[JsonConverter(typeof(JsonStringEnumConverter<DriftKind>))]
public enum DriftKind { Feature, Regime, Prediction }

/// <summary>
/// Seed 004's drift detection: a window of the latest <see cref="Window"/> bars against a baseline, alerting at
/// <see cref="Threshold"/> (the Kolmogorov-Smirnov statistic, or the share of bars whose regime moved). A window of
/// hourly indicators is strongly autocorrelated, so two windows of one calm market often differ by far more than 0.15
/// (rv_20: 0.65 inside the first 1,300 bars of the bundled BTCUSDT data). Each measure is therefore also calibrated on the
/// baseline itself: its <see cref="Confidence"/> quantile over the baseline's own windows of the same length, one every
/// <see cref="CalibrationStep"/> bars, each against the rest of the baseline; a window drifts when it passes both. A drift
/// counts when the window ending <see cref="Confirm"/> bars earlier drifted too: one window of 100 hourly bars drifts by
/// chance too often (on bars drawn at random from the bundled market, 11 to 15 % of daily checks without it). With
/// <see cref="Retrain"/> a drift retrains the slot.
/// </summary>
public sealed record MarketDriftSettings(int Window = 100, double Threshold = 0.15, double Confidence = 0.95, int CalibrationStep = 12, int Confirm = 24,
    bool Retrain = true)
{
    public static readonly MarketDriftSettings Seed = new();

    /// <summary>Bars after a version's training end whose calls are its prediction baseline.</summary>
    [JsonIgnore] public int PredictionBaselineBars => 4 * Window;

    public string? Validate()
    {
        if (Window < 10) return $"the drift window is {Window} bars; it must be at least 10";
        if (!(Threshold is > 0 and < 1)) return string.Create(CultureInfo.InvariantCulture, $"the drift threshold is {Threshold}; it must be in (0, 1)");
        if (!(Confidence is > 0 and < 1)) return string.Create(CultureInfo.InvariantCulture, $"the drift calibration confidence is {Confidence}; it must be in (0, 1)");
        if (Confirm < 0) return $"the drift confirmation is {Confirm} bars; it must not be negative";
        return CalibrationStep < 1 ? $"the drift calibration step is {CalibrationStep}; it must be at least 1" : null;
    }

    /// <summary>Rows (or calls) a check needs: the window and the confirmation before it.</summary>
    [JsonIgnore] public int Needed => Window + Confirm;

    /// <summary>The latest measure, drifted only when the one <see cref="Confirm"/> bars earlier drifted too.</summary>
    public DriftMeasure Confirmed(DriftMeasure latest, DriftMeasure earlier)
    {
        if (Confirm == 0 || !latest.Detected) return latest;
        return earlier.Detected
            ? latest with { Detail = latest.Detail + $"; drifted {Confirm} bars earlier too" }
            : latest with { Detected = false, Detail = latest.Detail + $"; not confirmed: {Confirm} bars earlier it had not drifted" };
    }
}

/// <summary>
/// One measure of one symbol: the statistic, the threshold it was judged against (the larger of the seed's and the
/// calibrated one), whether it drifted, and in words what moved.
/// </summary>
public sealed record DriftMeasure(string Symbol, DriftKind Kind, double Statistic, double Threshold, bool Detected, string Detail);

/// <summary>The baseline of one measure: its sorted sample (or regime shares) and the calibrated threshold.</summary>
public sealed record DriftReference(double[] Sorted, double Calibrated);

/// <summary>
/// Feature, regime and prediction drift (seed 004) of one symbol against a baseline. The features are fs-1's scale-free
/// ones: a price-level feature (ema_20, atr_14, the MACD lines) moves with the price itself, so it drifts whenever the
/// market trends and says nothing about the model's inputs being unusual.
/// </summary>
public sealed class MarketDriftDetector
{
    public static readonly IReadOnlyList<string> Features =
        ["log_ret_1", "ret_5", "ema_dist_20", "rsi_14", "atr_pct_14", "bb_pos_20", "bb_width_20", "vol_z_20", "rv_20"];

    private static readonly RegimeClassifier Regimes = new();
    private static readonly int RegimeCount = Enum.GetValues<MarketRegime>().Length;

    private readonly MarketDriftSettings _settings;
    private readonly DriftReference[] _features;
    private readonly double[] _regimeShares;
    private readonly double _regimeCalibrated;

    private MarketDriftDetector(string symbol, MarketDriftSettings settings, DriftReference[] features, double[] regimeShares, double regimeCalibrated)
    {
        Symbol = symbol;
        _settings = settings;
        _features = features;
        _regimeShares = regimeShares;
        _regimeCalibrated = regimeCalibrated;
    }

    public string Symbol { get; }

    /// <summary>The baseline of <paramref name="symbol"/>: its warm rows among <paramref name="rows"/> (the rows a model learned from).</summary>
    public static MarketDriftDetector Of(string symbol, IReadOnlyList<FeatureVector> rows, MarketDriftSettings settings)
    {
        var warm = rows.Where(r => r.IsWarm).ToArray();
        if (warm.Length < 2 * settings.Window)
            throw new ArgumentException($"a drift baseline of {symbol} needs at least {2 * settings.Window} warm rows, got {warm.Length}");
        var features = Jointly(Features.Select(name => warm.Select(r => r[name]).ToArray()).ToArray(), settings);
        var regimes = warm.Select(Regimes.Classify).ToArray();
        var shares = Shares(regimes);
        var calibrated = Quantile(Windows(regimes.Length, settings).Select(start =>
            Distance(Outside(shares, regimes.Length, regimes.AsSpan(start, settings.Window)), Shares(regimes.AsSpan(start, settings.Window)))), settings.Confidence);
        return new MarketDriftDetector(symbol, settings, features, shares, calibrated);
    }

    /// <summary>
    /// The promotion gate's drift (seed 004: the drift detector's score below 0.20): each symbol's shadow bars against
    /// the bars the challenger trained on, by the features above. Each feature's threshold is the larger of
    /// <paramref name="threshold"/> and its calibration on the training bars' own windows of the shadow window's length
    /// (jointly, at <see cref="MarketDriftSettings.Confidence"/>); training bars too few to hold two such windows are judged
    /// on <paramref name="threshold"/> alone. The score is the symbol's feature furthest past its threshold, or nearest to it.
    /// </summary>
    public static FeatureDriftScore ShadowDrift(IEnumerable<(string Symbol, IReadOnlyList<FeatureVector> Trained, IReadOnlyList<FeatureVector> Shadow)> symbols,
        double threshold, MarketDriftSettings settings)
    {
        FeatureDriftScore? worst = null;
        foreach (var (symbol, trained, shadow) in symbols)
        {
            var baseline = trained.Where(r => r.IsWarm).ToArray();
            var window = shadow.Where(r => r.IsWarm).ToArray();
            if (baseline.Length == 0 || window.Length == 0) continue;
            var samples = Features.Select(name => baseline.Select(r => r[name]).ToArray()).ToArray();
            var references = baseline.Length >= 2 * window.Length
                ? Jointly(samples, settings with { Window = window.Length })
                : samples.Select(x => new DriftReference(x.Order().ToArray(), 0)).ToArray();
            for (var f = 0; f < Features.Count; f++)
            {
                var name = Features[f];
                var statistic = FeatureDrift.KolmogorovSmirnovSorted(references[f].Sorted, window.Select(r => r[name]).Order().ToArray());
                var limit = Math.Max(threshold, references[f].Calibrated);
                if (worst is null || statistic - limit > worst.Score - worst.Threshold!.Value)
                    worst = new FeatureDriftScore(statistic, $"{symbol} {name}", limit);
            }
        }
        return worst ?? new FeatureDriftScore(0, null, threshold);
    }

    /// <summary>Feature drift of the latest window, confirmed: the features that passed their threshold, or the nearest one.</summary>
    public DriftMeasure CheckFeatures(IReadOnlyList<FeatureVector> recent)
    {
        var warm = Recent(recent);
        return _settings.Confirmed(ScoreFeatures(warm[^_settings.Window..]), ScoreFeatures(warm[..^_settings.Confirm][^_settings.Window..]));
    }

    /// <summary>Regime drift of the latest window, confirmed: the share of its bars that would have to change regime to match the baseline's shares (total variation distance).</summary>
    public DriftMeasure CheckRegimes(IReadOnlyList<FeatureVector> recent)
    {
        var warm = Recent(recent);
        return _settings.Confirmed(ScoreRegimes(warm[^_settings.Window..]), ScoreRegimes(warm[..^_settings.Confirm][^_settings.Window..]));
    }

    private DriftMeasure ScoreFeatures(FeatureVector[] window)
    {
        var scored = Features.Select((name, f) =>
        {
            var statistic = FeatureDrift.KolmogorovSmirnovSorted(_features[f].Sorted, window.Select(r => r[name]).Order().ToArray());
            return (Name: name, Statistic: statistic, Threshold: Math.Max(_settings.Threshold, _features[f].Calibrated));
        }).ToArray();
        var drifted = scored.Where(s => s.Statistic > s.Threshold).OrderByDescending(s => s.Statistic / s.Threshold).ToArray();
        var worst = drifted.Length > 0 ? drifted[0] : scored.MaxBy(s => s.Statistic / s.Threshold);
        var detail = drifted.Length == 0
            ? F($"no feature drifted; nearest {worst.Name} KS {worst.Statistic:0.###} against {worst.Threshold:0.###}")
            : "drifted: " + string.Join(", ", drifted.Select(s => F($"{s.Name} KS {s.Statistic:0.###} > {s.Threshold:0.###}")));
        return new DriftMeasure(Symbol, DriftKind.Feature, worst.Statistic, worst.Threshold, drifted.Length > 0, detail);
    }

    private DriftMeasure ScoreRegimes(FeatureVector[] window)
    {
        var shares = Shares(window.Select(Regimes.Classify).ToArray());
        var distance = Distance(_regimeShares, shares);
        var threshold = Math.Max(_settings.Threshold, _regimeCalibrated);
        var grew = Enumerable.Range(0, RegimeCount).MaxBy(k => shares[k] - _regimeShares[k]);
        var shift = distance > threshold
            ? F($"{(MarketRegime)grew} {_regimeShares[grew]:P0} -> {shares[grew]:P0} of bars")
            : "stable";
        return new DriftMeasure(Symbol, DriftKind.Regime, distance, threshold, distance > threshold,
            F($"{shift}; distance {distance:0.###} against {threshold:0.###}"));
    }

    /// <summary>
    /// Whether a model's calls changed pattern: the KS statistic of its signed confidence (+ BUY, - SELL, 0 HOLD) in the
    /// window against its calls on the bars after its training, with the change of its mean confidence and BUY share.
    /// </summary>
    public static DriftMeasure CheckPredictions(string symbol, IReadOnlyList<Prediction> baseline, IReadOnlyList<Prediction> recent, MarketDriftSettings settings)
    {
        if (baseline.Count < 2 * settings.Window) throw new ArgumentException($"a prediction baseline needs at least {2 * settings.Window} calls, got {baseline.Count}");
        if (recent.Count < settings.Needed) throw new ArgumentException($"a drift check needs {settings.Needed} calls, got {recent.Count}");
        var reference = Calibrate(baseline.Select(Signed).ToArray(), settings);
        var calls = recent.ToArray();
        return settings.Confirmed(ScorePredictions(symbol, reference, baseline, calls[^settings.Window..], settings),
            ScorePredictions(symbol, reference, baseline, calls[..^settings.Confirm][^settings.Window..], settings));
    }

    private static DriftMeasure ScorePredictions(string symbol, DriftReference reference, IReadOnlyList<Prediction> baseline, Prediction[] window, MarketDriftSettings settings)
    {
        var statistic = FeatureDrift.KolmogorovSmirnovSorted(reference.Sorted, window.Select(Signed).Order().ToArray());
        var threshold = Math.Max(settings.Threshold, reference.Calibrated);
        var confidence = window.Average(p => p.Confidence) - baseline.Average(p => p.Confidence);
        var buys = BuyShare(window) - BuyShare(baseline);
        return new DriftMeasure(symbol, DriftKind.Prediction, statistic, threshold, statistic > threshold,
            F($"KS {statistic:0.###} against {threshold:0.###}; mean confidence {confidence:+0.###;-0.###;0}, BUY share {buys:+0.0%;-0.0%;0.0%}"));
    }

    public static double Signed(Prediction p) => p.Action switch
    {
        TradeAction.Buy => p.Confidence,
        TradeAction.Sell => -p.Confidence,
        _ => 0,
    };

    /// <summary>Half the sum of the absolute differences of two share vectors: 0 the same, 1 nothing in common.</summary>
    public static double Distance(double[] a, double[] b) => 0.5 * a.Zip(b, (p, q) => Math.Abs(p - q)).Sum();

    /// <summary>The <paramref name="q"/> quantile (nearest rank) of the values.</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
    }

    /// <summary>A sample's baseline: sorted, and the calibrated threshold over its own windows.</summary>
    public static DriftReference Calibrate(double[] sample, MarketDriftSettings settings) => Jointly([sample], settings)[0];

    /// <summary>
    /// Baselines of several samples calibrated together, so that at most 1 - Confidence of the baseline's own windows
    /// pass any of the thresholds (each sample's threshold alone would let 1 - Confidence through per sample). A window's
    /// score is its highest rank among any sample's windows; every threshold is taken at the Confidence quantile of those scores.
    /// </summary>
    public static DriftReference[] Jointly(double[][] samples, MarketDriftSettings settings)
    {
        var sorted = samples.Select(s => s.Order().ToArray()).ToArray();
        var starts = Windows(samples[0].Length, settings).ToArray();
        var statistics = samples.Select((s, f) => starts.Select(start =>
            Outside(sorted[f], s.AsSpan(start, settings.Window).ToArray().Order().ToArray())).ToArray()).ToArray();
        var ordered = statistics.Select(x => x.Order().ToArray()).ToArray();
        var scores = starts.Select((_, w) => statistics.Select((x, f) => Rank(ordered[f], x[w])).Max());
        var level = Quantile(scores, settings.Confidence);
        return sorted.Select((s, f) => new DriftReference(s, Quantile(ordered[f], level))).ToArray();
    }

    /// <summary>
    /// The KS statistic of a window (sorted) against the rest of the baseline it was taken from (sorted): a window measured
    /// against a baseline that holds it looks closer than a new window would, and a threshold calibrated so would be too low.
    /// </summary>
    public static double Outside(double[] baseline, double[] window)
    {
        var rest = baseline.Length - window.Length;
        if (rest <= 0) throw new ArgumentException("the baseline must hold more than the window");
        int i = 0, j = 0;
        var largest = 0.0;
        while (i < baseline.Length)
        {
            var v = baseline[i];
            while (i < baseline.Length && baseline[i] == v) i++;
            while (j < window.Length && window[j] <= v) j++;
            largest = Math.Max(largest, Math.Abs((double)(i - j) / rest - (double)j / window.Length));
        }
        return largest;
    }

    private static double[] Outside(double[] shares, int count, ReadOnlySpan<MarketRegime> window)
    {
        var rest = shares.Select(s => s * count).ToArray();
        foreach (var r in window) rest[(int)r] -= 1;
        var remaining = count - window.Length;
        return rest.Select(c => Math.Max(0, c) / remaining).ToArray();
    }

    /// <summary>The share of <paramref name="sorted"/> at or below <paramref name="value"/>.</summary>
    private static double Rank(double[] sorted, double value)
    {
        var i = Array.BinarySearch(sorted, value);
        if (i < 0) return (double)~i / sorted.Length;
        while (i + 1 < sorted.Length && sorted[i + 1] == value) i++;
        return (double)(i + 1) / sorted.Length;
    }

    private static IEnumerable<int> Windows(int length, MarketDriftSettings settings)
    {
        for (var start = 0; start + settings.Window <= length; start += settings.CalibrationStep) yield return start;
    }

    private FeatureVector[] Recent(IReadOnlyList<FeatureVector> recent)
    {
        var warm = recent.Where(r => r.IsWarm).ToArray();
        if (warm.Length < _settings.Needed) throw new ArgumentException($"a drift check of {Symbol} needs {_settings.Needed} warm rows, got {warm.Length}");
        return warm;
    }

    private static double[] Shares(ReadOnlySpan<MarketRegime> regimes)
    {
        var shares = new double[RegimeCount];
        foreach (var r in regimes) shares[(int)r] += 1.0 / regimes.Length;
        return shares;
    }

    private static double BuyShare(IReadOnlyList<Prediction> calls) => calls.Count(p => p.Action == TradeAction.Buy) / (double)calls.Count;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
