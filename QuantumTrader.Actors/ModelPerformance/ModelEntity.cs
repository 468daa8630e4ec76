using Akka.Actor;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.ModelPerformance;

/// <summary>
/// One model slot's live record: every closed trade its vote took part in, as an R-multiple. Delivery is at least once;
/// the trade id makes applying exactly once.
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
        Recover<ModelOutcomeRecorded>(Apply);
        Command<RecordModelOutcome>(Handle);
        Command<GetModelPerformance>(_ => Sender.Tell(ModelPerformanceReport.From(_modelId, _performance)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.ModelPerformance(_modelId);

    public static Props PropsFor(string modelId, int snapshotEvery) => Props.Create(() => new ModelEntity(modelId, snapshotEvery));

    private void Handle(RecordModelOutcome cmd)
    {
        if (_applied.Contains(cmd.TradeId))
        {
            Sender.Tell(new OutcomeAck(_modelId, cmd.TradeId, true));
            return;
        }
        Persist(new ModelOutcomeRecorded(_modelId, cmd.TradeId, cmd.Symbol, cmd.Time, cmd.RMultiple), e =>
        {
            Apply(e);
            Sender.Tell(new OutcomeAck(_modelId, cmd.TradeId, false));
            if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0)
                SaveSnapshot(new ModelPerformanceSnapshot(_performance, _applied.ToArray()));
        });
    }

    private void Apply(ModelOutcomeRecorded e)
    {
        if (!_applied.Add(e.TradeId)) return;
        _performance = _performance.Apply(e.RMultiple);
    }
}
