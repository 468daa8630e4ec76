using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Run;

/// <summary>
/// Continuous retraining of the tree slots during a replay. At every check (<see cref="RetrainSettings.CheckEvery"/> of
/// market time, once every bar before it is decided) it judges a running shadow test when it is due, and retrains a
/// slot whose training data is <see cref="RetrainSettings.Every"/> old or that raised a drift alarm since: a new
/// version on the latest bars (as many per symbol as the first training had), registered and shadow-tested against
/// the champion. The challenger's calls are scored on the bars after its training whose outcome is known by the
/// check; the registry's promotion gate decides and, on approval, promotes and serves it. Every step is in the
/// registry's journal stamped with the check's time, and each check decides from the registry as it stood before that
/// time, so a resumed run repeats the same steps and finds each already done.
/// </summary>
public sealed class RetrainingDriver : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    private readonly IActorRef _registry;
    private readonly IActorRef _supervisor;
    private readonly EnsembleServing _serving;
    private readonly RunSettings _settings;
    private readonly RetrainSettings _retrain;
    private readonly IRunObserver _observer;
    private readonly IReadOnlyList<SymbolHistory> _symbols;
    private readonly IReadOnlyList<string> _slots;
    private readonly RegimeClassifier _regimes = new();
    private readonly Stopwatch _busy = new();
    private readonly DateTimeOffset _tradingStarts;
    private readonly HashSet<DateTimeOffset> _checks;
    private readonly ModelRegistryState _journaled;
    private readonly DateTimeOffset _journaledUntil;
    private readonly Dictionary<string, OnnxTreePredictor> _opened = new(StringComparer.Ordinal);
    private bool _journalServed;

    private sealed record SymbolHistory(string Symbol, DateTimeOffset[] Times, FeatureVector[] Rows, double[] Closes, int TrainingBars)
    {
        /// <summary>Index of the first bar at or after <paramref name="time"/> (Times.Length when none is).</summary>
        public int IndexAt(DateTimeOffset time)
        {
            var i = Array.BinarySearch(Times, time);
            return i >= 0 ? i : ~i;
        }
    }

    private RetrainingDriver(IActorRef registry, IActorRef supervisor, EnsembleServing serving, RunSettings settings, RetrainSettings retrain,
        IReadOnlyList<SymbolHistory> symbols, IReadOnlyList<string> slots, DateTimeOffset tradingStarts, IReadOnlyList<DateTimeOffset> checks,
        ModelRegistryState journaled, IRunObserver observer)
    {
        _tradingStarts = tradingStarts;
        _checks = [.. checks];
        _journaled = journaled;
        _journaledUntil = journaled.History.Where(ChangesServing).Select(e => e.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        _registry = registry;
        _supervisor = supervisor;
        _serving = serving;
        _settings = settings;
        _retrain = retrain;
        _symbols = symbols;
        _slots = slots;
        _observer = observer;
    }

    public static async Task<RetrainingDriver> StartAsync(ActorRegistry registry, EnsembleServing serving, RunSettings settings, RetrainSettings retrain,
        ReplayData data, TradingPlan plan, IRunObserver observer, CancellationToken cancel)
    {
        var symbols = data.Bars.GroupBy(b => b.Symbol).Select(g =>
        {
            var bars = g.ToArray();
            var calculator = new FeatureCalculator(g.Key);
            return new SymbolHistory(g.Key, bars.Select(b => b.Time).ToArray(), bars.Select(calculator.Next).ToArray(),
                bars.Select(b => b.Close).ToArray(), bars.Count(b => b.Time < plan.TradeFrom[g.Key]));
        }).ToArray();
        var slots = serving.ModelIds.Where(s => TreeTrainer.Supports(s) && ImportedServing.Read(ImportedServing.SlotDirectory(settings.StateDirectory, s)) is null)
            .ToArray();
        var registryActor = await registry.GetAsync<ModelRegistrySingleton>(cancel);
        var journaled = (await registryActor.Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)).ToRegistry();
        var driver = new RetrainingDriver(registryActor, await registry.GetAsync<ModelSupervisorSingleton>(cancel), serving, settings, retrain, symbols, slots,
            plan.TrainedTo, Checks(plan, data.Bars[^1].Time, retrain), journaled, observer);
        observer.Info(slots.Length == 0
            ? "retraining: no trained tree slot is served, nothing to retrain"
            : F($"retraining {string.Join(", ", slots)} every {retrain.Every.TotalHours:0} h of market time or on drift, checked every {retrain.CheckEvery.TotalHours:0} h"));
        return driver;
    }

    /// <summary>Seconds spent training, shadow-scoring and deciding so far.</summary>
    public double BusySeconds => _busy.Elapsed.TotalSeconds;

    /// <summary>The check times: every <see cref="RetrainSettings.CheckEvery"/> after trading starts, before the last bar.</summary>
    public IReadOnlyList<DateTimeOffset> Checks() => _checks.Order().ToArray();

    private static IReadOnlyList<DateTimeOffset> Checks(TradingPlan plan, DateTimeOffset lastBar, RetrainSettings retrain)
    {
        var checks = new List<DateTimeOffset>();
        for (var t = plan.TrainedTo + retrain.CheckEvery; t <= lastBar; t += retrain.CheckEvery) checks.Add(t);
        return checks;
    }

    /// <summary>One check at <paramref name="now"/>; every bar before it has been decided and its trades supervised.</summary>
    public async Task CheckAsync(DateTimeOffset now, CancellationToken cancel)
    {
        if (_slots.Count == 0) return;
        _busy.Start();
        try
        {
            var before = await RegistryAsOf(now.AddTicks(-1), cancel);
            var status = await _supervisor.Ask<SupervisorStatus>(GetSupervisorStatus.Instance, AskTimeout, cancel);
            foreach (var slot in _slots)
            {
                var state = before;
                // After a decision the registry as of now also holds what a first run did next at this check.
                if (state.ShadowTestOf(slot) is { } running && await DecideAsync(running, now, cancel)) state = await RegistryAsOf(now, cancel);
                if (state.ShadowTestOf(slot) is not null || state.AbTestOf(slot) is not null || state.Champion(slot) is null) continue;
                // The first versions count as trained when trading starts: their sidecars end before the hold-out rows.
                var trainedAt = state.VersionsOf(slot).Select(v => v.CreatedAt).Append(_tradingStarts).Max();
                var drift = status.Alarms.Where(a => a.ModelId == slot && a.Severity == DriftSeverity.Drift && a.Time > trainedAt && a.Time < now)
                    .Select(a => (DateTimeOffset?)a.Time).FirstOrDefault();
                if (RetrainPolicy.Trigger(now, trainedAt, drift, _retrain) is { } trigger) await RetrainAsync(slot, trigger, now, cancel);
            }
        }
        finally
        {
            _busy.Stop();
        }
    }

    /// <summary>What the registry's journal holds of retraining at the end of the run.</summary>
    public RetrainingSummary Summarize(ModelRegistryView view)
    {
        var decisions = view.History.OfType<PromotionGateDecided>().Select(d => new GateDecisionEntry(d.Slot, d.Version, d.Champion, d.Time,
            d.Report.Approved, d.Evidence.Challenger.Calls, d.Evidence.Challenger.Accuracy, d.Evidence.Champion.Accuracy, d.Report.Summary)).ToArray();
        var abTests = view.History.OfType<AbTestConcluded>().Select(c => new AbTestEntry(c.Slot, c.Version, c.Champion, c.Time, c.Switch,
            c.ChallengerArm.Trades, c.ChallengerArm.Sharpe, c.ChampionArm.Trades, c.ChampionArm.Sharpe, c.Verdict)).ToArray();
        return new RetrainingSummary(true, view.History.OfType<ShadowTestStarted>().Count(), decisions.Count(d => d.Approved), decisions.Count(d => !d.Approved),
            view.History.OfType<AbTestStarted>().Count(), abTests.Count(a => a.Switch),
            view.History.OfType<VersionPromoted>().Count(p => view.History.Any(e => e is PromotionGateDecided d && d.Slot == p.Slot && d.Version == p.Version)),
            view.Versions.Count(v => v.Status == ModelVersionStatus.Challenger), BusySeconds, decisions, abTests);
    }

    /// <summary>
    /// Before a batch of a resumed run: serves each slot what it served at <paramref name="time"/> in the first run, from
    /// the registry's journal (a change at a check counts from the check's bar on, one that a trade made from the next
    /// bar on). Past the journal's last change the registry's own serving is the first run's.
    /// </summary>
    public void BeforeBatch(DateTimeOffset time)
    {
        if (_journalServed) return;
        var seen = _checks.Contains(time) ? time : time.AddTicks(-1);
        var state = _journaled.AsOf(seen);
        foreach (var slot in _slots)
            if (RegistryServing.Plan(state, slot, _serving) is { } predictor) _serving.Serve(predictor);
        _journalServed = seen >= _journaledUntil;
    }

    /// <summary>The first change of serving the journal holds at or after <paramref name="time"/>, so a batch of a resumed run does not span it.</summary>
    public DateTimeOffset? NextServingChange(DateTimeOffset time) =>
        _journaled.History.Where(e => ChangesServing(e) && e.Time >= time).Select(e => (DateTimeOffset?)e.Time).Min();

    /// <summary>After the replay: serves what the registry holds now.</summary>
    public async Task ServeLatestAsync(CancellationToken cancel)
    {
        var state = await RegistryAsOf(DateTimeOffset.MaxValue, cancel);
        foreach (var slot in _slots)
            if (RegistryServing.Plan(state, slot, _serving) is { } predictor) _serving.Serve(predictor);
    }

    private static bool ChangesServing(RegistryEvent e) => e is VersionPromoted or VersionRolledBack or AbTestStarted or AbTestConcluded;

    /// <summary>Judges the running test when it is due; true when the gate decided.</summary>
    private async Task<bool> DecideAsync(ShadowTestStarted running, DateTimeOffset now, CancellationToken cancel)
    {
        var evidence = Shadow(running, now);
        if (!RetrainPolicy.DecisionDue(evidence.Challenger.Calls, running.Time, now, _retrain)) return false;
        var reply = await _registry.Ask<ModelRegistryReply>(
            new DecideModelPromotion(running.Slot, running.Version, evidence, _retrain.Gate, now, _retrain.AbTest), AskTimeout, cancel);
        if (!reply.Succeeded)
        {
            _observer.Info($"promotion gate on {running.Slot}/{running.Version} not recorded: {reply.Error}");
            return false;
        }
        if (reply.Events.Count > 0) _observer.Info($"{now:O} {reply.Message}");
        if (_opened.Remove(running.Version, out var predictor)) predictor.Dispose();
        return true;
    }

    private async Task RetrainAsync(string slot, string trigger, DateTimeOffset now, CancellationToken cancel)
    {
        var set = TrainingSetAt(now);
        var options = new TreeTrainingOptions { Seed = _settings.Seed };
        var version = TreeTrainer.VersionFor(slot, set, options);
        var sidecar = ModelBootstrap.SidecarPath(_settings.StateDirectory, slot, version);
        if (!File.Exists(sidecar))
        {
            _observer.Info($"{now:O} retraining {slot} on {set.Count} rows: {trigger}");
            TreeTrainer.Train(slot, set, options).Save(ImportedServing.SlotDirectory(_settings.StateDirectory, slot));
        }
        var registered = await _registry.Ask<ModelRegistryReply>(
            LearningDriver.Registration(slot, version, sidecar, now, at: now, promoteIfFirst: false), AskTimeout, cancel);
        if (!registered.Succeeded)
        {
            _observer.Info($"retrained {slot}/{version} not registered: {registered.Error}");
            return;
        }
        var started = await _registry.Ask<ModelRegistryReply>(new StartModelShadowTest(slot, version, trigger, now), AskTimeout, cancel);
        _observer.Info(started.Succeeded ? $"{now:O} {started.Message}" : $"shadow test of {slot}/{version} not started: {started.Error}");
    }

    /// <summary>The rows a retrain at <paramref name="now"/> learns from: each symbol's latest bars before it, as many as its first training had, labelled where the outcome is known.</summary>
    private TreeTrainingSet TrainingSetAt(DateTimeOffset now) =>
        ModelBootstrap.Pool(_symbols.Select(s =>
        {
            var end = s.IndexAt(now);
            var start = Math.Max(0, end - s.TrainingBars);
            return TreeTrainingSet.FromFeatures(s.Rows[start..end], s.Closes[start..end], ModelBootstrap.LabelHorizon);
        }).ToArray());

    /// <summary>Both models' calls on every warm bar in [test start, now) whose label bar is before now, and the challenger's feature drift.</summary>
    private ShadowTestResult Shadow(ShadowTestStarted running, DateTimeOffset now)
    {
        var challenger = Open(running.Slot, running.Version);
        var champion = Open(running.Slot, running.Champion);
        var samples = new List<ShadowSample>();
        var recent = new List<float[]>();
        foreach (var s in _symbols)
        {
            var end = s.IndexAt(now);
            var inputs = new List<(int Index, ModelInput Input)>();
            for (var i = s.IndexAt(running.Time); i + ModelBootstrap.LabelHorizon < end; i++)
                if (s.Rows[i].IsWarm) inputs.Add((i, new ModelInput(s.Symbol, s.Rows[i], [])));
            if (inputs.Count == 0) continue;
            var batch = inputs.Select(x => x.Input).ToArray();
            var byChampion = champion.PredictBatch(batch);
            var byChallenger = challenger.PredictBatch(batch);
            for (var k = 0; k < inputs.Count; k++)
            {
                var i = inputs[k].Index;
                samples.Add(new ShadowSample(s.Symbol, s.Times[i], _regimes.Classify(s.Rows[i]),
                    s.Closes[i + ModelBootstrap.LabelHorizon] > s.Closes[i], byChampion[k].Action, byChallenger[k].Action));
                recent.Add(s.Rows[i].Values.Select(v => (float)v).ToArray());
            }
        }
        var trained = TrainingSetAt(running.Time);
        return ShadowTestResult.Score(samples, FeatureDrift.Score(trained.X, recent, trained.Set.Names), running.Time, now);
    }

    /// <summary>A version's own model, opened from its artifact: the shadow test compares the two versions whatever the slot serves.</summary>
    private OnnxTreePredictor Open(string slot, string version)
    {
        if (_opened.TryGetValue(version, out var open)) return open;
        var predictor = OnnxTreePredictor.Open(ModelBootstrap.SidecarPath(_settings.StateDirectory, slot, version));
        _opened[version] = predictor;
        return predictor;
    }

    private async Task<ModelRegistryState> RegistryAsOf(DateTimeOffset time, CancellationToken cancel) =>
        (await _registry.Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)).ToRegistry().AsOf(time);

    public void Dispose()
    {
        foreach (var p in _opened.Values) p.Dispose();
        _opened.Clear();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
