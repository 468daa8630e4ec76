using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Learning;

/// <summary>Challenger: in a shadow or A/B test. Rejected: the promotion gate or the A/B test turned it down (an operator may still promote it).</summary>
public enum ModelVersionStatus { Registered, Challenger, Champion, Retired, Degraded, Rejected }

/// <summary>The market data a version was trained on.</summary>
public sealed record TrainingRange(DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// One trained version of a slot's model. <see cref="Deleted"/> means its artifact was removed after an approved
/// cleanup; the record itself stays for ever.
/// </summary>
public sealed record ModelVersionRecord(
    string Slot,
    string Version,
    DateTimeOffset CreatedAt,
    TrainingRange TrainingData,
    IReadOnlyDictionary<string, double> Metrics,
    string ArtifactPath,
    long SizeBytes,
    ModelVersionStatus Status = ModelVersionStatus.Registered,
    bool Important = false,
    bool DeletionApproved = false,
    bool Deleted = false)
{
    [JsonIgnore] public string Id => $"{Slot}/{Version}";
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(VersionRegistered), "version-registered")]
[JsonDerivedType(typeof(ShadowTestStarted), "shadow-test-started")]
[JsonDerivedType(typeof(PromotionGateDecided), "promotion-gate-decided")]
[JsonDerivedType(typeof(ErrorsRecorded), "errors-recorded")]
[JsonDerivedType(typeof(RetrainingRequested), "retraining-requested")]
[JsonDerivedType(typeof(AbTestStarted), "ab-test-started")]
[JsonDerivedType(typeof(AbTestConcluded), "ab-test-concluded")]
[JsonDerivedType(typeof(VersionPromoted), "version-promoted")]
[JsonDerivedType(typeof(VersionRolledBack), "version-rolled-back")]
[JsonDerivedType(typeof(VersionMarkedDegraded), "version-marked-degraded")]
[JsonDerivedType(typeof(VersionMarkedImportant), "version-marked-important")]
[JsonDerivedType(typeof(CleanupApproved), "cleanup-approved")]
[JsonDerivedType(typeof(VersionDeleted), "version-deleted")]
[JsonDerivedType(typeof(PromotionAwaitingReview), "promotion-awaiting-review")]
[JsonDerivedType(typeof(PromotionDeclined), "promotion-declined")]
[JsonDerivedType(typeof(MarketDriftChecked), "market-drift-checked")]
[JsonDerivedType(typeof(PromotionReviewOverdue), "promotion-review-overdue")]
public abstract record RegistryEvent(string Slot, string Version, DateTimeOffset Time) : IDomainEvent
{
    /// <summary>
    /// When an operator gave the change, by the wall clock; <see cref="Time"/> is then the market time it serves after
    /// (<see cref="OperatorTime"/>). Null for the registry's own events and for journals older than this field.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? GivenAt { get; init; }

    /// <summary>Who gave the command this event records or follows from (<see cref="Audit.OperatorAccess"/>); null for the registry's own events and older journals.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
}

public sealed record VersionRegistered(ModelVersionRecord Record, DateTimeOffset Time) : RegistryEvent(Record.Slot, Record.Version, Time);
/// <summary>
/// <see cref="Version"/> runs in shadow beside <see cref="Champion"/>, retrained because of <see cref="Trigger"/>; <see cref="Replayed"/>: the
/// buffered errors its training weighted up (seed 004's error replay), cleared from the buffer when it is promoted;
/// <see cref="Answers"/>: the time of the operator's request it was trained for.
/// </summary>
public sealed record ShadowTestStarted(string Slot, string Version, string Champion, string Trigger, DateTimeOffset Time, IReadOnlyList<BarKey>? Replayed = null,
    DateTimeOffset? Answers = null) : RegistryEvent(Slot, Version, Time);
/// <summary>
/// An operator asked for the slot to be retrained (seed 001's manual trigger); <see cref="Version"/> is the champion then.
/// It is pending until a shadow test trained for it starts.
/// </summary>
public sealed record RetrainingRequested(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
/// <summary>A validation run's worst errors of <see cref="Version"/>, added to the slot's error replay buffer of at most <see cref="MaxSize"/>.</summary>
public sealed record ErrorsRecorded(string Slot, string Version, IReadOnlyList<PredictionError> Errors, int MaxSize, DateTimeOffset Time)
    : RegistryEvent(Slot, Version, Time);
/// <summary>The promotion gate's decision on a challenger, with the shadow test it judged; a VersionPromoted follows an approval.</summary>
public sealed record PromotionGateDecided(string Slot, string Version, string Champion, ShadowTestResult Evidence, PromotionGateReport Report, DateTimeOffset Time)
    : RegistryEvent(Slot, Version, Time);
/// <summary><see cref="Version"/> takes a share of the slot's live decisions beside <see cref="Champion"/>: after the gate's approval, or an operator's start.</summary>
public sealed record AbTestStarted(string Slot, string Version, string Champion, AbTestSettings Settings, string Reason, DateTimeOffset Time)
    : RegistryEvent(Slot, Version, Time)
{
    /// <summary>An operator started it by hand, not the gate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ByOperator { get; init; }
}
/// <summary>The A/B test's end: both arms and the verdict; a VersionPromoted follows a switch, a kept champion marks the challenger rejected.</summary>
public sealed record AbTestConcluded(string Slot, string Version, string Champion, ArmStats ChampionArm, ArmStats ChallengerArm, bool Switch, string Verdict,
    DateTimeOffset Time) : RegistryEvent(Slot, Version, Time)
{
    /// <summary>The reason an operator gave for stopping it early; null when it ran its course.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StoppedBecause { get; init; }
}
/// <summary><see cref="Version"/> became the slot's champion, replacing <see cref="PreviousChampion"/> (null for the first).</summary>
public sealed record VersionPromoted(string Slot, string Version, string? PreviousChampion, string Reason, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time)
{
    /// <summary>An operator promoted it by hand, not the gate, an A/B test or a first registration.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ByOperator { get; init; }
}
/// <summary>The champion <see cref="FromVersion"/> was replaced by the earlier <see cref="Version"/>; degraded or retired.</summary>
public sealed record VersionRolledBack(string Slot, string Version, string FromVersion, string Reason, bool MarkedDegraded, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time)
{
    /// <summary>An operator rolled it back by hand, not a circuit breaker.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ByOperator { get; init; }
}
public sealed record VersionMarkedDegraded(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
public sealed record VersionMarkedImportant(string Slot, string Version, bool Important, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
public sealed record CleanupApproved(string Slot, string Version, string ApprovedBy, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
/// <summary>The version's artifact is removed (<see cref="BytesFreed"/>); its record and history stay.</summary>
public sealed record VersionDeleted(string Slot, string Version, long BytesFreed, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
/// <summary>
/// Seed 002's "Switch to new model?": the gate approved <see cref="Version"/>, or it won its A/B test, on a node that
/// does not promote by itself; it stays a challenger, not served, until an operator promotes or declines it.
/// </summary>
public sealed record PromotionAwaitingReview(string Slot, string Version, string Champion, string Recommendation, DateTimeOffset Time)
    : RegistryEvent(Slot, Version, Time);
/// <summary>An operator declined the recommended promotion of <see cref="Version"/>: it is rejected and the champion stays.</summary>
public sealed record PromotionDeclined(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
/// <summary>
/// The promotion of <see cref="Version"/> has awaited an operator's review since <see cref="Since"/>, and the slot is not
/// retrained meanwhile: a reminder, one per reminder period until the review is answered.
/// </summary>
public sealed record PromotionReviewOverdue(string Slot, string Version, DateTimeOffset Since, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time);
/// <summary>
/// Seed 004's drift check of the market a slot's champion (<see cref="Version"/>) serves, against the bars it was trained
/// on and its own calls after them: each symbol's feature, regime and prediction measures (seed 004's drift_monitoring rows).
/// </summary>
public sealed record MarketDriftChecked(string Slot, string Version, IReadOnlyList<DriftMeasure> Measures, DateTimeOffset Time) : RegistryEvent(Slot, Version, Time)
{
    [JsonIgnore] public bool Detected => Measures.Any(m => m.Detected);

    /// <summary>The drifted measures in words, or that none drifted.</summary>
    [JsonIgnore] public string Summary => Detected
        ? string.Join("; ", Measures.Where(m => m.Detected).Select(m => $"{m.Symbol} {m.Kind.ToString().ToLowerInvariant()}: {m.Detail}"))
        : $"no drift: {string.Join(", ", Measures.Select(m => m.Symbol).Distinct())} ({string.Join(", ", Measures.Select(m => m.Kind.ToString().ToLowerInvariant()).Distinct())})";
}

public abstract record RegistryCommand(string Slot, DateTimeOffset Time);

public sealed record RegisterVersion(string Slot, string Version, TrainingRange TrainingData, IReadOnlyDictionary<string, double> Metrics,
    string ArtifactPath, long SizeBytes, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>Starts the shadow test of a registered version against the slot's champion; one test per slot at a time.</summary>
public sealed record StartShadowTest(string Slot, string Version, string Trigger, DateTimeOffset Time, IReadOnlyList<BarKey>? Replayed = null,
    DateTimeOffset? Answers = null) : RegistryCommand(Slot, Time);
/// <summary>An operator's request to retrain the slot at the next retraining check; one pending request per slot.</summary>
public sealed record RequestRetraining(string Slot, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>Adds a validation run's worst errors of <see cref="Version"/> to the slot's buffer; recorded once per version and time.</summary>
public sealed record RecordErrors(string Slot, string Version, IReadOnlyList<PredictionError> Errors, int MaxSize, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>Reminds that the slot's promotion awaiting review has waited <see cref="Every"/> since it began or since the last reminder.</summary>
public sealed record RemindReview(string Slot, TimeSpan Every, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>Journals a drift check of the slot's champion <see cref="Version"/>; recorded once per slot and time.</summary>
public sealed record RecordMarketDrift(string Slot, string Version, IReadOnlyList<DriftMeasure> Measures, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>
/// The promotion gate judges the challenger on its shadow test; an approval promotes it, or with <see cref="AbTest"/>
/// starts an A/B test. A version is judged once.
/// </summary>
/// <see cref="AutoPromote"/> false (seed 002's "never switch models without review"): the approval, or the A/B test's
/// win, awaits an operator's review instead of promoting.
public sealed record DecidePromotion(string Slot, string Version, ShadowTestResult Evidence, PromotionGateSettings Gate, DateTimeOffset Time,
    AbTestSettings? AbTest = null, bool AutoPromote = true) : RegistryCommand(Slot, Time);
/// <summary>An operator declines the promotion that awaits review in the slot; it must say why.</summary>
public sealed record DeclinePromotion(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time);
public sealed record PromoteVersion(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time)
{
    public bool ByOperator { get; init; }
}
/// <summary>
/// Roll the slot back to <see cref="Target"/>, or with null to the most recent earlier champion still usable.
/// <see cref="ExpectedChampion"/>, when given, must still be the champion (a breaker's rollback must not undo a later promotion).
/// </summary>
public sealed record RollBackVersion(string Slot, string? Target, string Reason, bool MarkDegraded, DateTimeOffset Time, string? ExpectedChampion = null)
    : RegistryCommand(Slot, Time)
{
    public bool ByOperator { get; init; }
}
public sealed record MarkDegraded(string Slot, string Version, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time);
public sealed record MarkImportant(string Slot, string Version, bool Important, DateTimeOffset Time) : RegistryCommand(Slot, Time);
public sealed record ApproveCleanup(string Slot, string Version, string ApprovedBy, DateTimeOffset Time) : RegistryCommand(Slot, Time)
{
    /// <summary>Who approves: the name given, or, when it names nobody, the operator who gives the approval (empty when neither is known).</summary>
    public static string ApproverOf(string? approvedBy, string? operatorName) =>
        string.IsNullOrWhiteSpace(approvedBy) ? operatorName ?? "" : approvedBy;
}
/// <summary>An operator's A/B test of a registered version against the champion, without a shadow test or the gate (seed 002's manual start).</summary>
public sealed record StartAbTest(string Slot, string Version, AbTestSettings Settings, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time);
/// <summary>Deletes an artifact whose cleanup was approved; refused for anything else.</summary>
public sealed record DeleteVersion(string Slot, string Version, DateTimeOffset Time) : RegistryCommand(Slot, Time);

/// <summary>A command's outcome: the events to persist, or why it was refused (no events then).</summary>
public sealed record RegistryResult(IReadOnlyList<RegistryEvent> Events, string? Error)
{
    public static RegistryResult Ok(params RegistryEvent[] events) => new(events, null);
    public static RegistryResult Refuse(string error) => new([], error);
    [JsonIgnore] public bool Succeeded => Error is null;
}

/// <summary>
/// Every model version ever registered and the full event history. One champion per slot; promote and roll back are
/// one command each; nothing is ever removed from <see cref="Versions"/> or <see cref="History"/>.
/// </summary>
public sealed record ModelRegistryState(IReadOnlyList<ModelVersionRecord> Versions, IReadOnlyList<RegistryEvent> History)
{
    public static readonly ModelRegistryState Empty = new([], []);

    public ModelVersionRecord? Find(string slot, string version) =>
        Versions.FirstOrDefault(v => v.Slot == slot && v.Version == version);

    public IReadOnlyList<ModelVersionRecord> VersionsOf(string slot) => Versions.Where(v => v.Slot == slot).ToArray();

    public ModelVersionRecord? Champion(string slot) =>
        Versions.FirstOrDefault(v => v.Slot == slot && v.Status == ModelVersionStatus.Champion);

    /// <summary>Which version was the slot's champion at <paramref name="time"/>, from the event history (null before the first promotion).</summary>
    public string? ChampionAt(string slot, DateTimeOffset time) => ChampionAt(History, slot, time);

    public static string? ChampionAt(IEnumerable<RegistryEvent> history, string slot, DateTimeOffset time)
    {
        string? champion = null;
        foreach (var e in history)
        {
            if (e.Slot != slot || e.Time > time) continue;
            if (e is VersionPromoted or VersionRolledBack) champion = e.Version;
        }

        return champion;
    }

    public RegistryResult Process(RegistryCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.Slot)) return RegistryResult.Refuse("slot must not be empty");
        return command switch
        {
            RegisterVersion c => Register(c),
            RollBackVersion c => RollBack(c),
            StartShadowTest c => With(c.Slot, c.Version, v => StartShadow(c, v)),
            RecordErrors c => With(c.Slot, c.Version, _ => Record(c)),
            RecordMarketDrift c => With(c.Slot, c.Version, _ => Record(c)),
            RemindReview c => Remind(c),
            RequestRetraining c => Request(c),
            StartAbTest c => With(c.Slot, c.Version, v => StartAb(c, v)),
            DecidePromotion c => With(c.Slot, c.Version, v => Decide(c, v)),
            DeclinePromotion c => With(c.Slot, c.Version, _ => Decline(c)),
            PromoteVersion c => With(c.Slot, c.Version, v => Promote(c, v)),
            MarkDegraded c => With(c.Slot, c.Version, v => Degrade(c, v)),
            MarkImportant c => With(c.Slot, c.Version, v =>
                v.Important == c.Important ? RegistryResult.Ok() : RegistryResult.Ok(new VersionMarkedImportant(c.Slot, c.Version, c.Important, c.Time))),
            ApproveCleanup c => With(c.Slot, c.Version, v => Approve(c, v)),
            DeleteVersion c => With(c.Slot, c.Version, v => Delete(c, v)),
            _ => RegistryResult.Refuse($"unknown command {command.GetType().Name}"),
        };
    }

    private RegistryResult With(string slot, string version, Func<ModelVersionRecord, RegistryResult> handle) =>
        string.IsNullOrWhiteSpace(version) ? RegistryResult.Refuse("version must not be empty")
        : Find(slot, version) is { } record ? handle(record)
        : RegistryResult.Refuse($"unknown version {slot}/{version}");

    public ModelRegistryState Apply(RegistryEvent e)
    {
        var versions = e switch
        {
            VersionRegistered r => [.. Versions, r.Record],
            ShadowTestStarted => Update(e.Slot, e.Version, v => v with { Status = ModelVersionStatus.Challenger }),
            PromotionGateDecided d => Update(d.Slot, d.Version, v => d.Report.Approved ? v : v with { Status = ModelVersionStatus.Rejected }),
            ErrorsRecorded or RetrainingRequested or MarketDriftChecked or PromotionReviewOverdue => [.. Versions],
            AbTestStarted => Update(e.Slot, e.Version, v => v with { Status = ModelVersionStatus.Challenger }),
            AbTestConcluded c => Update(c.Slot, c.Version, v => c.Switch ? v : v with { Status = ModelVersionStatus.Rejected }),
            VersionPromoted p => Update(p.Slot, p.Version, p.PreviousChampion, v => v with { Status = ModelVersionStatus.Champion, DeletionApproved = false },
                v => v with { Status = ModelVersionStatus.Retired }),
            VersionRolledBack b => Update(b.Slot, b.Version, b.FromVersion, v => v with { Status = ModelVersionStatus.Champion, DeletionApproved = false },
                v => v with { Status = b.MarkedDegraded ? ModelVersionStatus.Degraded : ModelVersionStatus.Retired }),
            VersionMarkedDegraded => Update(e.Slot, e.Version, v => v with { Status = ModelVersionStatus.Degraded }),
            VersionMarkedImportant i => Update(i.Slot, i.Version, v => v with { Important = i.Important, DeletionApproved = v.DeletionApproved && !i.Important }),
            CleanupApproved => Update(e.Slot, e.Version, v => v with { DeletionApproved = true }),
            VersionDeleted => Update(e.Slot, e.Version, v => v with { Deleted = true }),
            PromotionAwaitingReview => [.. Versions],
            PromotionDeclined => Update(e.Slot, e.Version, v => v with { Status = ModelVersionStatus.Rejected }),
            _ => throw new ArgumentException($"Unknown registry event {e.GetType().Name}.", nameof(e)),
        };
        return new ModelRegistryState(versions, [.. History, e]);
    }

    private ModelVersionRecord[] Update(string slot, string version, Func<ModelVersionRecord, ModelVersionRecord> change) =>
        Update(slot, version, null, change, v => v);

    private ModelVersionRecord[] Update(string slot, string version, string? other,
        Func<ModelVersionRecord, ModelVersionRecord> change, Func<ModelVersionRecord, ModelVersionRecord> changeOther) =>
        Versions.Select(v => v.Slot != slot ? v : v.Version == version ? change(v) : v.Version == other ? changeOther(v) : v).ToArray();

    private RegistryResult Register(RegisterVersion c)
    {
        if (string.IsNullOrWhiteSpace(c.Version)) return RegistryResult.Refuse("version must not be empty");
        if (Find(c.Slot, c.Version) is not null) return RegistryResult.Refuse($"version {c.Slot}/{c.Version} is already registered");
        if (c.TrainingData.From > c.TrainingData.To) return RegistryResult.Refuse("training range ends before it starts");
        if (c.SizeBytes < 0) return RegistryResult.Refuse("artifact size must not be negative");
        if (string.IsNullOrWhiteSpace(c.ArtifactPath)) return RegistryResult.Refuse("artifact path must not be empty");
        if (c.Metrics.Values.Any(m => !double.IsFinite(m))) return RegistryResult.Refuse("metrics must be finite numbers");
        var record = new ModelVersionRecord(c.Slot, c.Version, c.Time, c.TrainingData,
            new Dictionary<string, double>(c.Metrics, StringComparer.Ordinal), c.ArtifactPath, c.SizeBytes);
        return RegistryResult.Ok(new VersionRegistered(record, c.Time));
    }

    private static string? Unusable(ModelVersionRecord v) =>
        v.Deleted ? $"version {v.Id} was deleted"
        : v.Status == ModelVersionStatus.Degraded ? $"version {v.Id} is marked degraded"
        : null;

    private RegistryResult StartShadow(StartShadowTest c, ModelVersionRecord v)
    {
        if (History.Any(e => e is ShadowTestStarted s && s.Slot == c.Slot && s.Version == c.Version)) return RegistryResult.Ok();
        if (Unusable(v) is { } why) return RegistryResult.Refuse(why);
        if (v.Status == ModelVersionStatus.Champion) return RegistryResult.Refuse($"version {v.Id} is the champion");
        if (Champion(c.Slot) is not { } champion) return RegistryResult.Refuse($"slot {c.Slot} has no champion to shadow");
        if (ShadowTestOf(c.Slot) is { } running) return RegistryResult.Refuse($"slot {c.Slot} already shadow-tests {running.Version}");
        if (string.IsNullOrWhiteSpace(c.Trigger)) return RegistryResult.Refuse("a shadow test must say what triggered the retraining");
        return RegistryResult.Ok(new ShadowTestStarted(c.Slot, c.Version, champion.Version, c.Trigger, c.Time, c.Replayed is { Count: > 0 } r ? r : null, c.Answers));
    }

    private RegistryResult Request(RequestRetraining c)
    {
        if (string.IsNullOrWhiteSpace(c.Reason)) return RegistryResult.Refuse("a retraining request must say why");
        if (Champion(c.Slot) is not { } champion) return RegistryResult.Refuse($"slot {c.Slot} has no champion to retrain");
        return PendingRetraining(c.Slot) is null ? RegistryResult.Ok(new RetrainingRequested(c.Slot, champion.Version, c.Reason, c.Time)) : RegistryResult.Ok();
    }

    /// <summary>
    /// The slot's request that no shadow test has answered yet (<see cref="ShadowTestStarted.Answers"/>). Requests are
    /// stamped with the operator's clock and a replay's shadow tests with market time, so the stamps do not order them.
    /// </summary>
    public RetrainingRequested? PendingRetraining(string slot)
    {
        RetrainingRequested? pending = null;
        foreach (var e in History)
        {
            if (e.Slot != slot) continue;
            if (e is RetrainingRequested r) pending = r;
            else if (e is ShadowTestStarted s && s.Answers is { } answered && pending?.Time == answered) pending = null;
        }
        return pending;
    }

    private RegistryResult Record(RecordErrors c)
    {
        if (History.Any(e => e is ErrorsRecorded r && r.Slot == c.Slot && r.Version == c.Version && r.Time == c.Time)) return RegistryResult.Ok();
        if (c.MaxSize < 1) return RegistryResult.Refuse($"an error replay buffer of {c.MaxSize} errors holds nothing");
        if (c.Errors.FirstOrDefault(e => e.Symbol.Length == 0 || !(e.Confidence is >= 0 and <= 1) || e.Predicted == TradeAction.Hold) is { } bad)
            return RegistryResult.Refuse($"the error on {bad.Symbol} at {bad.Time:O} is not a wrong call with a confidence in [0, 1]");
        return c.Errors.Count == 0 ? RegistryResult.Ok() : RegistryResult.Ok(new ErrorsRecorded(c.Slot, c.Version, c.Errors, c.MaxSize, c.Time));
    }

    private RegistryResult Record(RecordMarketDrift c)
    {
        if (MarketDriftAt(c.Slot, c.Time) is not null) return RegistryResult.Ok();
        if (c.Measures.Count == 0) return RegistryResult.Refuse("a drift check must hold at least one measure");
        if (c.Measures.FirstOrDefault(m => m.Symbol.Length == 0 || !double.IsFinite(m.Statistic) || !double.IsFinite(m.Threshold) || m.Threshold <= 0) is { } bad)
            return RegistryResult.Refuse($"the {bad.Kind} measure of '{bad.Symbol}' needs a symbol, a finite statistic and a positive threshold");
        return RegistryResult.Ok(new MarketDriftChecked(c.Slot, c.Version, c.Measures, c.Time));
    }

    /// <summary>The slot's drift check at <paramref name="time"/>, or null.</summary>
    public MarketDriftChecked? MarketDriftAt(string slot, DateTimeOffset time) =>
        History.OfType<MarketDriftChecked>().FirstOrDefault(c => c.Slot == slot && c.Time == time);

    /// <summary>Every slot's latest drift check, in slot order.</summary>
    public IReadOnlyList<MarketDriftChecked> LatestMarketDrift() =>
        History.OfType<MarketDriftChecked>().GroupBy(c => c.Slot).Select(g => g.Last()).OrderBy(c => c.Slot, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The slot's error replay buffer from the history: every run's errors added in order, and the errors a promoted
    /// version replayed removed at its promotion (seed 004: cleared after a successful retraining).
    /// </summary>
    public ErrorReplayBuffer ErrorBufferOf(string slot)
    {
        var buffer = ErrorReplayBuffer.Empty;
        foreach (var e in History)
        {
            if (e.Slot != slot) continue;
            if (e is ErrorsRecorded r) buffer = buffer.Add(r.Errors, r.MaxSize);
            else if (e is VersionPromoted p && History.OfType<ShadowTestStarted>().FirstOrDefault(s => s.Slot == slot && s.Version == p.Version)?.Replayed is { } replayed)
                buffer = buffer.Remove(replayed);
        }
        return buffer;
    }

    private RegistryResult Decide(DecidePromotion c, ModelVersionRecord v)
    {
        if (History.Any(e => e is PromotionGateDecided d && d.Slot == c.Slot && d.Version == c.Version)) return RegistryResult.Ok();
        if (v.Status != ModelVersionStatus.Challenger) return RegistryResult.Refuse($"version {v.Id} is not in a shadow test");
        if (c.Gate.Validate() is { } invalid) return RegistryResult.Refuse(invalid);
        var champion = Champion(c.Slot)!;
        var report = PromotionGate.Evaluate(c.Evidence, c.Gate);
        if (c.AbTest?.Validate() is { } invalidAb) return RegistryResult.Refuse(invalidAb);
        var decided = new PromotionGateDecided(c.Slot, c.Version, champion.Version, c.Evidence, report, c.Time);
        if (!report.Approved) return RegistryResult.Ok(decided);
        if (c.AbTest is { } ab)
            return RegistryResult.Ok(decided, new AbTestStarted(c.Slot, c.Version, champion.Version, ab with { AwaitsReview = ab.AwaitsReview || !c.AutoPromote },
                "approved by the promotion gate", c.Time));
        var why = "promotion gate " + report.Summary;
        return RegistryResult.Ok(decided, c.AutoPromote
            ? new VersionPromoted(c.Slot, c.Version, champion.Version, why, c.Time)
            : new PromotionAwaitingReview(c.Slot, c.Version, champion.Version, why, c.Time));
    }

    private RegistryResult Decline(DeclinePromotion c)
    {
        if (AwaitingReview(c.Slot) is not { } awaiting || awaiting.Version != c.Version)
            return RegistryResult.Refuse($"no promotion of {c.Slot}/{c.Version} awaits review" +
                                         (AwaitingReview(c.Slot) is { } other ? $"; {c.Slot}/{other.Version} does" : ""));
        if (string.IsNullOrWhiteSpace(c.Reason)) return RegistryResult.Refuse("declining a promotion must say why");
        return RegistryResult.Ok(new PromotionDeclined(c.Slot, c.Version, c.Reason, c.Time));
    }

    private RegistryResult Remind(RemindReview c)
    {
        if (c.Every <= TimeSpan.Zero) return RegistryResult.Refuse("a review reminder period must be positive");
        return ReviewReminderDue(c.Slot, c.Time, c.Every) is { } waiting
            ? RegistryResult.Ok(new PromotionReviewOverdue(c.Slot, waiting.Version, waiting.Time, c.Time))
            : RegistryResult.Ok();
    }

    /// <summary>
    /// The slot's promotion awaiting review when <paramref name="every"/> has passed at <paramref name="now"/> since it
    /// began to wait or since its last reminder; null when none is due.
    /// </summary>
    public PromotionAwaitingReview? ReviewReminderDue(string slot, DateTimeOffset now, TimeSpan every)
    {
        if (AwaitingReview(slot) is not { } waiting) return null;
        var last = History.OfType<PromotionReviewOverdue>().Where(o => o.Slot == slot && o.Version == waiting.Version).Select(o => o.Time)
            .Append(waiting.Time).Max();
        return now - last >= every ? waiting : null;
    }

    /// <summary>Every slot's promotion that awaits an operator's review, in slot order.</summary>
    public IReadOnlyList<PromotionAwaitingReview> AwaitingReviews() =>
        Versions.Select(v => v.Slot).Distinct().Order(StringComparer.Ordinal).Select(AwaitingReview).OfType<PromotionAwaitingReview>().ToArray();

    /// <summary>The slot's promotion that awaits an operator's review: recommended, and its version neither promoted nor declined since.</summary>
    public PromotionAwaitingReview? AwaitingReview(string slot) =>
        History.OfType<PromotionAwaitingReview>().LastOrDefault(a => a.Slot == slot && Find(slot, a.Version)?.Status == ModelVersionStatus.Challenger
            && AbTestOf(slot)?.Version != a.Version);

    private RegistryResult StartAb(StartAbTest c, ModelVersionRecord v)
    {
        if (Unusable(v) is { } why) return RegistryResult.Refuse(why);
        if (v.Status == ModelVersionStatus.Champion) return RegistryResult.Refuse($"version {v.Id} is the champion");
        if (Champion(c.Slot) is not { } champion) return RegistryResult.Refuse($"slot {c.Slot} has no champion to test against");
        if (ShadowTestOf(c.Slot) is { } shadow) return RegistryResult.Refuse($"slot {c.Slot} shadow-tests {shadow.Version}; wait for the gate's decision");
        if (AbTestOf(c.Slot) is { } running) return RegistryResult.Refuse($"slot {c.Slot} already A/B-tests {running.Version}; stop that test first");
        if (c.Settings.Validate() is { } invalid) return RegistryResult.Refuse(invalid);
        if (string.IsNullOrWhiteSpace(c.Reason)) return RegistryResult.Refuse("an A/B test started by hand must say why");
        return RegistryResult.Ok(new AbTestStarted(c.Slot, c.Version, champion.Version, c.Settings, c.Reason, c.Time) { ByOperator = true });
    }

    /// <summary>The slot's running shadow test: the challenger it started and the gate has not decided yet.</summary>
    public ShadowTestStarted? ShadowTestOf(string slot) =>
        History.OfType<ShadowTestStarted>().LastOrDefault(s => s.Slot == slot && Find(slot, s.Version)?.Status == ModelVersionStatus.Challenger
            && !History.Any(e => e is PromotionGateDecided d && d.Slot == slot && d.Version == s.Version));

    /// <summary>The slot's running A/B test: started, not concluded, and its challenger neither promoted nor rejected since.</summary>
    public AbTestStarted? AbTestOf(string slot) =>
        History.OfType<AbTestStarted>().LastOrDefault(a => a.Slot == slot && Find(slot, a.Version)?.Status == ModelVersionStatus.Challenger
            && !History.Any(e => e is AbTestConcluded c && c.Slot == slot && c.Version == a.Version));

    /// <summary>Ends the slot's A/B test with its arms; a switch promotes the challenger. <paramref name="stoppedBecause"/>: an operator ended it early, with no switch.</summary>
    public RegistryResult ConcludeAbTest(AbTestStarted test, ArmStats championArm, ArmStats challengerArm, DateTimeOffset time, string? stoppedBecause = null)
    {
        var (change, verdict) = AbTestJudge.Judge(championArm, challengerArm, test.Settings);
        if (stoppedBecause is not null) (change, verdict) = (false, $"stopped by an operator: {stoppedBecause}; the arms then: {verdict}");
        var concluded = new AbTestConcluded(test.Slot, test.Version, test.Champion, championArm, challengerArm, change, verdict, time) { StoppedBecause = stoppedBecause };
        if (!change || Champion(test.Slot) is not { } champion) return RegistryResult.Ok(concluded);
        return RegistryResult.Ok(concluded, test.Settings.AwaitsReview
            ? new PromotionAwaitingReview(test.Slot, test.Version, champion.Version, "A/B test " + verdict, time)
            : new VersionPromoted(test.Slot, test.Version, champion.Version, "A/B test " + verdict, time));
    }

    /// <summary>The registry as it stood at <paramref name="time"/>: only the events stamped at or before it.</summary>
    public ModelRegistryState AsOf(DateTimeOffset time) => History.Where(e => e.Time <= time).Aggregate(Empty, (s, e) => s.Apply(e));

    private RegistryResult Promote(PromoteVersion c, ModelVersionRecord v)
    {
        if (Unusable(v) is { } why) return RegistryResult.Refuse(why);
        if (v.Status == ModelVersionStatus.Champion) return RegistryResult.Refuse($"version {v.Id} is already the champion");
        return RegistryResult.Ok(new VersionPromoted(c.Slot, c.Version, Champion(c.Slot)?.Version, c.Reason, c.Time) { ByOperator = c.ByOperator });
    }

    private RegistryResult RollBack(RollBackVersion c)
    {
        if (Champion(c.Slot) is not { } current) return RegistryResult.Refuse($"slot {c.Slot} has no champion to roll back");
        if (c.ExpectedChampion is not null && c.ExpectedChampion != current.Version)
            return RegistryResult.Refuse($"the champion of {c.Slot} is {current.Version}, not {c.ExpectedChampion}");
        var currentIndex = IndexOf(current);
        ModelVersionRecord? target;
        if (c.Target is null)
        {
            target = ChampionSequence(c.Slot).Reverse()
                .Select(id => Find(c.Slot, id)!)
                .FirstOrDefault(v => v.Version != current.Version && Unusable(v) is null && IndexOf(v) < currentIndex);
            if (target is null) return RegistryResult.Refuse($"slot {c.Slot} has no earlier champion to roll back to");
        }
        else
        {
            target = Find(c.Slot, c.Target);
            if (target is null) return RegistryResult.Refuse($"unknown version {c.Slot}/{c.Target}");
            if (Unusable(target) is { } why) return RegistryResult.Refuse(why);
            if (target.Version == current.Version) return RegistryResult.Refuse($"version {target.Id} is already the champion");
            if (IndexOf(target) > currentIndex)
                return RegistryResult.Refuse($"version {target.Id} is newer than the champion {current.Version}; promote it instead");
        }

        return RegistryResult.Ok(new VersionRolledBack(c.Slot, target.Version, current.Version, c.Reason, c.MarkDegraded, c.Time) { ByOperator = c.ByOperator });
    }

    private static RegistryResult Degrade(MarkDegraded c, ModelVersionRecord v) =>
        v.Status == ModelVersionStatus.Champion ? RegistryResult.Refuse($"version {v.Id} is the champion; roll it back with MarkDegraded instead")
        : v.Status == ModelVersionStatus.Degraded ? RegistryResult.Ok()
        : RegistryResult.Ok(new VersionMarkedDegraded(c.Slot, c.Version, c.Reason, c.Time));

    private RegistryResult Approve(ApproveCleanup c, ModelVersionRecord v)
    {
        if (v.Status == ModelVersionStatus.Champion) return RegistryResult.Refuse($"version {v.Id} is the champion and can never be deleted");
        // The next check scores a shadow test's challenger, and a restart serves an A/B test's: both from the artifact.
        if (ShadowTestOf(c.Slot)?.Version == v.Version) return RegistryResult.Refuse($"version {v.Id} is in a running shadow test; wait for the gate's decision");
        if (AbTestOf(c.Slot)?.Version == v.Version) return RegistryResult.Refuse($"version {v.Id} is in a running A/B test; stop it or wait for its verdict");
        if (v.Important) return RegistryResult.Refuse($"version {v.Id} is marked important; unmark it first");
        if (v.Deleted) return RegistryResult.Refuse($"version {v.Id} was already deleted");
        if (string.IsNullOrWhiteSpace(c.ApprovedBy)) return RegistryResult.Refuse("an approval must name who approved it");
        return v.DeletionApproved ? RegistryResult.Ok() : RegistryResult.Ok(new CleanupApproved(c.Slot, c.Version, c.ApprovedBy, c.Time));
    }

    private static RegistryResult Delete(DeleteVersion c, ModelVersionRecord v)
    {
        if (v.Status == ModelVersionStatus.Champion) return RegistryResult.Refuse($"version {v.Id} is the champion and can never be deleted");
        if (v.Deleted) return RegistryResult.Refuse($"version {v.Id} was already deleted");
        if (!v.DeletionApproved) return RegistryResult.Refuse($"deleting {v.Id} needs an approved cleanup first");
        return RegistryResult.Ok(new VersionDeleted(c.Slot, c.Version, v.SizeBytes, c.Time));
    }

    private int IndexOf(ModelVersionRecord v) => Versions.ToList().FindIndex(x => x.Slot == v.Slot && x.Version == v.Version);

    /// <summary>The slot's champions in the order they took over, from the history.</summary>
    private IEnumerable<string> ChampionSequence(string slot) =>
        History.Where(e => e.Slot == slot && e is VersionPromoted or VersionRolledBack).Select(e => e.Version);
}
