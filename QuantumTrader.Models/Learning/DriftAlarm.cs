using System.Globalization;

namespace QuantumTrader.Models.Learning;

/// <summary>One rule that fired: the statistic it measured and the threshold it crossed.</summary>
public sealed record DriftBreach(string Rule, double Value, double Threshold);

/// <summary>A supporting number reported with an alarm (baseline, recent mean, window sizes...).</summary>
public sealed record DriftFigure(string Name, double Value);

/// <summary>What a detector reports when it fires.</summary>
public sealed record DriftAlarm(string Detector, IReadOnlyList<DriftBreach> Breaches, IReadOnlyList<DriftFigure> Figures)
{
    public string Describe()
    {
        var breaches = string.Join(", ", Breaches.Select(b =>
            string.Create(CultureInfo.InvariantCulture, $"{b.Rule} {b.Value:0.####} (threshold {b.Threshold:0.####})")));
        return $"{Detector}: {breaches}";
    }
}

/// <summary>Warning: a fast but noisy signal. Drift: a detector with a bounded false-alarm rate, fit to act on.</summary>
public enum DriftSeverity { Warning, Drift }

/// <summary>
/// A drift detector as immutable state. Feeding one trade's R-multiple returns the next state and,
/// when the detector fires, the alarm (the returned state is already reset where the detector resets).
/// </summary>
public interface IDriftDetector
{
    string Name { get; }
    (IDriftDetector State, DriftAlarm? Alarm) Update(double r);
}

/// <summary>Names under which detectors report, in alarms, scans and benchmarks.</summary>
public static class DriftDetectorNames
{
    public const string ConsecutiveLosses = "consecutive-losses";
    public const string SeedThresholds = "seed-thresholds";
    public const string PageHinkley = "page-hinkley";
    public const string Adwin = "adwin";
}

internal static class DriftGuard
{
    public static void Finite(double r)
    {
        if (!double.IsFinite(r))
            throw new ArgumentOutOfRangeException(nameof(r), r, "R-multiple must be a finite number.");
    }

    /// <summary>Mean R divided by its sample standard deviation; zero when the spread is zero.</summary>
    public static double PerTradeSharpe(double mean, double sd) => sd > 1e-12 ? mean / sd : 0.0;
}
