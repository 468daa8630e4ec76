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
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

/// <summary>
/// Continuous retraining of every trained slot during a replay, the tree models and the forecasters alike. At every
/// check (<see cref="RetrainSettings.CheckEvery"/> of market time, once every bar before it is decided) it judges a
/// running shadow test when it is due, and retrains a slot whose training data is <see cref="RetrainSettings.Every"/>
/// old, that raised a drift alarm or a win-rate drop since, or that an operator asked to retrain: a new version on the
/// latest bars (as many per symbol as the first training had), registered and shadow-tested against the champion. The
/// challenger's calls are scored on the bars after its training whose outcome is known by the check; the registry's
/// promotion gate decides and, on approval, promotes and serves it. Every step is in the registry's journal stamped
/// with the check's time, and each check decides from the registry as it stood before that time, so a resumed run
/// repeats the same steps and finds each already done.
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
    private DateTimeOffset? _decidedBefore;
    private DateTimeOffset? _decidedByAll;
    private readonly HashSet<DateTimeOffset> _checks;
    private readonly ModelRegistryState _journaled;
    private readonly DateTimeOffset _journaledUntil;
    private readonly Dictionary<string, IPredictor> _opened = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Symbol, int From, int To), MarketDriftDetector> _detectors = [];
    private readonly Dictionary<(string Version, string Symbol), Dictionary<int, Prediction>> _calls = [];
    private bool _journalServed;

    private RetrainingDriver(IActorRef registry, IActorRef supervisor, EnsembleServing serving, RunSettings settings, RetrainSettings retrain,
        IReadOnlyList<SymbolHistory> symbols, IReadOnlyList<string> slots, DateTimeOffset tradingStarts, IReadOnlyList<DateTimeOffset> checks,
        ModelRegistryState journaled, IRunObserver observer)
    {
        _tradingStarts = tradingStarts;
        _checks = [.. checks];
        _journaled = journaled;
        _journaledUntil = journaled.History.Where(ServingTimeline.ChangesServing).Select(e => e.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
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
        var symbols = data.Bars.GroupBy(b => b.Symbol).Select(g => SymbolHistory.Of(g.Key, g.ToArray(), plan.TradeFrom[g.Key])).ToArray();
        var slots = serving.ModelIds.Where(s => ModelSlots.IsForecaster(s)
            || (TreeTrainer.Supports(s) && ImportedServing.Read(ImportedServing.SlotDirectory(settings.StateDirectory, s)) is null)).ToArray();
        var registryActor = await registry.GetAsync<ModelRegistrySingleton>(cancel);
        var journaled = (await registryActor.Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)).ToRegistry();
        var driver = new RetrainingDriver(registryActor, await registry.GetAsync<ModelSupervisorSingleton>(cancel), serving, settings, retrain, symbols, slots,
            plan.TrainedTo, ServingTimeline.Checks(plan.TrainedTo, data.Bars[^1].Time, retrain.CheckEvery), journaled, observer);
        observer.Info(slots.Length == 0
            ? "retraining: every served slot is imported, nothing to retrain"
            : retrain.Retraining
                ? F($"retraining {string.Join(", ", slots)} every {retrain.Every.TotalHours:0} h of market time or on drift, checked every {retrain.CheckEvery.TotalHours:0} h")
                : F($"retraining off; checking the market's drift for {string.Join(", ", slots)} every {retrain.CheckEvery.TotalHours:0} h of market time"));
        return driver;
    }

    /// <summary>Seconds spent training, shadow-scoring and deciding so far.</summary>
    public double BusySeconds => _busy.Elapsed.TotalSeconds;

    /// <summary>The check times: every <see cref="RetrainSettings.CheckEvery"/> after trading starts, before the last bar.</summary>
    public IReadOnlyList<DateTimeOffset> Checks() => _checks.Order().ToArray();

    /// <summary>
    /// The latest bar any symbol had decided before this start (null: none), after which a request is answered; and the
    /// latest every symbol had (null: none), through which no bar is decided again, so nothing is served for it.
    /// </summary>
    public void Resumes(DateTimeOffset? decidedBefore, DateTimeOffset? decidedByAll)
    {
        _decidedBefore = decidedBefore;
        _decidedByAll = decidedByAll;
    }

    /// <summary>One check at <paramref name="now"/>; every bar before it has been decided and its trades supervised.</summary>
    public async Task CheckAsync(DateTimeOffset now, CancellationToken cancel)
    {
        if (_slots.Count == 0) return;
        // At the journal's last change of serving, what the journal served is set before the check: a change this check
        // makes after a restart (a slot the killed start had not reached yet) is the registry's to serve from here on.
        if (!_journalServed && now >= _journaledUntil)
        {
            if (now > _decidedByAll) ServeJournal(now);
            _journalServed = true;
        }
        _busy.Start();
        try
        {
            var before = await RegistryAsOf(now.AddTicks(-1), cancel);
            // An operator's request carries the operator's clock, not market time: it is read from the latest registry.
            var latest = await RegistryAsOf(DateTimeOffset.MaxValue, cancel);
            var status = await _supervisor.Ask<SupervisorStatus>(GetSupervisorStatus.Instance, AskTimeout, cancel);
            foreach (var slot in _slots)
            {
                var state = before;
                if (!_retrain.Retraining)
                {
                    await CheckMarketAsync(slot, now, state, latest, cancel);
                    continue;
                }
                // After a decision the registry as of now also holds what a first run did next at this check.
                if (state.ShadowTestOf(slot) is { } running && await DecideAsync(running, now, state, latest, cancel)) state = await RegistryAsOf(now, cancel);
                var market = await CheckMarketAsync(slot, now, state, latest, cancel);
                if (_retrain.ReviewReminder is { } every && state.ReviewReminderDue(slot, now, every) is not null) await RemindAsync(slot, every, now, cancel);
                if (state.ShadowTestOf(slot) is not null || state.AbTestOf(slot) is not null || state.AwaitingReview(slot) is not null || state.Champion(slot) is null)
                    continue;
                // The first versions count as trained when trading starts: their sidecars end before the hold-out rows.
                var trainedAt = state.VersionsOf(slot).Select(v => v.CreatedAt).Append(_tradingStarts).Max();
                var drift = status.Alarms.Where(a => a.ModelId == slot && a.Severity == DriftSeverity.Drift && a.Time > trainedAt && a.Time < now)
                    .Select(a => (DateTimeOffset?)a.Time).FirstOrDefault();
                var request = RetrainPolicy.MayAnswerRequest(now, _decidedBefore) ? latest.PendingRetraining(slot) : null;
                var winRateDrop = RetrainPolicy.WinRateDrop(status.Alarms, slot, trainedAt, now);
                if (RetrainPolicy.Trigger(now, trainedAt, drift, _retrain, request, winRateDrop, market, market is null ? null : WindowStart(now)) is { } trigger)
                    await RetrainAsync(slot, trigger, now, state, latest, request?.Time, cancel);
            }
        }
        finally
        {
            _busy.Stop();
        }
    }

    /// <summary>
    /// Seed 004's drift check of the slot's champion at <paramref name="now"/>, journaled in the registry: each symbol's
    /// latest bars against the bars the champion was trained on (features and regimes) and its calls on them against its
    /// calls on the bars after its training (predictions). A symbol is checked once its window lies wholly after the
    /// training, its predictions once it lies after that prediction baseline too. A check a resumed start runs again is
    /// taken from the journal as it stands.
    /// </summary>
    private async Task<MarketDriftChecked?> CheckMarketAsync(string slot, DateTimeOffset now, ModelRegistryState state, ModelRegistryState latest,
        CancellationToken cancel)
    {
        if (_retrain.MarketDrift is not { } settings) return null;
        if (latest.MarketDriftAt(slot, now) is { } journaled) return journaled;
        if (state.Champion(slot) is not { } champion) return null;
        var measures = new List<DriftMeasure>();
        foreach (var s in _symbols)
        {
            var end = s.IndexAt(now);
            var from = s.IndexAt(champion.TrainingData.From);
            var to = s.IndexAt(champion.TrainingData.To.AddTicks(1));
            if (end - settings.Needed < to || to - from < 2 * settings.Window) continue;
            var recent = s.Rows[(end - settings.Needed)..end];
            if (!recent[0].IsWarm) continue;
            var key = (s.Symbol, from, to);
            if (!_detectors.TryGetValue(key, out var detector))
                _detectors[key] = detector = MarketDriftDetector.Of(s.Symbol, s.Rows[from..to], settings);
            measures.Add(detector.CheckFeatures(recent));
            measures.Add(detector.CheckRegimes(recent));
            if (end - settings.Needed >= to + settings.PredictionBaselineBars)
            {
                var model = Open(slot, champion.Version, state);
                measures.Add(MarketDriftDetector.CheckPredictions(s.Symbol, Calls(model, s, to, to + settings.PredictionBaselineBars),
                    Calls(model, s, end - settings.Needed, end), settings));
            }
        }
        if (measures.Count == 0) return null;
        var reply = await _registry.Ask<ModelRegistryReply>(new RecordModelMarketDrift(slot, champion.Version, measures, now), AskTimeout, cancel);
        if (!reply.Succeeded)
        {
            _observer.Info($"drift check of {slot}/{champion.Version} not recorded: {reply.Error}");
            return null;
        }
        var check = reply.Events.OfType<MarketDriftChecked>().Single();
        if (check.Detected) _observer.Info($"{now:O} market drift for {slot}/{champion.Version}: {check.Summary}");
        return check;
    }

    private async Task RemindAsync(string slot, TimeSpan every, DateTimeOffset now, CancellationToken cancel)
    {
        var reply = await _registry.Ask<ModelRegistryReply>(new RemindModelReview(slot, every, now), AskTimeout, cancel);
        _observer.Info(reply.Succeeded ? $"{now:O} {reply.Message}" : $"review reminder of {slot} not recorded: {reply.Error}");
    }

    /// <summary>The model's calls on bars [<paramref name="from"/>, <paramref name="to"/>) of the symbol, each made once per version.</summary>
    private IReadOnlyList<Prediction> Calls(IPredictor model, SymbolHistory s, int from, int to)
    {
        var key = (model.Version, s.Symbol);
        if (!_calls.TryGetValue(key, out var made)) _calls[key] = made = [];
        var missing = Enumerable.Range(from, to - from).Where(i => !made.ContainsKey(i)).ToArray();
        if (missing.Length > 0)
        {
            var predicted = model.PredictBatch(missing.Select(i => s.InputAt(i)).ToArray());
            for (var k = 0; k < missing.Length; k++) made[missing[k]] = predicted[k];
        }
        return Enumerable.Range(from, to - from).Select(i => made[i]).ToArray();
    }

    /// <summary>The first bar of the earliest symbol's drift window at <paramref name="now"/>.</summary>
    private DateTimeOffset WindowStart(DateTimeOffset now) =>
        _symbols.Select(s => s.Times[Math.Max(0, s.IndexAt(now) - _retrain.MarketDrift!.Needed)]).Min();

    /// <summary>What the registry's journal holds of retraining at the end of the run.</summary>
    public RetrainingSummary Summarize(ModelRegistryView view)
    {
        var decisions = view.History.OfType<PromotionGateDecided>().Select(d => new GateDecisionEntry(d.Slot, d.Version, d.Champion, d.Time,
            d.Report.Approved, d.Evidence.Challenger.Calls, d.Evidence.Challenger.Accuracy, d.Evidence.Champion.Accuracy, d.Report.Summary)).ToArray();
        var abTests = view.History.OfType<AbTestConcluded>().Select(c => new AbTestEntry(c.Slot, c.Version, c.Champion, c.Time, c.Switch,
            c.ChallengerArm.Trades, c.ChallengerArm.Sharpe, c.ChampionArm.Trades, c.ChampionArm.Sharpe, c.Verdict)).ToArray();
        var checks = view.History.OfType<MarketDriftChecked>().ToArray();
        return new RetrainingSummary(_retrain.Retraining, view.History.OfType<ShadowTestStarted>().Count(), decisions.Count(d => d.Approved), decisions.Count(d => !d.Approved),
            view.History.OfType<AbTestStarted>().Count(), abTests.Count(a => a.Switch),
            view.History.OfType<VersionPromoted>().Count(p => view.History.Any(e => e is PromotionGateDecided d && d.Slot == p.Slot && d.Version == p.Version)),
            view.Versions.Count(v => v.Status == ModelVersionStatus.Challenger), BusySeconds, decisions, abTests)
        {
            ErrorReplay = SummarizeErrorReplay(view), DriftChecks = checks.Length, DriftFound = checks.Count(c => c.Detected),
        };
    }

    private ErrorReplaySummary SummarizeErrorReplay(ModelRegistryView view)
    {
        if (_retrain.ErrorReplay is null) return ErrorReplaySummary.Off;
        var registry = view.ToRegistry();
        var recorded = view.History.OfType<ErrorsRecorded>().ToArray();
        var replaying = view.History.OfType<ShadowTestStarted>().Where(s => s.Replayed is { Count: > 0 }).ToArray();
        var repeat = view.History.OfType<PromotionGateDecided>().Select(d => d.Evidence.Replayed).OfType<CallAccuracy>().ToArray();
        return new ErrorReplaySummary(true, recorded.Length, recorded.Sum(r => r.Errors.Count), replaying.Length, replaying.Sum(s => s.Replayed!.Count),
            view.History.OfType<VersionPromoted>().Count(p => replaying.Any(s => s.Slot == p.Slot && s.Version == p.Version)),
            _slots.Where(TreeTrainer.Supports).ToDictionary(slot => slot, slot => registry.ErrorBufferOf(slot).Stats()),
            repeat.Sum(c => c.Calls), repeat.Sum(c => c.Calls - c.Correct));
    }

    /// <summary>
    /// Before a batch of a resumed run: serves each slot what it served at <paramref name="time"/> in the first run, from
    /// the registry's journal (a change at a check counts from the check's bar on, one that a trade made from the next
    /// bar on). Past the journal's last change the registry's own serving is the first run's.
    /// </summary>
    public void BeforeBatch(DateTimeOffset time)
    {
        // Every symbol decided these bars before: they are skipped, and a version served then may have been deleted since.
        if (_journalServed || time <= _decidedByAll) return;
        ServeJournal(_checks.Contains(time) ? time : time.AddTicks(-1));
    }

    private void ServeJournal(DateTimeOffset seen)
    {
        var state = _journaled.AsOf(seen);
        foreach (var slot in _slots)
            if (RegistryServing.Plan(state, slot, _serving) is { } predictor) _serving.Serve(predictor);
        _journalServed = seen >= _journaledUntil;
    }

    /// <summary>The first change of serving the journal holds at or after <paramref name="time"/>, so a batch of a resumed run does not span it.</summary>
    public DateTimeOffset? NextServingChange(DateTimeOffset time) =>
        _journaled.History.Where(e => ServingTimeline.ChangesServing(e) && e.Time >= time).Select(e => (DateTimeOffset?)e.Time)
            .Append(time <= _decidedByAll ? _decidedByAll : null).Min();

    /// <summary>After the replay: serves what the registry holds now.</summary>
    public async Task ServeLatestAsync(CancellationToken cancel)
    {
        var state = await RegistryAsOf(DateTimeOffset.MaxValue, cancel);
        foreach (var slot in _slots)
            if (RegistryServing.Plan(state, slot, _serving) is { } predictor) _serving.Serve(predictor);
    }

    /// <summary>
    /// Judges the running test when it is due; true when the gate decided. The champion's most confident wrong calls in
    /// the judged window then go to the slot's error replay buffer. A check a resumed start runs again finds the gate's
    /// decision in the journal (<paramref name="latest"/>) and takes it as it is, without opening the versions, whose
    /// artifacts an approved cleanup may have deleted since.
    /// </summary>
    private async Task<bool> DecideAsync(ShadowTestStarted running, DateTimeOffset now, ModelRegistryState registry, ModelRegistryState latest,
        CancellationToken cancel)
    {
        if (latest.History.OfType<PromotionGateDecided>().FirstOrDefault(d => d.Slot == running.Slot && d.Version == running.Version) is { } journaled)
        {
            // A start killed between the decision and the errors it leaves for replay records them when it runs this check again.
            if (journaled.Time == now && ErrorsDue(running.Slot) && !latest.History.OfType<ErrorsRecorded>().Any(e => e.Slot == running.Slot && e.Time == now)
                && latest.Find(running.Slot, running.Version) is { Deleted: false } && latest.Find(running.Slot, running.Champion) is { Deleted: false })
                await RecordErrorsAsync(running, Shadow(running, now, registry).ChampionCalls, now, cancel);
            return journaled.Time == now;
        }
        var (evidence, championCalls) = Shadow(running, now, registry);
        if (!RetrainPolicy.DecisionDue(evidence.Challenger.Calls, running.Time, now, _retrain)) return false;
        var reply = await _registry.Ask<ModelRegistryReply>(
            new DecideModelPromotion(running.Slot, running.Version, evidence, _retrain.Gate, now, _retrain.AbTest, _retrain.AutoPromote), AskTimeout, cancel);
        if (!reply.Succeeded)
        {
            _observer.Info($"promotion gate on {running.Slot}/{running.Version} not recorded: {reply.Error}");
            return false;
        }
        if (reply.Events.Count > 0) _observer.Info($"{now:O} {reply.Message}");
        if (_opened.Remove(running.Version, out var predictor)) (predictor as IDisposable)?.Dispose();
        if (ErrorsDue(running.Slot)) await RecordErrorsAsync(running, championCalls, now, cancel);
        return true;
    }

    /// <summary>A forecaster learns returns, not the calls' labels, so it has no errors to replay.</summary>
    private bool ErrorsDue(string slot) => _retrain.ErrorReplay is not null && TreeTrainer.Supports(slot);

    private async Task RecordErrorsAsync(ShadowTestStarted running, IReadOnlyList<ScoredCall> championCalls, DateTimeOffset now, CancellationToken cancel)
    {
        var replay = _retrain.ErrorReplay!;
        var errors = ErrorReplayBuffer.Worst(championCalls, running.Champion, replay.PerRun);
        var recorded = await _registry.Ask<ModelRegistryReply>(
            new RecordModelErrors(running.Slot, running.Champion, errors, replay.MaxSize, now), AskTimeout, cancel);
        if (!recorded.Succeeded) _observer.Info($"errors of {running.Slot}/{running.Champion} not recorded: {recorded.Error}");
    }

    /// <summary>
    /// Trains a challenger on the latest rows, weighting up the slot's buffered errors (seed 004), and starts its shadow
    /// test. A version the journal (<paramref name="latest"/>) holds as deleted by an approved cleanup was trained, tested
    /// and judged by an earlier start: it is not trained and written again.
    /// </summary>
    private async Task RetrainAsync(string slot, string trigger, DateTimeOffset now, ModelRegistryState state, ModelRegistryState latest,
        DateTimeOffset? answers, CancellationToken cancel)
    {
        if (ModelSlots.IsForecaster(slot))
        {
            await RetrainForecasterAsync(slot, trigger, now, latest, answers, cancel);
            return;
        }
        var set = TrainingSetAt(now);
        IReadOnlyList<BarKey> replayed = [];
        if (_retrain.ErrorReplay is { } replay && state.ErrorBufferOf(slot).ForReplay(set.Count, replay.MaxShare) is { Count: > 0 } errors)
        {
            replayed = errors.Select(e => e.Key).ToArray();
            set = TrainingSetAt(now, replayed, (float)replay.Weight);
        }
        var options = new TreeTrainingOptions { Seed = _settings.Seed };
        var version = TreeTrainer.VersionFor(slot, set, options);
        if (latest.Find(slot, version) is { Deleted: true }) return;
        var sidecar = ModelBootstrap.SidecarPath(_settings.StateDirectory, slot, version);
        if (!File.Exists(sidecar))
        {
            _observer.Info($"{now:O} retraining {slot} on {set.Count} rows{(replayed.Count > 0 ? $", {replayed.Count} buffered errors weighted up" : "")}: {trigger}");
            TreeTrainer.Train(slot, set, options).Save(ImportedServing.SlotDirectory(_settings.StateDirectory, slot));
        }
        var registered = await _registry.Ask<ModelRegistryReply>(
            LearningDriver.Registration(slot, version, sidecar, now, at: now, promoteIfFirst: false), AskTimeout, cancel);
        if (!registered.Succeeded)
        {
            _observer.Info($"retrained {slot}/{version} not registered: {registered.Error}");
            return;
        }
        await StartShadowTestAsync(slot, version, trigger, now, replayed, answers, cancel);
    }

    /// <summary>
    /// Trains a forecaster on each symbol's latest closes before <paramref name="now"/>, as many as its first training had,
    /// with the first training's options, and starts its shadow test.
    /// </summary>
    private async Task RetrainForecasterAsync(string slot, string trigger, DateTimeOffset now, ModelRegistryState latest, DateTimeOffset? answers,
        CancellationToken cancel)
    {
        var windows = _symbols.Select(s => (s, End: s.IndexAt(now))).Select(x => (x.s, Start: Math.Max(0, x.End - x.s.TrainingBars), x.End)).ToArray();
        var closes = windows.OrderBy(w => w.s.Symbol, StringComparer.Ordinal).Select(w => w.s.Closes[w.Start..w.End]).ToArray();
        var from = windows.Min(w => w.s.Times[w.Start]);
        var to = windows.Max(w => w.s.Times[w.End - 1]);
        var training = ForecastBootstrap.TrainingFor(_settings.Seed);
        var key = ForecastBootstrap.ArtifactKey(slot, closes, to, training);
        if (latest.VersionsOf(slot).Any(v => v.Deleted && Path.GetFileName(v.ArtifactPath) == key)) return;
        var (predictor, directory, _) = ForecastBootstrap.LoadOrTrain(slot, closes, to, _settings.StateDirectory, training,
            message => _observer.Info($"{now:O} {message}"));
        var registration = new ForecastRegistration(slot, predictor.Version, directory, predictor.Manifest, from, to);
        if (_opened.Remove(predictor.Version, out var stale)) (stale as IDisposable)?.Dispose();
        _opened[predictor.Version] = predictor;
        var registered = await _registry.Ask<ModelRegistryReply>(registration.Command(at: now, promoteIfFirst: false), AskTimeout, cancel);
        if (!registered.Succeeded)
        {
            _observer.Info($"retrained {slot}/{predictor.Version} not registered: {registered.Error}");
            return;
        }
        await StartShadowTestAsync(slot, predictor.Version, trigger, now, [], answers, cancel);
    }

    private async Task StartShadowTestAsync(
        string slot, string version, string trigger, DateTimeOffset now, IReadOnlyList<BarKey> replayed, DateTimeOffset? answers, CancellationToken cancel)
    {
        var started = await _registry.Ask<ModelRegistryReply>(new StartModelShadowTest(slot, version, trigger, now, replayed, answers), AskTimeout, cancel);
        _observer.Info(started.Succeeded ? $"{now:O} {started.Message}" : $"shadow test of {slot}/{version} not started: {started.Error}");
    }

    /// <summary>
    /// The rows a retrain at <paramref name="now"/> learns from: each symbol's latest bars before it, as many as its first
    /// training had, labelled where the outcome is known. The <paramref name="replayed"/> bars weigh <paramref name="weight"/>;
    /// those older than the window are added to it.
    /// </summary>
    private TreeTrainingSet TrainingSetAt(DateTimeOffset now, IReadOnlyList<BarKey>? replayed = null, float weight = 1) =>
        ModelBootstrap.Pool(_symbols.SelectMany(s =>
        {
            var end = s.IndexAt(now);
            var start = Math.Max(0, end - s.TrainingBars);
            var window = TreeTrainingSet.FromFeatures(s.Rows[start..end], s.Closes[start..end], ModelBootstrap.LabelHorizon);
            var bars = replayed?.Where(k => k.Symbol == s.Symbol).Select(k => k.Time).ToHashSet() ?? [];
            if (bars.Count == 0) return [window];
            var older = bars.Select(t => Array.BinarySearch(s.Times, t)).Where(i => i >= 0 && i < start && i + ModelBootstrap.LabelHorizon < end)
                .Select(i => Labelled(s, i)).Where(row => row.Count == 1).Select(row => row with { Weights = [weight] });
            return older.Prepend(window with { Weights = window.Times!.Select(t => bars.Contains(t) ? weight : 1f).ToArray() });
        }).ToArray());

    /// <summary>The one labelled row of bar <paramref name="i"/> (none when the bar is not warm).</summary>
    private static TreeTrainingSet Labelled(SymbolHistory s, int i) =>
        TreeTrainingSet.FromFeatures(s.Rows[i..(i + ModelBootstrap.LabelHorizon + 1)], s.Closes[i..(i + ModelBootstrap.LabelHorizon + 1)], ModelBootstrap.LabelHorizon);

    /// <summary>
    /// Both models' calls on every warm bar in [test start, now) whose label bar is before now, the drift of those bars from
    /// the challenger's training bars and its calls on the errors it replayed; with the champion's calls and their confidence.
    /// </summary>
    private (ShadowTestResult Evidence, IReadOnlyList<ScoredCall> ChampionCalls) Shadow(ShadowTestStarted running, DateTimeOffset now, ModelRegistryState registry)
    {
        var challenger = Open(running.Slot, running.Version, registry);
        var champion = Open(running.Slot, running.Champion, registry);
        var samples = new List<ShadowSample>();
        var championCalls = new List<ScoredCall>();
        var trainedOn = registry.Find(running.Slot, running.Version)?.TrainingData
                        ?? throw new InvalidOperationException($"{running.Slot}/{running.Version} is not in the registry");
        var rows = new List<(string, IReadOnlyList<FeatureVector>, IReadOnlyList<FeatureVector>)>();
        foreach (var s in _symbols)
        {
            var end = s.IndexAt(now);
            var inputs = new List<(int Index, ModelInput Input)>();
            for (var i = s.IndexAt(running.Time); i + ModelBootstrap.LabelHorizon < end; i++)
                if (s.Rows[i].IsWarm) inputs.Add((i, s.InputAt(i)));
            if (inputs.Count == 0) continue;
            var batch = inputs.Select(x => x.Input).ToArray();
            var byChampion = champion.PredictBatch(batch);
            var byChallenger = challenger.PredictBatch(batch);
            for (var k = 0; k < inputs.Count; k++)
            {
                var i = inputs[k].Index;
                var regime = _regimes.Classify(s.Rows[i]);
                var up = s.Up(i);
                samples.Add(new ShadowSample(s.Symbol, s.Times[i], regime, up, byChampion[k].Action, byChallenger[k].Action));
                championCalls.Add(new ScoredCall(s.Symbol, s.Times[i], regime, up, byChampion[k].Action, byChampion[k].Confidence));
            }
            rows.Add((s.Symbol, s.Rows[s.IndexAt(trainedOn.From)..s.IndexAt(trainedOn.To.AddTicks(1))], inputs.Select(x => s.Rows[x.Index]).ToArray()));
        }
        var drift = MarketDriftDetector.ShadowDrift(rows, _retrain.Gate.MaxDrift, _retrain.MarketDrift ?? MarketDriftSettings.Seed);
        var evidence = ShadowTestResult.Score(samples, drift, running.Time, now);
        return (running.Replayed is { } replayed ? evidence with { Replayed = CallsOn(challenger, replayed) } : evidence, championCalls);
    }

    /// <summary>The model's directional calls on the given bars, scored against their outcome.</summary>
    private CallAccuracy CallsOn(IPredictor model, IReadOnlyList<BarKey> bars)
    {
        var scored = CallAccuracy.None;
        foreach (var s in _symbols)
        {
            var indices = bars.Where(k => k.Symbol == s.Symbol).Select(k => Array.BinarySearch(s.Times, k.Time))
                .Where(i => i >= 0 && i + ModelBootstrap.LabelHorizon < s.Times.Length && s.Rows[i].IsWarm).Order().ToArray();
            if (indices.Length == 0) continue;
            var calls = model.PredictBatch(indices.Select(i => s.InputAt(i)).ToArray());
            for (var k = 0; k < indices.Length; k++) scored = scored.Add(calls[k].Action, s.Up(indices[k]));
        }
        return scored;
    }

    /// <summary>A version's own model, opened from its artifact: the shadow test compares the two versions whatever the slot serves.</summary>
    private IPredictor Open(string slot, string version, ModelRegistryState registry)
    {
        if (_opened.TryGetValue(version, out var open)) return open;
        var predictor = ModelSlots.IsForecaster(slot)
            ? ForecastPredictor.Open(slot, registry.Find(slot, version)?.ArtifactPath ?? throw new InvalidOperationException($"{slot}/{version} is not in the registry"))
            : (IPredictor)OnnxTreePredictor.Open(ModelBootstrap.SidecarPath(_settings.StateDirectory, slot, version));
        _opened[version] = predictor;
        return predictor;
    }

    private async Task<ModelRegistryState> RegistryAsOf(DateTimeOffset time, CancellationToken cancel) =>
        (await _registry.Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)).ToRegistry().AsOf(time);

    public void Dispose()
    {
        foreach (var p in _opened.Values) (p as IDisposable)?.Dispose();
        _opened.Clear();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
