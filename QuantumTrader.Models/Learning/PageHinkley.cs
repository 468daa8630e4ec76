using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Page-Hinkley test for a fall in mean R, self-starting: each trade is standardised by the mean and σ of the trades
/// before it since the last reset, so no baseline has to be supplied and a misestimated one cannot inflate the
/// false-alarm rate. With z = (mean − r) / σ the test accumulates m = Σ (z − <see cref="Delta"/>) and fires when
/// m − min(m) exceeds <see cref="Lambda"/>. Both are in σ units: Delta is the allowance (falls smaller than it are
/// ignored), Lambda sets the false-alarm rate. The defaults (0.15, 21) were calibrated with <see cref="DriftBenchmark"/>:
/// about 0.6 false alarms per 10,000 stationary trades and a median delay of about 53 trades for a 0.5σ fall in mean R,
/// while a 55% → 45% win-rate fall (0.2σ) is still caught. The first <see cref="BurnIn"/> trades after a reset only
/// feed the mean and σ. After an alarm everything restarts, since the model's level has changed.
/// </summary>
public sealed record PageHinkley(double Delta, double Lambda, int BurnIn, RunningStats Stats, double Cumulative, double Minimum) : IDriftDetector
{
    public const double DefaultDelta = 0.15;
    public const double DefaultLambda = 21.0;
    public const int DefaultBurnIn = 30;

    public static PageHinkley Create(double delta = DefaultDelta, double lambda = DefaultLambda, int burnIn = DefaultBurnIn)
    {
        if (!(delta >= 0) || !double.IsFinite(delta)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Must be finite and non-negative.");
        if (!(lambda > 0) || !double.IsFinite(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Must be finite and positive.");
        if (burnIn < 2) throw new ArgumentOutOfRangeException(nameof(burnIn), burnIn, "Needs at least 2 trades to estimate σ.");
        return new PageHinkley(delta, lambda, burnIn, RunningStats.Empty, 0.0, 0.0);
    }

    [JsonIgnore] public string Name => DriftDetectorNames.PageHinkley;

    /// <summary>The test statistic m − min(m); the detector fires when it exceeds Lambda.</summary>
    [JsonIgnore] public double Statistic => Cumulative - Minimum;

    public (PageHinkley State, DriftAlarm? Alarm) Update(double r)
    {
        DriftGuard.Finite(r);
        var cumulative = Cumulative;
        var minimum = Minimum;
        var sd = Stats.StdDev;
        if (Stats.Count >= BurnIn && sd > 1e-12)
        {
            cumulative += (Stats.Mean - r) / sd - Delta;
            minimum = Math.Min(minimum, cumulative);
        }

        var next = this with { Stats = Stats.Add(r), Cumulative = cumulative, Minimum = minimum };
        if (next.Statistic <= Lambda) return (next, null);

        var alarm = new DriftAlarm(Name,
            [new DriftBreach("mean-decrease", next.Statistic, Lambda)],
            [new DriftFigure("reference-mean", Stats.Mean), new DriftFigure("reference-sd", sd),
             new DriftFigure("trades", next.Stats.Count), new DriftFigure("delta", Delta)]);
        return (this with { Stats = RunningStats.Empty, Cumulative = 0.0, Minimum = 0.0 }, alarm);
    }

    (IDriftDetector State, DriftAlarm? Alarm) IDriftDetector.Update(double r) => Update(r);
}
