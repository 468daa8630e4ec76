using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Seed 002's drift thresholds. Sharpe is per trade (mean R ÷ sample σ of R), not annualised.
/// Drawdown is measured on an equity curve that risks <see cref="RiskPerTrade"/> of equity per trade
/// (equity × (1 + risk × R)), as a fraction below its running peak: at 1% risk, 15% is about 16R lost from the peak.
/// </summary>
public sealed record SeedThresholds(
    int Window = 50,
    int BaselineTrades = 100,
    double SharpeDrop = 0.3,
    double WinRateDrop = 0.10,
    int ConsecutiveLosses = 5,
    double MaxDrawdown = 0.15,
    double RiskPerTrade = 0.01)
{
    public void Validate()
    {
        if (Window < 2) throw new ArgumentOutOfRangeException(nameof(Window), Window, "Window needs at least 2 trades.");
        if (BaselineTrades < 2) throw new ArgumentOutOfRangeException(nameof(BaselineTrades), BaselineTrades, "Baseline needs at least 2 trades.");
        if (ConsecutiveLosses < 1) throw new ArgumentOutOfRangeException(nameof(ConsecutiveLosses), ConsecutiveLosses, "Must be at least 1.");
        if (!(MaxDrawdown is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(MaxDrawdown), MaxDrawdown, "Must lie in (0, 1).");
        if (!(RiskPerTrade is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(RiskPerTrade), RiskPerTrade, "Must lie in (0, 1).");
        if (!(SharpeDrop > 0) || !(WinRateDrop > 0)) throw new ArgumentOutOfRangeException(nameof(SharpeDrop), "Drops must be positive.");
    }
}

/// <summary>What a model is expected to do: per-trade Sharpe and win rate (0..1), from validation or its first live trades.</summary>
public sealed record DriftBaseline(double Sharpe, double WinRate, int Trades)
{
    public static DriftBaseline FromRMultiples(IReadOnlyList<double> r)
    {
        if (r.Count < 2) throw new ArgumentException("A baseline needs at least 2 trades.", nameof(r));
        var s = RunningStats.Of(r);
        return new DriftBaseline(DriftGuard.PerTradeSharpe(s.Mean, s.StdDev), r.Count(x => x > 0) / (double)r.Count, r.Count);
    }
}

/// <summary>
/// Seed 002's drift monitor: compares the last <see cref="SeedThresholds.Window"/> trades with the baseline
/// (Sharpe drop, win-rate drop) and watches the loss run and the drawdown. Without a given baseline the first
/// <see cref="SeedThresholds.BaselineTrades"/> trades make it. After an alarm the window, loss run and drawdown peak start afresh.
/// </summary>
public sealed record SeedThresholdRule(
    SeedThresholds Thresholds,
    DriftBaseline? Baseline,
    RunningStats Warmup,
    int WarmupWins,
    IReadOnlyList<double> Recent,
    int LossRun,
    double Equity,
    double PeakEquity) : IDriftDetector
{
    private const double Tolerance = 1e-9;

    public static SeedThresholdRule Create(SeedThresholds? thresholds = null, DriftBaseline? baseline = null)
    {
        var t = thresholds ?? new SeedThresholds();
        t.Validate();
        return new SeedThresholdRule(t, baseline, RunningStats.Empty, 0, [], 0, 1.0, 1.0);
    }

    /// <summary>The breach a falling win rate raises; seed 001 retrains on it.</summary>
    public const string WinRateDropRule = "win-rate-drop";

    [JsonIgnore] public string Name => DriftDetectorNames.SeedThresholds;

    [JsonIgnore] public double Drawdown => PeakEquity > 0 ? 1.0 - Equity / PeakEquity : 0.0;

    public (SeedThresholdRule State, DriftAlarm? Alarm) Update(double r)
    {
        DriftGuard.Finite(r);
        var t = Thresholds;
        var baseline = Baseline;
        var warmup = Warmup;
        var warmupWins = WarmupWins;
        if (baseline is null)
        {
            warmup = warmup.Add(r);
            warmupWins += r > 0 ? 1 : 0;
            if (warmup.Count >= t.BaselineTrades)
                baseline = new DriftBaseline(DriftGuard.PerTradeSharpe(warmup.Mean, warmup.StdDev), warmupWins / (double)warmup.Count, (int)warmup.Count);
        }

        double[] recent = Recent.Count < t.Window
            ? [.. Recent, r]
            : Recent.Skip(Recent.Count - t.Window + 1).Append(r).ToArray();
        var lossRun = r < 0 ? LossRun + 1 : 0;
        var equity = Equity * Math.Max(0.0, 1.0 + t.RiskPerTrade * r);
        var peak = Math.Max(PeakEquity, equity);
        var next = this with
        {
            Baseline = baseline, Warmup = warmup, WarmupWins = warmupWins,
            Recent = recent, LossRun = lossRun, Equity = equity, PeakEquity = peak,
        };

        var breaches = new List<DriftBreach>();
        var figures = new List<DriftFigure>();
        if (baseline is not null && recent.Length >= t.Window)
        {
            var stats = RunningStats.Of(recent);
            var sharpe = DriftGuard.PerTradeSharpe(stats.Mean, stats.StdDev);
            var winRate = recent.Count(x => x > 0) / (double)recent.Length;
            figures.Add(new DriftFigure("baseline-sharpe", baseline.Sharpe));
            figures.Add(new DriftFigure("recent-sharpe", sharpe));
            figures.Add(new DriftFigure("baseline-win-rate", baseline.WinRate));
            figures.Add(new DriftFigure("recent-win-rate", winRate));
            if (baseline.Sharpe - sharpe >= t.SharpeDrop - Tolerance)
                breaches.Add(new DriftBreach("sharpe-drop", baseline.Sharpe - sharpe, t.SharpeDrop));
            if (baseline.WinRate - winRate >= t.WinRateDrop - Tolerance)
                breaches.Add(new DriftBreach(WinRateDropRule, baseline.WinRate - winRate, t.WinRateDrop));
        }

        if (lossRun >= t.ConsecutiveLosses)
            breaches.Add(new DriftBreach("consecutive-losses", lossRun, t.ConsecutiveLosses));
        var drawdown = next.Drawdown;
        if (drawdown >= t.MaxDrawdown - Tolerance)
            breaches.Add(new DriftBreach("drawdown", drawdown, t.MaxDrawdown));
        if (breaches.Count == 0) return (next, null);

        figures.Add(new DriftFigure("loss-run", lossRun));
        figures.Add(new DriftFigure("drawdown", drawdown));
        var reset = next with { Recent = [], LossRun = 0, Equity = 1.0, PeakEquity = 1.0 };
        return (reset, new DriftAlarm(Name, breaches, figures));
    }

    (IDriftDetector State, DriftAlarm? Alarm) IDriftDetector.Update(double r) => Update(r);
}
