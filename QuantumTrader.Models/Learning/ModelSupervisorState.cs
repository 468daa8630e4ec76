using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// How the model supervisor works: its drift detectors, how many recent trades per model feed the weights, and how
/// often the weights are recomputed (every <see cref="RebalanceEvery"/> attributed trades, and after every
/// drift-severity alarm). <see cref="Rebalancer"/> without defaults takes the supervisor's initial weights as defaults.
/// </summary>
public sealed record ModelSupervisorSettings(
    int RebalanceEvery = 20,
    int StatsWindow = 50,
    DriftMonitorSettings? Drift = null,
    WeightRebalancerSettings? Rebalancer = null)
{
    public static readonly ModelSupervisorSettings Default = new();

    public void Validate()
    {
        if (RebalanceEvery < 1) throw new ArgumentOutOfRangeException(nameof(RebalanceEvery), RebalanceEvery, "Must be at least 1.");
        if (StatsWindow < 2) throw new ArgumentOutOfRangeException(nameof(StatsWindow), StatsWindow, "Needs at least 2 trades.");
    }
}

/// <summary>The supervisor's first event: the weights the ensemble voted with before it changed any.</summary>
public sealed record ModelSupervisionStarted(IReadOnlyDictionary<string, double> InitialWeights, DateTimeOffset Time) : IDomainEvent;

/// <summary>One model's result on a closed trade, as its vote earned it (see <see cref="ModelAttribution"/>).</summary>
public sealed record SupervisedOutcome(string ModelId, double RMultiple);

/// <summary>
/// A closed trade the supervisor took in: each voting model's R and the market regime at entry, classified from the
/// features in the trade's decision record (null when the record lacks the features the classifier needs).
/// </summary>
public sealed record TradeSupervised(string TradeId, string Symbol, DateTimeOffset Time, string? Regime, IReadOnlyList<SupervisedOutcome> Outcomes)
    : IDomainEvent;

/// <summary>
/// The model supervisor as plain data: a drift monitor per model, each model's last <see cref="ModelSupervisorSettings.StatsWindow"/>
/// R-multiples overall and per regime, the ensemble weights and every alarm and weight decision so far.
/// <see cref="Process"/> turns a closed trade into events (the trade, its alarms, a weight decision when one is due);
/// <see cref="Apply"/> folds each event, so the journal rebuilds the same state.
/// </summary>
public sealed record ModelSupervisorState(
    ModelSupervisorSettings Settings,
    IReadOnlyList<string> Models,
    IReadOnlyDictionary<string, double> InitialWeights,
    IReadOnlyDictionary<string, ModelDriftMonitor> Monitors,
    IReadOnlyDictionary<string, double[]> Recent,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double[]>> RecentByRegime,
    EnsembleWeightsState Weights,
    long TradesSupervised,
    long AttributedTrades,
    IReadOnlyList<ModelDriftDetected> Alarms,
    IReadOnlyList<WeightsEvent> WeightHistory)
{
    /// <summary>A fresh supervisor voting with <paramref name="initialWeights"/>; their models, in that order, are the ones it weighs.</summary>
    public static ModelSupervisorState Start(IReadOnlyDictionary<string, double> initialWeights, ModelSupervisorSettings? settings = null)
    {
        var s = settings ?? ModelSupervisorSettings.Default;
        s.Validate();
        if (WeightRebalancer.Validate(initialWeights) is { } problem) throw new ArgumentException($"Initial weights: {problem}.", nameof(initialWeights));
        var weights = new Dictionary<string, double>(initialWeights, StringComparer.Ordinal);
        return new ModelSupervisorState(s, weights.Keys.ToArray(), weights,
            new Dictionary<string, ModelDriftMonitor>(StringComparer.Ordinal),
            new Dictionary<string, double[]>(StringComparer.Ordinal),
            new Dictionary<string, IReadOnlyDictionary<string, double[]>>(StringComparer.Ordinal),
            new EnsembleWeightsState(weights, new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal), "initial weights", null),
            0, 0, [], []);
    }

    /// <summary>The time of the last weight change: bars after it vote with <see cref="EnsembleWeightsState.Overall"/>.</summary>
    [JsonIgnore] public DateTimeOffset? WeightsAsOf => Weights.UpdatedAt;

    /// <summary>
    /// Events for one closed trade, in order: <see cref="TradeSupervised"/>, any <see cref="ModelDriftDetected"/>, then a
    /// <see cref="WeightsRebalanced"/> or <see cref="WeightsRefused"/> when a rebalance is due and changes something.
    /// </summary>
    public (ModelSupervisorState State, IReadOnlyList<IDomainEvent> Events) Process(ClosedTrade trade, RegimeClassifier classifier)
    {
        var outcomes = ModelAttribution.Outcomes(trade).Select(o => new SupervisedOutcome(o.ModelId, o.RMultiple)).ToArray();
        var supervised = new TradeSupervised(trade.TradeId, trade.Symbol, trade.ExitTime, RegimeAtEntry(trade.Decision, classifier), outcomes);
        var (state, alarms) = Step(supervised);
        var events = new List<IDomainEvent> { supervised };
        foreach (var alarm in alarms)
        {
            events.Add(alarm);
            state = state.Apply(alarm);
        }

        var triggers = alarms.Where(a => a.Severity == DriftSeverity.Drift)
            .Select(a => $"drift of {a.ModelId} at its trade {a.TradeIndex} ({a.Alarm.Describe()})").ToList();
        if (outcomes.Length > 0 && state.AttributedTrades % Settings.RebalanceEvery == 0)
            triggers.Insert(0, string.Create(CultureInfo.InvariantCulture, $"every {Settings.RebalanceEvery} attributed trades ({state.AttributedTrades} so far)"));
        if (triggers.Count == 0) return (state, events);

        foreach (var decision in state.Rebalance(string.Join("; ", triggers), trade.ExitTime))
        {
            events.Add(decision);
            state = state.Apply(decision);
        }

        return (state, events);
    }

    /// <summary>An explicit weight set (an operator's): refused unless valid for every model, else recorded with its reason.</summary>
    public IReadOnlyList<WeightsEvent> Propose(WeightProposal proposal) => Weights.Process(proposal);

    public ModelSupervisorState Apply(IDomainEvent e) => e switch
    {
        TradeSupervised t => Step(t).State,
        ModelDriftDetected d => this with { Alarms = [.. Alarms, d] },
        WeightsEvent w => this with { Weights = Weights.Apply(w), WeightHistory = [.. WeightHistory, w] },
        _ => throw new ArgumentException($"Unknown supervisor event {e.GetType().Name}.", nameof(e)),
    };

    /// <summary>Each model's statistics over its recent trades, the models in their weighing order first.</summary>
    public IReadOnlyList<ModelTradeStats> OverallStats() =>
        Recent.Keys.OrderBy(m => OrderOf(m)).ThenBy(m => m, StringComparer.Ordinal)
            .Select(m => ModelTradeStats.FromRMultiples(m, Recent[m])).ToArray();

    public IReadOnlyList<RegimeTradeStats> RegimeStats() =>
        RecentByRegime.Keys.Order(StringComparer.Ordinal)
            .Select(r => new RegimeTradeStats(r, RecentByRegime[r].Keys.OrderBy(m => OrderOf(m)).ThenBy(m => m, StringComparer.Ordinal)
                .Select(m => ModelTradeStats.FromRMultiples(m, RecentByRegime[r][m])).ToArray()))
            .ToArray();

    /// <summary>
    /// The regime the cascade saw when it decided the entry, recomputed from the decision record's features; null when
    /// the record lacks one of the features the classifier reads or the row does not classify.
    /// </summary>
    public static string? RegimeAtEntry(TradeDecisionRecord decision, RegimeClassifier classifier)
    {
        if (decision.FeatureNames.Count != decision.FeatureValues.Length || RegimeFeatures.Any(f => !decision.FeatureNames.Contains(f))) return null;
        var row = new FeatureVector(new FeatureSet(decision.FeatureSetVersion, decision.FeatureNames), decision.DecidedAt, decision.FeatureValues, IsWarm: true);
        return classifier.Classify(row).ToString();
    }

    private static readonly string[] RegimeFeatures = ["ret_1", "ret_5", "atr_pct_14", "rv_20", "ema_dist_20", "macd_hist_12_26_9"];

    private IReadOnlyList<WeightsEvent> Rebalance(string trigger, DateTimeOffset time)
    {
        var settings = Settings.Rebalancer ?? new WeightRebalancerSettings();
        if (settings.Defaults is null) settings = settings with { Defaults = InitialWeights };
        var proposal = WeightRebalancer.Propose(Models, OverallStats(), RegimeStats(), settings, time);
        return Weights.Process(proposal with { Reason = $"{trigger}. {proposal.Reason}" });
    }

    private (ModelSupervisorState State, IReadOnlyList<ModelDriftDetected> Alarms) Step(TradeSupervised trade)
    {
        var monitors = new Dictionary<string, ModelDriftMonitor>(Monitors, StringComparer.Ordinal);
        var recent = new Dictionary<string, double[]>(Recent, StringComparer.Ordinal);
        var byRegime = new Dictionary<string, IReadOnlyDictionary<string, double[]>>(RecentByRegime, StringComparer.Ordinal);
        var alarms = new List<ModelDriftDetected>();
        foreach (var outcome in trade.Outcomes)
        {
            var monitor = monitors.GetValueOrDefault(outcome.ModelId) ?? ModelDriftMonitor.Create(outcome.ModelId, Settings.Drift);
            var (next, fired) = monitor.Apply(new TradeOutcome(trade.Time, outcome.ModelId, outcome.RMultiple));
            monitors[outcome.ModelId] = next;
            alarms.AddRange(fired);
            recent[outcome.ModelId] = Window(recent.GetValueOrDefault(outcome.ModelId), outcome.RMultiple);
            if (trade.Regime is null) continue;
            var regime = new Dictionary<string, double[]>(byRegime.GetValueOrDefault(trade.Regime) ?? new Dictionary<string, double[]>(), StringComparer.Ordinal);
            regime[outcome.ModelId] = Window(regime.GetValueOrDefault(outcome.ModelId), outcome.RMultiple);
            byRegime[trade.Regime] = regime;
        }

        var state = this with
        {
            Monitors = monitors,
            Recent = recent,
            RecentByRegime = byRegime,
            TradesSupervised = TradesSupervised + 1,
            AttributedTrades = AttributedTrades + (trade.Outcomes.Count > 0 ? 1 : 0),
        };
        return (state, alarms);
    }

    private double[] Window(double[]? values, double r)
    {
        var current = values ?? [];
        var skip = Math.Max(0, current.Length + 1 - Settings.StatsWindow);
        return [.. current.Skip(skip), r];
    }

    private int OrderOf(string model)
    {
        for (var i = 0; i < Models.Count; i++) if (Models[i] == model) return i;
        return int.MaxValue;
    }
}
