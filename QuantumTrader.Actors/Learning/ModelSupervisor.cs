using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Learning;

/// <summary>
/// The model supervisor (a cluster singleton): every closed trade, from the replay driver and from the trade feed, is
/// attributed to the models that voted on it and run through their drift monitors; every
/// <see cref="ModelSupervisorSettings.RebalanceEvery"/> attributed trades and after every drift-severity alarm it
/// recomputes the ensemble weights. Each trade, alarm and weight decision is persisted (a weight decision before the
/// reply) and new weights go to <see cref="EnsembleServing"/> at once. Its first event records the weights it started
/// from, so a restart rebuilds the same state and puts its last weights back into serving.
/// </summary>
public sealed class ModelSupervisor : ReceivePersistentActor
{
    public const string Id = "model-supervisor";

    private readonly EnsembleServing _serving;
    private readonly RegimeClassifier _classifier;
    private readonly ModelSupervisorSettings _settings;
    private readonly int _snapshotEvery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ModelSupervisorState? _state;
    private HashSet<string> _applied = new(StringComparer.Ordinal);
    private int _eventsSinceSnapshot;

    public ModelSupervisor(EnsembleServing serving, RegimeClassifier classifier, ModelSupervisorSettings settings, int snapshotEvery)
    {
        _serving = serving;
        _classifier = classifier;
        _settings = settings;
        _snapshotEvery = snapshotEvery;

        Recover<SnapshotOffer>(o =>
        {
            var s = (ModelSupervisorSnapshot)o.Snapshot;
            _state = s.State with { Settings = settings };
            _applied = new HashSet<string>(s.AppliedTradeIds, StringComparer.Ordinal);
        });
        Recover<IDomainEvent>(Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state?.WeightsAsOf is not null) ApplyWeightsToServing();
        });
        Command<SuperviseClosedTrades>(Handle);
        Command<ProposeEnsembleWeights>(Handle);
        Command<GetSupervisorStatus>(_ =>
        {
            var sender = Sender;
            DeferAsync(Status(), status => sender.Tell(status));
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", PersistenceId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => Id;

    public static Props PropsFor(EnsembleServing serving, RegimeClassifier classifier, ModelSupervisorSettings? settings = null, int snapshotEvery = 200) =>
        Props.Create(() => new ModelSupervisor(serving, classifier, settings ?? ModelSupervisorSettings.Default, snapshotEvery));

    private void Handle(SuperviseClosedTrades cmd)
    {
        var batch = new HashSet<string>(StringComparer.Ordinal);
        var fresh = cmd.Trades.Where(t => !_applied.Contains(t.TradeId) && batch.Add(t.TradeId)).ToArray();
        var events = new List<IDomainEvent>();
        if (fresh.Length > 0)
        {
            var working = Started(events, fresh[0].ExitTime);
            foreach (var trade in fresh)
            {
                var (next, produced) = working.Process(trade, _classifier);
                working = next;
                events.AddRange(produced);
            }
        }

        PersistAndReply(events, fresh.Length, cmd.Trades.Count - fresh.Length, cmd.ReplyWhenDurable);
    }

    private void Handle(ProposeEnsembleWeights cmd)
    {
        var events = new List<IDomainEvent>();
        var working = Started(events, cmd.Time);
        events.AddRange(working.Propose(new WeightProposal(cmd.Overall, cmd.ByRegime, cmd.Reason, cmd.Time)));
        PersistAndReply(events, 0, 0);
    }

    /// <summary>The current state; the very first command starts it from the weights serving votes with and records them.</summary>
    private ModelSupervisorState Started(List<IDomainEvent> events, DateTimeOffset time)
    {
        if (_state is not null) return _state;
        var started = new ModelSupervisionStarted(new Dictionary<string, double>(_serving.Weights.Values, StringComparer.Ordinal), time);
        events.Add(started);
        return ModelSupervisorState.Start(started.InitialWeights, _settings);
    }

    /// <summary>
    /// Applies the events at once, so the next command builds on them, and writes them in the background without holding
    /// up other commands. The reply, and with it new weights reaching serving, comes once they are durable; a sender that
    /// hands every journaled trade over again at its next start may take it at once: a crash before the write lands
    /// loses nothing, because the same trades in the same order give the same decisions.
    /// </summary>
    private void PersistAndReply(List<IDomainEvent> events, int applied, int duplicates, bool replyWhenDurable = true)
    {
        var sender = Sender;
        foreach (var e in events) Apply(e);
        var result = Result(events, applied, duplicates);
        if (events.Count == 0)
        {
            sender.Tell(result);
            return;
        }

        PersistAllAsync(events, _ => { });
        if (replyWhenDurable) DeferAsync(result, r => Reply(r, sender));
        else Reply(result, sender);

        if (_eventsSinceSnapshot < _snapshotEvery || _state is null) return;
        _eventsSinceSnapshot = 0;
        // Saved once every event before it is durable, so the snapshot never runs ahead of the journal.
        DeferAsync(new ModelSupervisorSnapshot(_state, _applied.ToArray()), SaveSnapshot);
    }

    private void Reply(SupervisionResult result, IActorRef to)
    {
        if (result.WeightDecisions.OfType<WeightsRebalanced>().Any()) ApplyWeightsToServing();
        to.Tell(result);
    }

    private void Apply(IDomainEvent e)
    {
        _state = e is ModelSupervisionStarted started
            ? ModelSupervisorState.Start(started.InitialWeights, _settings)
            : (_state ?? throw new InvalidOperationException($"{PersistenceId}: {e.GetType().Name} before the supervision started")).Apply(e);
        if (e is TradeSupervised t) _applied.Add(t.TradeId);
        _eventsSinceSnapshot++;
    }

    private void ApplyWeightsToServing()
    {
        if (_state is null) return;
        if (!_serving.TrySetWeights(new EnsembleWeights(_state.Weights.Overall), out var error))
            _log.Error("{0}: serving refused the weights it validated: {1}", PersistenceId, error);
    }

    private SupervisionResult Result(IReadOnlyList<IDomainEvent> events, int applied, int duplicates) => new(
        applied, duplicates, events.OfType<ModelDriftDetected>().ToArray(), events.OfType<WeightsEvent>().ToArray(),
        _state?.Weights.Overall ?? _serving.Weights.Values, _state?.WeightsAsOf);

    private SupervisorStatus Status()
    {
        if (_state is null)
            return new SupervisorStatus(0, 0, _serving.Weights.Values, _serving.Weights.Values,
                new Dictionary<string, IReadOnlyDictionary<string, double>>(), null, [], [], []);
        return new SupervisorStatus(_state.TradesSupervised, _state.AttributedTrades, _state.InitialWeights, _state.Weights.Overall,
            _state.Weights.ByRegime, _state.WeightsAsOf, _state.Alarms, _state.WeightHistory, _state.OverallStats());
    }
}
