using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Actors.Sizing;

/// <summary>
/// How the node sizes with PPO: the policy object the symbol entities call (also <c>NodeServices.Sizing</c>), the number
/// of experiences per update (seed 001's 100), the action bounds and the PPO options (the agent's online defaults
/// with the sizing seed unless given).
/// </summary>
public sealed record SizingLearning(PpoSizing Serving, int UpdateEvery = 100, SizingBounds? Bounds = null, PpoOptions? Options = null)
{
    public SizingBounds ResolvedBounds => Bounds ?? new SizingBounds();
    public PpoOptions ResolvedOptions => Options ?? SizingAgent.DefaultOptions with { Seed = Serving.Seed };
}

/// <summary>
/// The PPO learner, a persistent cluster singleton. Each closed trade becomes a <see cref="SizingOutcomeRecorded"/>
/// (once per trade id); every <c>UpdateEvery</c> experiences it runs a PPO update, writes the new version's checkpoint,
/// and journals <see cref="SizingPolicyUpdated"/> in the same atomic write as the experience that completed the batch.
/// Only once that write is durable does it serve the new version and acknowledge, so the serving policy changes at a
/// fixed point of the bar sequence. Recovery: the last snapshot or the start, the events after it, then the checkpoint
/// of the journaled version; experiences recorded after that version stay pending, so none is lost.
/// Its TorchSharp work runs inside <see cref="TorchGuard"/> (through <see cref="SizingCheckpoints"/>); the entities
/// get a plain-data <see cref="SizingPolicySnapshot"/> of each version.
/// </summary>
public sealed class SizingLearner : ReceivePersistentActor
{
    private readonly SizingLearning _learning;
    private readonly SizingCheckpoints _checkpoints;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Versions learned in memory whose event is not yet journaled; served once it is.
    private readonly Dictionary<int, SizingPolicySnapshot> _learned = [];
    private SizingLearnerState _state = SizingLearnerState.Start;
    private SizingAgent? _agent;

    public SizingLearner(SizingLearning learning, string stateDirectory)
    {
        if (learning.UpdateEvery < 1)
            throw new ArgumentOutOfRangeException(nameof(learning), learning.UpdateEvery, "sizing learner: UpdateEvery must be at least 1");
        _learning = learning;
        _checkpoints = new SizingCheckpoints(stateDirectory, learning.ResolvedBounds, learning.ResolvedOptions);

        Recover<SnapshotOffer>(o => _state = ((SizingLearnerSnapshot)o.Snapshot).State);
        Recover<SizingOutcomeRecorded>(e => _state = _state.Apply(e));
        Recover<SizingPolicyUpdated>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Resume());
        Command<RecordSizingOutcomes>(Handle);
        Command<GetSizingLearnerStatus>(_ => Sender.Tell(Status()));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("snapshot of {0} failed: {1}", PersistenceId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots of {0} failed: {1}", PersistenceId, f.Cause.Message));
    }

    public override string PersistenceId => EntityIds.SizingLearner;

    public static Props PropsFor(SizingLearning learning, string stateDirectory) => Props.Create(() => new SizingLearner(learning, stateDirectory));

    private void Resume()
    {
        _agent = _checkpoints.Load(_state.Version);
        var current = _agent.Snapshot();
        _learning.Serving.Observe(_state.Performance);
        // A batch that was complete but not learned from (the update interval was lowered since) is learned now, before any command.
        var events = new List<IDomainEvent>();
        LearnDue(_state, events);
        if (events.Count == 0)
        {
            _learning.Serving.Serve(current, _state.Version);
            return;
        }
        PersistAll(events, Apply);
    }

    private void Handle(RecordSizingOutcomes cmd)
    {
        var events = new List<IDomainEvent>();
        var working = _state;
        int recorded = 0, duplicates = 0, experiences = 0;
        foreach (var trade in cmd.Trades)
        {
            if (working.Record(trade) is not { } e)
            {
                duplicates++;
                continue;
            }
            recorded++;
            if (e.Experience is not null) experiences++;
            events.Add(e);
            working = LearnDue(working.Apply(e), events);
        }

        var sender = Sender;
        if (events.Count == 0)
        {
            sender.Tell(new SizingOutcomesAck(0, duplicates, 0, _state.Version));
            return;
        }
        var last = events[^1];
        PersistAll(events, e =>
        {
            Apply(e);
            if (ReferenceEquals(e, last)) sender.Tell(new SizingOutcomesAck(recorded, duplicates, experiences, _state.Version));
        });
    }

    /// <summary>Runs every update the pending experiences call for on the learner's agent, adding their events.</summary>
    private SizingLearnerState LearnDue(SizingLearnerState working, List<IDomainEvent> events)
    {
        while (working.UpdateDue(_learning.UpdateEvery))
        {
            var update = _checkpoints.Update(_agent!, working, _learning.UpdateEvery);
            _learned[update.Version] = _agent!.Snapshot();
            _log.Info("sizing policy v{0}: {1} experiences, mean reward {2:F4}, policy loss {3:F4}, value loss {4:F4}",
                update.Version, update.Experiences, update.MeanReward, update.PolicyLoss, update.ValueLoss);
            events.Add(update);
            working = working.Apply(update);
        }
        return working;
    }

    /// <summary>Folds a durable event in; a new version is served and snapshotted as soon as it is journaled.</summary>
    private void Apply(IDomainEvent e)
    {
        _state = _state.Apply(e);
        _learning.Serving.Observe(_state.Performance);
        if (e is SizingPolicyUpdated u)
        {
            if (!_learned.Remove(u.Version, out var snapshot))
                throw new InvalidOperationException($"{PersistenceId}: policy version {u.Version} was journaled without being learned here");
            _learning.Serving.Serve(snapshot, u.Version);
            SaveSnapshot(new SizingLearnerSnapshot(_state));
        }
    }

    private SizingLearnerStatus Status() =>
        new(_state.Version, _state.Experiences, _state.Pending.Count, _learning.UpdateEvery, _state.TradeIds.Count, _state.History);

    protected override void PostStop()
    {
        _agent?.Dispose();
        base.PostStop();
    }
}
