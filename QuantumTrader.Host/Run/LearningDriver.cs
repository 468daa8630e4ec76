using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The replay's side of the learning cascade. It registers the served versions, hands each bar's closed trades to the
/// model supervisor and the circuit breakers before the next bar is sent, and sets the weights every bar votes with:
/// those decided on trades that exited strictly before the bar's time, the trades the portfolio view counts too.
/// The supervisor journals each change with that time, so a resumed replay re-decides the bars after the last
/// snapshot with the weights they had in the uninterrupted run, not with the supervisor's latest.
/// </summary>
public sealed class LearningDriver
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    private readonly IActorRef _supervisor;
    private readonly IActorRef _registry;
    private readonly EnsembleServing _serving;
    private readonly IRunObserver _observer;
    private readonly SortedList<DateTimeOffset, EnsembleWeights> _changes = new();
    private EnsembleWeights _initial;

    private LearningDriver(IActorRef supervisor, IActorRef registry, EnsembleServing serving, IRunObserver observer)
    {
        _supervisor = supervisor;
        _registry = registry;
        _serving = serving;
        _observer = observer;
        _initial = serving.Weights;
    }

    /// <summary>
    /// Registers the served versions, then hands over the closed trades already journaled, in the order of the bars
    /// that closed them (a crash may have come before the supervisor journaled what it made of the last ones), and
    /// reads the weight history the replay must follow.
    /// </summary>
    public static async Task<LearningDriver> StartAsync(
        ActorRegistry registry, EnsembleServing serving, RunSettings settings, TradingPlan plan, IReadOnlyList<Bar> bars,
        IReadOnlyList<ClosedTrade> journaled, IRunObserver observer, CancellationToken cancel)
    {
        var driver = new LearningDriver(
            await registry.GetAsync<ModelSupervisorSingleton>(cancel), await registry.GetAsync<ModelRegistrySingleton>(cancel), serving, observer);
        await driver.RegisterServedAsync(settings.StateDirectory, plan, cancel);
        await driver.AfterBarAsync(InBarOrder(journaled, bars), cancel);
        var status = await driver._supervisor.Ask<SupervisorStatus>(GetSupervisorStatus.Instance, AskTimeout, cancel);
        driver._initial = new EnsembleWeights(status.InitialWeights);
        foreach (var change in status.WeightHistory.OfType<WeightsRebalanced>()) driver._changes[change.Time] = new EnsembleWeights(change.Overall);
        return driver;
    }

    /// <summary>The weights decided on the trades that exited strictly before <paramref name="time"/>.</summary>
    public EnsembleWeights WeightsBefore(DateTimeOffset time)
    {
        for (var i = _changes.Count - 1; i >= 0; i--)
            if (_changes.Keys[i] < time) return _changes.Values[i];
        return _initial;
    }

    /// <summary>The earliest weight change at or after <paramref name="time"/> already decided (a resumed run knows them from the journal).</summary>
    public DateTimeOffset? NextWeightChange(DateTimeOffset time)
    {
        foreach (var at in _changes.Keys)
            if (at >= time) return at;
        return null;
    }

    /// <summary>The weights a bar at <paramref name="time"/> votes with and the versions serving, as text to compare.</summary>
    public string DecisionInputs(DateTimeOffset time) =>
        Format(WeightsBefore(time).Values) + " | " + _serving.ServedVersions();

    public void BeforeBar(DateTimeOffset time)
    {
        var weights = WeightsBefore(time);
        if (!weights.Equals(_serving.Weights) && !_serving.TrySetWeights(weights, out var error))
            throw new InvalidOperationException($"serving refused the supervisor's weights: {error}");
    }

    /// <summary>
    /// Supervises the trades and feeds the circuit breakers, side by side. When this returns, the weights they led to
    /// are known and every rollback is journaled and served; the supervisor writes its decisions in the background,
    /// since <see cref="StartAsync"/> hands every journaled trade over again and gets the same decisions back.
    /// </summary>
    public async Task AfterBarAsync(IReadOnlyList<ClosedTrade> closed, CancellationToken cancel)
    {
        if (closed.Count == 0) return;
        var supervising = _supervisor.Ask<SupervisionResult>(new SuperviseClosedTrades(closed, ReplyWhenDurable: false), AskTimeout, cancel);
        var feeding = _registry.Ask<CircuitBreakersFed>(new FeedCircuitBreakers(closed), AskTimeout, cancel);
        var supervision = await supervising;
        var breakers = await feeding;
        if (supervision.WeightsAsOf is { } asOf) _changes[asOf] = new EnsembleWeights(supervision.Weights);

        foreach (var alarm in supervision.Alarms.Where(a => a.Severity == DriftSeverity.Drift))
            _observer.Info($"drift: {alarm.ModelId} at its trade {alarm.TradeIndex} ({alarm.Time:O}): {alarm.Alarm.Describe()}");
        foreach (var decision in supervision.WeightDecisions)
        {
            _observer.Info(decision switch
            {
                WeightsRebalanced r => $"weights rebalanced at {r.Time:O}: {Format(r.Overall)}",
                WeightsRefused r => $"weights refused at {r.Time:O}: {r.Reason}",
                _ => decision.ToString(),
            });
        }
        foreach (var trip in breakers.Trips) _observer.Info($"circuit breaker tripped: {trip.Trip.Reason}" + (trip.RollbackRefused is { } why ? $"; no rollback: {why}" : ""));
        foreach (var rollback in breakers.Rollbacks) _observer.Info($"rolled {rollback.Slot} back from {rollback.FromVersion} to {rollback.Version}");
        foreach (var ab in breakers.AbTestsConcluded) _observer.Info($"{ab.Time:O} A/B test of {ab.Slot}/{ab.Version} against {ab.Champion}: {ab.Verdict}");
    }

    /// <summary>After the last bar: the weights decided on every trade, so the summary reports what a next bar would use.</summary>
    public void Finish()
    {
        var latest = _changes.Count > 0 ? _changes.Values[^1] : _initial;
        if (!latest.Equals(_serving.Weights)) _serving.TrySetWeights(latest, out _);
    }

    /// <summary>The run summary with the alarms, weight changes and rollbacks the journal holds.</summary>
    public async Task<RunSummary> SummarizeAsync(RunSummary summary, CancellationToken cancel)
    {
        var status = await _supervisor.Ask<SupervisorStatus>(GetSupervisorStatus.Instance, AskTimeout, cancel);
        var registry = await _registry.Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel);
        var rebalanced = status.WeightHistory.OfType<WeightsRebalanced>().ToArray();
        var rollbacks = registry.History.OfType<VersionRolledBack>()
            .Select(r => new RollbackEntry(r.Slot, r.FromVersion, r.Version, r.MarkedDegraded, r.Time, r.Reason)).ToArray();
        return summary with
        {
            DriftAlarms = new DriftAlarmSummary(
                status.Alarms.Count,
                status.Alarms.Count(a => a.Severity == DriftSeverity.Warning),
                status.Alarms.Count(a => a.Severity == DriftSeverity.Drift),
                status.Alarms.TakeLast(10).Select(a => new DriftAlarmEntry(
                    a.ModelId, a.Alarm.Detector, a.Severity.ToString(), a.TradeIndex, a.Time, a.Alarm.Describe())).ToArray()),
            WeightChanges = new WeightChangeSummary(
                rebalanced.Length, status.WeightHistory.OfType<WeightsRefused>().Count(), status.Weights, rebalanced.LastOrDefault()?.Reason),
            Rollbacks = new RollbackSummary(rollbacks.Length, rollbacks),
        };
    }

    /// <summary>
    /// Registers every served version trained by <see cref="ModelBootstrap"/>, dated by the end of its training data
    /// (market time, like every other decision of a replay); a slot's first version becomes its champion. When the
    /// registry already has another champion, the registry serves that one.
    /// </summary>
    private async Task RegisterServedAsync(string stateDirectory, TradingPlan plan, CancellationToken cancel)
    {
        foreach (var slot in _serving.ModelIds)
        {
            var trained = _serving.PredictorOf(slot)!.Version;
            var sidecar = Path.GetFullPath(ModelBootstrap.SidecarPath(stateDirectory, slot, trained));
            var registration = plan.Forecasters.FirstOrDefault(f => f.Slot == slot && f.Version == trained)?.Command(at: null, promoteIfFirst: true)
                ?? (File.Exists(sidecar) ? Registration(slot, trained, sidecar, plan.TrainedTo, at: null, promoteIfFirst: true) : null);
            if (registration is null) continue;
            var reply = await _registry.Ask<ModelRegistryReply>(registration, AskTimeout, cancel);
            if (!reply.Succeeded) _observer.Info($"model registry: {slot}/{trained} not registered: {reply.Error}");
            var served = _serving.PredictorOf(slot)!.Version;
            if (served != trained) _observer.Info($"model registry: serving the champion {slot}/{served} rather than the version just trained, {trained}");
        }
    }

    /// <summary>
    /// The registration of a trained tree artifact: its training range, validation metrics and size (sidecar and .onnx file),
    /// dated <paramref name="at"/> or, when null, by the end of its training data (<paramref name="fallbackTo"/> if it has no times).
    /// </summary>
    public static RegisterModelVersion Registration(string slot, string version, string sidecar, DateTimeOffset fallbackTo, DateTimeOffset? at, bool promoteIfFirst)
    {
        var artifact = TreeModelArtifact.Load(sidecar);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["trainingRows"] = artifact.TrainingRows };
        if (artifact.Metrics is { } m)
        {
            metrics["validationRows"] = m.Rows;
            metrics["accuracy"] = m.Accuracy;
            metrics["logLoss"] = m.LogLoss;
            metrics["auc"] = m.Auc;
        }

        var to = artifact.TrainedTo ?? fallbackTo;
        var size = new FileInfo(sidecar).Length + new FileInfo(artifact.OnnxPath(sidecar)).Length;
        return new RegisterModelVersion(slot, version, new TrainingRange(artifact.TrainedFrom ?? to, to), metrics, Path.GetFullPath(sidecar), size, at ?? to, promoteIfFirst);
    }

    /// <summary>The order in which the replay handed the trades over: by the position of the bar that closed each (its symbol at its exit time).</summary>
    private static ClosedTrade[] InBarOrder(IReadOnlyList<ClosedTrade> trades, IReadOnlyList<Bar> bars)
    {
        if (trades.Count == 0) return [];
        var position = new Dictionary<(string, DateTimeOffset), int>();
        for (var i = 0; i < bars.Count; i++) position.TryAdd((bars[i].Symbol, bars[i].Time), i);
        return trades.OrderBy(t => position.TryGetValue((t.Symbol, t.ExitTime), out var i) ? i : int.MaxValue)
            .ThenBy(t => t.ExitTime).ThenBy(t => t.TradeId, StringComparer.Ordinal).ToArray();
    }

    private static string Format(IReadOnlyDictionary<string, double> weights) =>
        string.Join(", ", weights.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value:0.###}")));
}
