namespace QuantumTrader.Models.Learning;

/// <summary>
/// The promotion gate's drift: the Kolmogorov-Smirnov statistic of the feature furthest past (or nearest to) its
/// threshold, the symbol and feature it came from, and that threshold (<see cref="MarketDriftDetector.ShadowDrift"/>).
/// A journal written before thresholds were calibrated holds none: that score is judged against the gate's alone.
/// </summary>
public sealed record FeatureDriftScore(double Score, string? Feature, double? Threshold = null);

/// <summary>
/// Seed 004's feature drift: how far the rows a model now sees have moved from the rows it was trained on, as the
/// Kolmogorov-Smirnov statistic (the largest gap between the two empirical distribution functions, 0 to 1) per feature.
/// </summary>
public static class FeatureDrift
{
    public static double KolmogorovSmirnov(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        KolmogorovSmirnovSorted(a.Order().ToArray(), b.Order().ToArray());

    /// <summary>The statistic of two samples already sorted ascending (a baseline sorted once serves many windows).</summary>
    public static double KolmogorovSmirnovSorted(double[] x, double[] y)
    {
        if (x.Length == 0 || y.Length == 0) throw new ArgumentException("both samples need at least one value");
        int i = 0, j = 0;
        var largest = 0.0;
        while (i < x.Length && j < y.Length)
        {
            // Step past every copy of the smaller value in both samples, so ties never open a gap.
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            largest = Math.Max(largest, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return largest;
    }
}
