using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Protocol;

/// <summary>
/// Closed trades for the model supervisor, from the replay driver right after the bar that closed them or from the trade
/// feed; applied once per trade id. <paramref name="ReplyWhenDurable"/> false is for a sender that hands every journaled
/// trade over again at its next start (the replay driver): it gets the decision at once, written in the background.
/// </summary>
public sealed record SuperviseClosedTrades(IReadOnlyList<ClosedTrade> Trades, bool ReplyWhenDurable = true) : IProtocolMessage;

/// <summary>
/// What the supervisor decided: trades newly applied, duplicates ignored, alarms raised, weight decisions (rebalanced
/// or refused) and the weights in force now, changed last at <paramref name="WeightsAsOf"/> (null: never). Everything
/// it reports is journaled before this reply unless the request said otherwise.
/// </summary>
public sealed record SupervisionResult(
    int Applied,
    int Duplicates,
    IReadOnlyList<ModelDriftDetected> Alarms,
    IReadOnlyList<WeightsEvent> WeightDecisions,
    IReadOnlyDictionary<string, double> Weights,
    DateTimeOffset? WeightsAsOf) : IProtocolMessage;

/// <summary>An explicit weight set (an operator's); refused and recorded as such unless finite, non-negative and summing to 1 for every model.</summary>
public sealed record ProposeEnsembleWeights(
    IReadOnlyDictionary<string, double> Overall,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ByRegime,
    string Reason,
    DateTimeOffset Time) : IProtocolMessage;

/// <summary>Answered once everything the supervisor decided so far is journaled.</summary>
public sealed record GetSupervisorStatus : IProtocolMessage
{
    public static readonly GetSupervisorStatus Instance = new();
}

/// <summary>The supervisor's record: its starting weights, the weights now, every alarm and weight decision, each model's recent statistics.</summary>
public sealed record SupervisorStatus(
    long TradesSupervised,
    long AttributedTrades,
    IReadOnlyDictionary<string, double> InitialWeights,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> WeightsByRegime,
    DateTimeOffset? WeightsAsOf,
    IReadOnlyList<ModelDriftDetected> Alarms,
    IReadOnlyList<WeightsEvent> WeightHistory,
    IReadOnlyList<ModelTradeStats> Models) : IProtocolMessage;

public sealed record ModelSupervisorSnapshot(ModelSupervisorState State, IReadOnlyList<string> AppliedTradeIds) : IProtocolMessage;

/// <summary>Registers a trained version; with <paramref name="PromoteIfFirst"/> a slot without a champion gets it as its first.</summary>
public sealed record RegisterModelVersion(
    string Slot, string Version, TrainingRange TrainingData, IReadOnlyDictionary<string, double> Metrics, string ArtifactPath, long SizeBytes,
    DateTimeOffset Time, bool PromoteIfFirst) : IProtocolMessage;

/// <summary>
/// Makes the version the slot's champion and serves it at once; a circuit breaker then watches it. <paramref name="Time"/>
/// null: the node dates it by market time (<see cref="Models.Learning.OperatorTime"/>), as every operator's change of serving.
/// </summary>
public sealed record PromoteModelVersion(string Slot, string Version, string Reason, DateTimeOffset? Time) : OperatorMessage;

/// <summary>Back to <paramref name="Target"/>, or with null to the last earlier champion still usable; served at once.</summary>
public sealed record RollBackModelVersion(string Slot, string? Target, string Reason, bool MarkDegraded, DateTimeOffset? Time) : OperatorMessage;

/// <summary>
/// Starts the shadow test of a registered version against the slot's champion (what triggered its training in <paramref name="Trigger"/>;
/// the buffered errors its training replayed in <paramref name="Replayed"/>, the operator's request it answers in <paramref name="Answers"/>).
/// </summary>
public sealed record StartModelShadowTest(string Slot, string Version, string Trigger, DateTimeOffset Time, IReadOnlyList<BarKey>? Replayed = null,
    DateTimeOffset? Answers = null) : IProtocolMessage;

/// <summary>
/// An operator's request to retrain the slot at the next retraining check of the run or node (seed 001's manual trigger);
/// <paramref name="Time"/> null: now by the wall clock (<see cref="Models.Learning.OperatorTime.StampRequest"/>).
/// </summary>
public sealed record RequestModelRetraining(string Slot, string Reason, DateTimeOffset? Time) : OperatorMessage;

/// <summary>A validation run's worst errors of <paramref name="Version"/> for the slot's error replay buffer (seed 004).</summary>
public sealed record RecordModelErrors(string Slot, string Version, IReadOnlyList<PredictionError> Errors, int MaxSize, DateTimeOffset Time) : IProtocolMessage;

/// <summary>Reminds of the slot's promotion awaiting review once <paramref name="Every"/> has passed since it began to wait or since the last reminder.</summary>
public sealed record RemindModelReview(string Slot, TimeSpan Every, DateTimeOffset Time) : IProtocolMessage;

/// <summary>A drift check of the market the slot's champion <paramref name="Version"/> serves (seed 004), to journal once per slot and time.</summary>
public sealed record RecordModelMarketDrift(string Slot, string Version, IReadOnlyList<DriftMeasure> Measures, DateTimeOffset Time) : IProtocolMessage;

/// <summary>
/// The promotion gate judges the challenger on <paramref name="Evidence"/>; an approval promotes and serves it at once, or with
/// <paramref name="AbTest"/> starts an A/B test that serves it a share of the slot's decisions.
/// </summary>
public sealed record DecideModelPromotion(string Slot, string Version, ShadowTestResult Evidence, PromotionGateSettings Gate, DateTimeOffset Time,
    AbTestSettings? AbTest = null, bool AutoPromote = true) : IProtocolMessage;

/// <summary>An operator declines the promotion that awaits review (seed 002's "Switch?" answered no): the version is rejected, with the reason.</summary>
public sealed record DeclineModelPromotion(string Slot, string Version, string Reason, DateTimeOffset? Time) : OperatorMessage;

/// <summary>An operator's A/B test: <paramref name="Version"/> takes <see cref="AbTestSettings.Share"/> of the slot's decisions against the champion, served at once.</summary>
public sealed record StartModelAbTest(string Slot, string Version, AbTestSettings Settings, string Reason, DateTimeOffset? Time) : OperatorMessage;

/// <summary>An operator ends the slot's A/B test now, without a switch; the slot serves its champion alone at once.</summary>
public sealed record StopModelAbTest(string Slot, string Reason, DateTimeOffset? Time) : OperatorMessage;

/// <summary>Keeps a version whatever the cleanup rules say; <paramref name="Time"/> null: dated by the node's market time, as every operator's registry command.</summary>
public sealed record MarkModelImportant(string Slot, string Version, bool Important, DateTimeOffset? Time) : OperatorMessage;

/// <summary>
/// The explicit approval that deletes a version's artifact files; refused for the champion, an important version or the
/// breaker's rollback target. <paramref name="ApprovedBy"/> empty: the operator who gives it approves.
/// </summary>
public sealed record ApproveModelCleanup(string Slot, string Version, string ApprovedBy, DateTimeOffset? Time) : OperatorMessage;

/// <summary>A registry command's outcome: the registry events it persisted, or why it was refused.</summary>
public sealed record ModelRegistryReply(bool Succeeded, string? Error, IReadOnlyList<RegistryEvent> Events, string Message) : IProtocolMessage;

/// <summary>Closed trades for the circuit breakers and A/B tests; each counts a trade once.</summary>
public sealed record FeedCircuitBreakers(IReadOnlyList<ClosedTrade> Trades) : IProtocolMessage;

public sealed record CircuitBreakersFed(IReadOnlyList<CircuitBreakerTripped> Trips, IReadOnlyList<VersionRolledBack> Rollbacks,
    IReadOnlyList<AbTestConcluded> AbTestsConcluded) : IProtocolMessage;

public sealed record GetModelRegistry : IProtocolMessage
{
    public static readonly GetModelRegistry Instance = new();
}

/// <summary>Every version, the whole history, the breakers and their trips.</summary>
public sealed record ModelRegistryView(
    IReadOnlyList<ModelVersionRecord> Versions,
    IReadOnlyList<RegistryEvent> History,
    IReadOnlyList<CircuitBreakerState> Breakers,
    IReadOnlyList<CircuitBreakerTripped> Trips) : IProtocolMessage
{
    /// <summary>The last bar the node has decided, by which it dates an operator's command and judges ages; null before any.</summary>
    public DateTimeOffset? DecidedThrough { get; init; }

    /// <summary>Each running A/B test as it stands: both arms, intervals, and what it would decide now.</summary>
    public IReadOnlyList<AbTestProgress> AbTestsRunning { get; init; } = [];

    /// <summary>Each slot's promotion that waits for an operator to promote or decline it (seed 002's "Switch to new model?").</summary>
    public IReadOnlyList<PromotionAwaitingReview> AwaitingReview { get; init; } = [];

    /// <summary>Each slot's latest drift check of its market (seed 004), in slot order.</summary>
    public IReadOnlyList<MarketDriftChecked> MarketDrift { get; init; } = [];

    public ModelRegistryState ToRegistry() => new(Versions, History);
}
