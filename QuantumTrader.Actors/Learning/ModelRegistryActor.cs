using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Learning;

/// <summary>
/// The model registry (a cluster singleton): every version with its training range, metrics and artifact, one champion
/// per slot, and the circuit breaker each promotion opens. A change of champion is only recorded once its artifact
/// opens, and is served through <see cref="EnsembleServing"/> right after it is persisted, without a restart. A
/// breaker is fed the slot's attributed trades; its trip rolls back to the previous champion. A retrained version runs
/// in a shadow test and is promoted only when the promotion gate approves it. Deleting an artifact
/// takes an explicit approval. On recovery the champions are served again.
/// </summary>
public sealed class ModelRegistryActor : ReceivePersistentActor
{
    public const string Id = "model-registry";

    private readonly EnsembleServing _serving;
    private readonly CircuitBreakerSettings _breakerSettings;
    private readonly MarketClock _clock;
    private readonly string? _stateDirectory;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<CircuitBreakerTripped> _trips = [];
    private ModelRegistryBook _book = ModelRegistryBook.Empty;

    public ModelRegistryActor(EnsembleServing serving, CircuitBreakerSettings breakerSettings, MarketClock clock, string? stateDirectory)
    {
        _serving = serving;
        _breakerSettings = breakerSettings;
        _clock = clock;
        _stateDirectory = stateDirectory;

        Recover<IDomainEvent>(Apply);
        Recover<RecoveryCompleted>(_ => ServeChampions());
        Command<RegisterModelVersion>(Handle);
        Command<PromoteModelVersion>(c => ByOperator(c, c.Time, time => new PromoteVersion(c.Slot, c.Version, c.Reason, time) { ByOperator = true }));
        Command<RollBackModelVersion>(c => ByOperator(c, c.Time, time => new RollBackVersion(c.Slot, c.Target, c.Reason, c.MarkDegraded, time) { ByOperator = true }));
        Command<StartModelShadowTest>(c => Execute(_book.Process(new StartShadowTest(c.Slot, c.Version, c.Trigger, c.Time, c.Replayed, c.Answers))));
        Command<RequestModelRetraining>(Handle);
        Command<RecordModelErrors>(c => Execute(_book.Process(new RecordErrors(c.Slot, c.Version, c.Errors, c.MaxSize, c.Time))));
        Command<RecordModelMarketDrift>(c => Execute(_book.Process(new RecordMarketDrift(c.Slot, c.Version, c.Measures, c.Time))));
        Command<RemindModelReview>(c => Execute(_book.Process(new RemindReview(c.Slot, c.Every, c.Time))));
        Command<DecideModelPromotion>(c => Execute(_book.Process(new DecidePromotion(c.Slot, c.Version, c.Evidence, c.Gate, c.Time, c.AbTest, c.AutoPromote),
            _breakerSettings)));
        Command<DeclineModelPromotion>(c => ByOperator(c, c.Time, time => new DeclinePromotion(c.Slot, c.Version, c.Reason, time)));
        Command<StartModelAbTest>(c => ByOperator(c, c.Time, time => new StartAbTest(c.Slot, c.Version, c.Settings, c.Reason, time)));
        Command<StopModelAbTest>(c => ByOperator(c, c.Time, time => new StopAbTest(c.Slot, c.Reason, time)));
        Command<MarkModelImportant>(c => ByOperator(c, c.Time, time => new MarkImportant(c.Slot, c.Version, c.Important, time)));
        Command<ApproveModelCleanup>(Handle);
        Command<FeedCircuitBreakers>(Handle);
        Command<GetModelRegistry>(_ => Sender.Tell(new ModelRegistryView(
            _book.Registry.Versions, _book.Registry.History, _book.Breakers.Values.ToArray(), _trips.ToArray())
        {
            DecidedThrough = _clock.DecidedThrough,
            AbTestsRunning = _book.RunningAbTests(),
            AwaitingReview = _book.Registry.AwaitingReviews(),
            MarketDrift = _book.Registry.LatestMarketDrift(),
        }));
    }

    public override string PersistenceId => Id;

    /// <param name="stateDirectory">The node's state directory, whose models folder holds the artifacts (null: as recorded).</param>
    public static Props PropsFor(EnsembleServing serving, MarketClock clock, string? stateDirectory, CircuitBreakerSettings? breakerSettings = null) =>
        Props.Create(() => new ModelRegistryActor(serving, breakerSettings ?? CircuitBreakerSettings.Default, clock, stateDirectory));

    /// <summary>An operator's command, dated by the node's market clock unless the operator gave a time, and marked with the wall clock it came at.</summary>
    private void ByOperator(OperatorMessage given, DateTimeOffset? requested, Func<DateTimeOffset, RegistryCommand> command)
    {
        if (Stamp(requested) is not { } stamp) return;
        Execute(Given(_book.Process(command(stamp.Time), _breakerSettings), given, stamp.GivenAt));
    }

    /// <summary>The command's market time and the wall clock now; null after refusing the sender (a start is deciding its bars).</summary>
    private (DateTimeOffset Time, DateTimeOffset GivenAt)? Stamp(DateTimeOffset? requested)
    {
        var now = DateTimeOffset.UtcNow;
        var stamp = _clock.Stamp(requested, now);
        if (stamp.Time is { } time) return (time, now);
        Refuse(stamp.Refusal!);
        return null;
    }

    /// <summary>The events of an operator's command, marked with who gave it and, when it is dated by market time, the wall clock it came at.</summary>
    private static RegistryBookResult Given(RegistryBookResult result, OperatorMessage given, DateTimeOffset? givenAt) =>
        result with { Events = result.Events.Select(e => e is RegistryEvent r ? r with { GivenAt = givenAt ?? r.GivenAt, Operator = given.Operator } : e).ToArray() };

    private void Handle(RequestModelRetraining c)
    {
        var stamp = _clock.StampRequest(c.Time, DateTimeOffset.UtcNow);
        if (stamp.Time is not { } time)
        {
            Refuse(stamp.Refusal!);
            return;
        }
        Execute(Given(_book.Process(new RequestRetraining(c.Slot, c.Reason, time)), c, null),
            _book.Registry.PendingRetraining(c.Slot) is { } pending ? $"a retraining of {c.Slot} is already pending, requested at {pending.Time:O}: {pending.Reason}" : null);
    }

    private void Handle(RegisterModelVersion c)
    {
        if (_book.Registry.Find(c.Slot, c.Version) is not null)
        {
            Sender.Tell(new ModelRegistryReply(true, null, [], $"{c.Slot}/{c.Version} is already registered"));
            return;
        }

        var registered = _book.Process(new RegisterVersion(c.Slot, c.Version, c.TrainingData, c.Metrics, c.ArtifactPath, c.SizeBytes, c.Time));
        if (!registered.Succeeded || !c.PromoteIfFirst || _book.Registry.Champion(c.Slot) is not null)
        {
            Execute(registered);
            return;
        }

        var promoted = Fold(registered.Events).Process(new PromoteVersion(c.Slot, c.Version, "first version of the slot", c.Time), _breakerSettings);
        Execute(promoted.Succeeded ? new RegistryBookResult([.. registered.Events, .. promoted.Events], null) : registered);
    }

    private void Handle(ApproveModelCleanup c)
    {
        if (Stamp(c.Time) is not { } stamp) return;
        var (time, givenAt) = stamp;
        var approver = ApproveCleanup.ApproverOf(c.ApprovedBy, c.Operator);
        var approved = Given(_book.Process(new ApproveCleanup(c.Slot, c.Version, approver, time)), c, givenAt);
        if (!approved.Succeeded)
        {
            Refuse(approved.Error!);
            return;
        }

        var after = Fold(approved.Events);
        var deleted = Given(after.Process(new DeleteVersion(c.Slot, c.Version, time)), c, givenAt);
        if (!deleted.Succeeded)
        {
            Refuse(deleted.Error!);
            return;
        }

        var record = after.Registry.Find(c.Slot, c.Version)!;
        var removed = new List<string>();
        try
        {
            foreach (var file in ArtifactFiles(record).Where(File.Exists))
            {
                File.Delete(file);
                removed.Add(Path.GetFileName(file));
            }
            if (Directory.Exists(record.ArtifactPath) && !Directory.EnumerateFileSystemEntries(record.ArtifactPath).Any())
            {
                Directory.Delete(record.ArtifactPath);
                removed.Add(Path.GetFileName(record.ArtifactPath) + "/");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Refuse($"cannot delete the artifact of {record.Id}: {ex.Message}");
            return;
        }

        var files = removed.Count == 0 ? "no artifact files were left on disk" : "deleted " + string.Join(", ", removed);
        Execute(new RegistryBookResult([.. approved.Events, .. deleted.Events], null),
            string.Create(CultureInfo.InvariantCulture, $"{record.Id} approved by {approver}: {files}, {record.SizeBytes} bytes freed"));
    }

    private void Handle(FeedCircuitBreakers c)
    {
        var working = _book;
        var events = new List<IDomainEvent>();
        foreach (var trade in c.Trades)
        {
            var (next, produced) = working.Feed(trade, _breakerSettings);
            working = next;
            events.AddRange(produced);
        }

        var sender = Sender;
        var reply = new CircuitBreakersFed(events.OfType<CircuitBreakerTripped>().ToArray(), events.OfType<VersionRolledBack>().ToArray(),
            events.OfType<AbTestConcluded>().ToArray());
        if (events.Count == 0)
        {
            sender.Tell(reply);
            return;
        }

        // A trip or an A/B verdict must be recorded even when an artifact cannot be opened; serving then keeps what it has.
        var predictors = TryPlanServing(events, working, out var error);
        if (error is not null) _log.Error("{0}: automatic change recorded but not served: {1}", PersistenceId, error);
        PersistAll(events, Apply);
        DeferAsync(reply, r =>
        {
            foreach (var p in predictors) _serving.Serve(p);
            sender.Tell(r);
        });
    }

    /// <summary>Persists a command's events and serves a new champion; a champion whose artifact does not open is refused before anything is recorded.</summary>
    private void Execute(RegistryBookResult result, string? message = null)
    {
        if (!result.Succeeded)
        {
            Refuse(result.Error!);
            return;
        }

        var predictors = TryPlanServing(result.Events, Fold(result.Events), out var error);
        if (error is not null)
        {
            Refuse(error);
            return;
        }

        var sender = Sender;
        var registryEvents = result.Events.OfType<RegistryEvent>().ToArray();
        var reply = new ModelRegistryReply(true, null, registryEvents, message ?? Describe(registryEvents));
        if (result.Events.Count == 0)
        {
            sender.Tell(reply);
            return;
        }

        PersistAll(result.Events, Apply);
        DeferAsync(reply, r =>
        {
            foreach (var p in predictors) _serving.Serve(p);
            sender.Tell(r);
        });
    }

    private void Refuse(string error) => Sender.Tell(new ModelRegistryReply(false, error, [], error));

    private void Apply(IDomainEvent e)
    {
        // The journal keeps the path an artifact was written to; a moved or copied state directory serves its own copy.
        if (_stateDirectory is not null && e is VersionRegistered registered)
            e = registered with { Record = RegistryServing.Located(registered.Record, _stateDirectory) };
        _book = _book.Apply(e);
        if (e is CircuitBreakerTripped trip) _trips.Add(trip);
    }

    private ModelRegistryBook Fold(IEnumerable<IDomainEvent> events) => events.Aggregate(_book, (b, e) => b.Apply(e));

    /// <summary>Opens what the slots the events touch must serve next (a new champion, an A/B split or its end), unless serving already has it.</summary>
    private IReadOnlyList<IPredictor> TryPlanServing(IEnumerable<IDomainEvent> events, ModelRegistryBook after, out string? error)
    {
        error = null;
        var slots = events.OfType<RegistryEvent>().Where(e => e is VersionPromoted or VersionRolledBack or AbTestStarted or AbTestConcluded)
            .Select(e => e.Slot).Distinct().ToArray();
        var predictors = new List<IPredictor>();
        foreach (var slot in slots)
        {
            try
            {
                if (RegistryServing.Plan(after.Registry, slot, _serving) is { } p) predictors.Add(p);
            }
            catch (Exception ex)
            {
                error = ex.Message;
                return [];
            }
        }
        return predictors;
    }

    private void ServeChampions()
    {
        foreach (var slot in _book.Registry.Versions.Select(v => v.Slot).Distinct())
        {
            try
            {
                if (RegistryServing.Plan(_book.Registry, slot, _serving) is { } p) _serving.Serve(p);
            }
            catch (Exception ex)
            {
                _log.Error("{0}: the champion is not served: {1}", PersistenceId, ex.Message);
            }
        }
    }

    /// <summary>A tree artifact is its sidecar and the .onnx file beside it; a forecaster's is its directory (manifest and weights).</summary>
    private static IEnumerable<string> ArtifactFiles(ModelVersionRecord record)
    {
        if (Directory.Exists(record.ArtifactPath))
        {
            foreach (var file in Directory.GetFiles(record.ArtifactPath).Order(StringComparer.Ordinal)) yield return file;
            yield break;
        }
        yield return record.ArtifactPath;
        yield return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(record.ArtifactPath)) ?? ".", TreeModelArtifact.OnnxFileName(record.Version));
    }

    private static string Describe(IReadOnlyList<RegistryEvent> events) => events.Count == 0
        ? "nothing to change"
        : string.Join("; ", events.Select(e => e switch
        {
            VersionRegistered r => $"registered {r.Slot}/{r.Version}",
            VersionPromoted p => $"promoted {p.Slot}/{p.Version}" + (p.PreviousChampion is null ? "" : $" over {p.PreviousChampion}"),
            VersionRolledBack b => $"rolled {b.Slot} back from {b.FromVersion} to {b.Version}" + (b.MarkedDegraded ? $", {b.FromVersion} marked degraded" : ""),
            ShadowTestStarted t => $"{t.Slot}/{t.Version} shadow-tests against {t.Champion} ({t.Trigger}" +
                                   (t.Replayed is { Count: > 0 } r ? $"; trained replaying {r.Count} buffered errors)" : ")"),
            RetrainingRequested q => $"retraining of {q.Slot} requested ({q.Reason}); the next retraining check trains a challenger to {q.Version}",
            ErrorsRecorded r => $"{r.Errors.Count} errors of {r.Slot}/{r.Version} added to the error replay buffer",
            MarketDriftChecked m => $"market drift check of {m.Slot}/{m.Version}: {m.Summary}",
            PromotionReviewOverdue o => $"the promotion of {o.Slot}/{o.Version} has awaited review since {o.Since:O}; {o.Slot} is not retrained until it is answered",
            PromotionGateDecided d => $"promotion gate on {d.Slot}/{d.Version}: {d.Report.Summary}",
            AbTestStarted a => $"{a.Slot}/{a.Version} takes {a.Settings.Share:P0} of the slot's decisions in an A/B test against {a.Champion} ({a.Reason})",
            AbTestConcluded c => $"A/B test of {c.Slot}/{c.Version} ended: {c.Verdict}",
            VersionMarkedImportant i => $"{i.Slot}/{i.Version} {(i.Important ? "marked" : "unmarked")} important",
            PromotionAwaitingReview a => $"{a.Slot}/{a.Version} awaits an operator's review: promote it over {a.Champion} or decline it",
            PromotionDeclined d => $"promotion of {d.Slot}/{d.Version} declined ({d.Reason}); it is rejected and the champion stays",
            _ => $"{e.GetType().Name} {e.Slot}/{e.Version}",
        }));
}
