using Akka.Actor;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.ModelPerformance;

/// <summary>
/// One model slot's live record: every closed trade its vote took part in, as an R-multiple. Delivery is at least once;
/// the trade id makes applying exactly once. A delivery's new outcomes are one journal event.
/// </summary>
public sealed class ModelEntity : ReceivePersistentActor
{
    private readonly string _modelId;
    private readonly int _snapshotEvery;
    private LivePerformance _performance = LivePerformance.Start();
    private HashSet<string> _applied = new(StringComparer.Ordinal);

    public ModelEntity(string modelId, int snapshotEvery)
    {
        _modelId = modelId;
        _snapshotEvery = snapshotEvery;
        Recover<SnapshotOffer>(o =>
        {
            var s = (ModelPerformanceSnapshot)o.Snapshot;
            _performance = s.Performance;
            _applied = new HashSet<string>(s.AppliedTradeIds, StringComparer.Ordinal);
        });
        Recover<ModelOutcomesRecorded>(e =>
        {
            foreach (var o in e.Outcomes) Apply(o);
        });
        Recover<ModelOutcomeRecorded>(e => Apply(new ModelOutcome(e.TradeId, e.Symbol, e.Time, e.RMultiple)));
        Command<RecordModelOutcomes>(Handle);
        Command<GetModelPerformance>(_ => Sender.Tell(ModelPerformanceReport.From(_modelId, _performance)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.ModelPerformance(_modelId);

    public static Props PropsFor(string modelId, int snapshotEvery) => Props.Create(() => new ModelEntity(modelId, snapshotEvery));

    private void Handle(RecordModelOutcomes cmd)
    {
        var batch = new HashSet<string>(StringComparer.Ordinal);
        var fresh = cmd.Outcomes.Where(o => !_applied.Contains(o.TradeId) && batch.Add(o.TradeId)).ToArray();
        var duplicates = cmd.Outcomes.Count - fresh.Length;
        if (fresh.Length == 0)
        {
            Sender.Tell(new OutcomesAck(_modelId, 0, duplicates));
            return;
        }
        Persist(new ModelOutcomesRecorded(_modelId, fresh), e =>
        {
            foreach (var o in e.Outcomes) Apply(o);
            Sender.Tell(new OutcomesAck(_modelId, fresh.Length, duplicates));
            if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0)
                SaveSnapshot(new ModelPerformanceSnapshot(_performance, _applied.ToArray()));
        });
    }

    private void Apply(ModelOutcome o)
    {
        if (!_applied.Add(o.TradeId)) return;
        _performance = _performance.Apply(o.RMultiple);
    }
}
