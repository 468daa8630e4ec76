namespace QuantumTrader.Models.Learning;

/// <summary>Parameters of every detector the model supervisor runs on a model's trades.</summary>
public sealed record DriftMonitorSettings(
    int ConsecutiveLosses = 3,
    SeedThresholds? Seed = null,
    double PageHinkleyDelta = PageHinkley.DefaultDelta,
    double PageHinkleyLambda = PageHinkley.DefaultLambda,
    int PageHinkleyBurnIn = PageHinkley.DefaultBurnIn,
    double AdwinDelta = Adwin.DefaultDelta,
    int AdwinMaxBucketsPerSize = 5,
    int AdwinMinSubWindow = 10)
{
    /// <summary>Fresh detectors in reporting order: fast alarm, seed thresholds, Page-Hinkley, ADWIN.</summary>
    public IReadOnlyList<IDriftDetector> CreateDetectors(DriftBaseline? baseline = null) =>
    [
        ConsecutiveLossAlarm.Create(ConsecutiveLosses),
        SeedThresholdRule.Create(Seed, baseline),
        PageHinkley.Create(PageHinkleyDelta, PageHinkleyLambda, PageHinkleyBurnIn),
        Adwin.Create(AdwinDelta, AdwinMaxBucketsPerSize, AdwinMinSubWindow),
    ];

    /// <summary>
    /// On healthy simulated trades (<see cref="DriftBenchmark"/>) the loss-run alarm fires about 500 times and the seed
    /// thresholds about 115 times per 10,000 trades, so they only warn. Page-Hinkley (about 0.6) and ADWIN (about 0.005)
    /// together stay under one false alarm per 10,000 trades and report drift: Page-Hinkley is the fast one (median
    /// 53 trades to catch a 0.5R fall), ADWIN a slower, stricter confirmation.
    /// </summary>
    public static DriftSeverity SeverityOf(string detector) =>
        detector is DriftDetectorNames.PageHinkley or DriftDetectorNames.Adwin ? DriftSeverity.Drift : DriftSeverity.Warning;
}

/// <summary>Published when a detector fires on a model's trades: which detector and rule, and the numbers.</summary>
public sealed record ModelDriftDetected(string ModelId, long TradeIndex, DateTimeOffset Time, DriftSeverity Severity, DriftAlarm Alarm) : IDomainEvent;

/// <summary>
/// The supervisor's per-model drift state: all detectors over the model's closed trades, in order.
/// <see cref="TradeIndex"/> counts the trades applied so far (the next trade's 0-based index).
/// </summary>
public sealed record ModelDriftMonitor(
    string ModelId,
    long TradeIndex,
    ConsecutiveLossAlarm FastAlarm,
    SeedThresholdRule Seed,
    PageHinkley PageHinkley,
    Adwin Adwin)
{
    public static ModelDriftMonitor Create(string modelId, DriftMonitorSettings? settings = null, DriftBaseline? baseline = null)
    {
        if (string.IsNullOrWhiteSpace(modelId)) throw new ArgumentException("Model id must not be empty.", nameof(modelId));
        var s = settings ?? new DriftMonitorSettings();
        return new ModelDriftMonitor(modelId, 0,
            ConsecutiveLossAlarm.Create(s.ConsecutiveLosses),
            SeedThresholdRule.Create(s.Seed, baseline),
            PageHinkley.Create(s.PageHinkleyDelta, s.PageHinkleyLambda, s.PageHinkleyBurnIn),
            Adwin.Create(s.AdwinDelta, s.AdwinMaxBucketsPerSize, s.AdwinMinSubWindow));
    }

    public (ModelDriftMonitor State, IReadOnlyList<ModelDriftDetected> Events) Apply(TradeOutcome trade)
    {
        if (!string.Equals(trade.ModelId, ModelId, StringComparison.Ordinal))
            throw new ArgumentException($"Trade of model '{trade.ModelId}' sent to the monitor of '{ModelId}'.", nameof(trade));
        var r = trade.RMultiple;
        var (fast, a1) = FastAlarm.Update(r);
        var (seed, a2) = Seed.Update(r);
        var (ph, a3) = PageHinkley.Update(r);
        var (adwin, a4) = Adwin.Update(r);
        var events = new List<ModelDriftDetected>();
        foreach (var alarm in new[] { a1, a2, a3, a4 })
        {
            if (alarm is not null)
                events.Add(new ModelDriftDetected(ModelId, TradeIndex, trade.Time, DriftMonitorSettings.SeverityOf(alarm.Detector), alarm));
        }

        return (new ModelDriftMonitor(ModelId, TradeIndex + 1, fast, seed, ph, adwin), events);
    }
}
