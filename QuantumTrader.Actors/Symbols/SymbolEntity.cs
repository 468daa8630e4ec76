using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Symbols;

/// <summary>
/// One instrument. Runs each bar through <see cref="SymbolState.Process"/>, journals the events and replies.
/// Recovery: the snapshot restores everything up to its bar; events journaled after it are held back and, when the
/// replay re-sends those bars, they are applied instead of new decisions, so the journal stays the single truth
/// and a resumed run neither repeats nor loses a trade.
/// </summary>
public sealed partial class SymbolEntity : ReceivePersistentActor, IWithTimers
{
    private readonly string _symbol;
    private readonly NodeServices _services;
    private readonly int _snapshotEvery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<long, List<SymbolEvent>> _journaledAhead = new();
    private SymbolState _state;
    private int _divergences;
    private int _pendingEvents;
    private int _snapshotsSaving;
    private readonly List<(IActorRef To, long Seq)> _flushWaiting = [];
    private bool _stopping;

    private const int MaxPendingEvents = 512;


    public SymbolEntity(string symbol, NodeServices services, int snapshotEvery)
    {
        _symbol = symbol;
        _services = services;
        _snapshotEvery = snapshotEvery;
        _state = SymbolState.Start(symbol, services.Rules);

        Recover<SnapshotOffer>(offer => _state = ((SymbolSnapshot)offer.Snapshot).State);
        Recover<SymbolEvent>(HoldBack);
        Command<ProcessBar>(Handle);
        Command<GetSymbolStatus>(_ => Sender.Tell(Status()));
        Command<FlushSymbol>(_ =>
        {
            var sender = Sender;
            DeferAsync(_state.LastSeq, seq =>
            {
                if (_snapshotsSaving == 0) sender.Tell(new SymbolFlushed(_symbol, seq));
                else _flushWaiting.Add((sender, seq));
            });
        });
        Command<StopSymbol>(_ => SnapshotAndStop());
        RegisterRegimeReplies();
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            SnapshotSettled();
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _log.Warning("snapshot of {0} failed: {1}", PersistenceId, f.Cause.Message);
            SnapshotSettled();
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("deleting old snapshots of {0} failed: {1}", PersistenceId, f.Cause.Message));
    }

    public override string PersistenceId => EntityIds.Symbol(_symbol);

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string symbol, NodeServices services, int snapshotEvery) =>
        Props.Create(() => new SymbolEntity(symbol, services, snapshotEvery));

    private void HoldBack(SymbolEvent e)
    {
        if (e.BarSeq <= _state.LastSeq)
            throw new InvalidOperationException($"{PersistenceId}: journaled event for bar #{e.BarSeq} precedes the snapshot at bar #{_state.LastSeq}");
        if (!_journaledAhead.TryGetValue(e.BarSeq, out var list)) _journaledAhead[e.BarSeq] = list = [];
        list.Add(e);
    }

    private void Handle(ProcessBar cmd)
    {
        if (UnknownSymbol(cmd) is { } refused)
        {
            Sender.Tell(new Status.Failure(refused));
            return;
        }
        _services.Risk.ObserveBar(cmd.Bar);
        if (cmd.Seq <= _state.LastSeq)
        {
            Sender.Tell(new BarProcessed(_symbol, cmd.Seq, true, false, 0, []));
            return;
        }

        var serving = _services.Serving;
        var context = new BarContext(cmd.Portfolio, cmd.TradingEnabled, serving.Weights, serving.PredictAll, _services.Sizing, _services.Gate);
        var (observed, computed) = _state.Process(cmd.Bar, cmd.Seq, context, _services.Rules);

        if (_journaledAhead.Count > 0)
        {
            var journaled = _journaledAhead.Remove(cmd.Seq, out var held) ? held : [];
            if (!SameEvents(journaled, computed))
            {
                _divergences++;
                _log.Warning("{0} bar #{1}: the journal holds {2} event(s), a new decision gave {3}; the journal wins",
                    PersistenceId, cmd.Seq, journaled.Count, computed.Count);
            }
            _state = observed.ApplyAll(journaled);
            Reply(cmd, replayed: true, 0, journaled);
            return;
        }

        _state = observed.ApplyAll(computed);
        if (computed.Count == 0)
        {
            Reply(cmd, replayed: false, 0, computed);
            return;
        }

        // The replay position (the snapshot) only moves once every earlier event is durable, so a crash before the
        // write lands re-decides the same bars identically on restart; past MaxPendingEvents writes apply back-pressure.
        if (_pendingEvents >= MaxPendingEvents)
        {
            PersistAll(computed, _ => _pendingEvents--);
            var sender = Sender;
            DeferAsync(cmd, c => Reply(c, replayed: false, computed.Count, computed, sender));
        }
        else
        {
            PersistAllAsync(computed, _ => _pendingEvents--);
            Reply(cmd, replayed: false, computed.Count, computed);
        }
        _pendingEvents += computed.Count;
    }

    private void Reply(ProcessBar cmd, bool replayed, int persisted, IReadOnlyList<SymbolEvent> events, IActorRef? to = null)
    {
        var closed = events.OfType<TradeClosed>().Select(t => t.Trade).ToArray();
        var opened = events.OfType<FillExecuted>().Select(PositionOpened.From).OfType<PositionOpened>().ToArray();
        var reply = new BarProcessed(_symbol, cmd.Seq, false, replayed, persisted, closed) { PositionsOpened = opened };
        ReplyAfterRegime(events, reply, to ?? Sender);
        if (_snapshotEvery > 0 && _state.LastSeq % _snapshotEvery == 0) SnapshotWhenDurable();
    }

    /// <summary>Saves the current state once every event before it is written, so a snapshot never runs ahead of the journal.</summary>
    private void SnapshotWhenDurable() => DeferAsync(new SymbolSnapshot(_state), snapshot =>
    {
        _snapshotsSaving++;
        SaveSnapshot(snapshot);
    });

    private void SnapshotSettled()
    {
        if (--_snapshotsSaving == 0)
        {
            foreach (var (to, seq) in _flushWaiting) to.Tell(new SymbolFlushed(_symbol, seq));
            _flushWaiting.Clear();
        }
        if (_stopping && _snapshotsSaving == 0) Context.Stop(Self);
    }

    /// <summary>Stops once the hand-off snapshot (and any still being saved) is stored or refused.</summary>
    private void SnapshotAndStop() => DeferAsync(new SymbolSnapshot(_state), snapshot =>
    {
        _stopping = true;
        _snapshotsSaving++;
        SaveSnapshot(snapshot);
    });

    private static bool SameEvents(IReadOnlyList<SymbolEvent> a, IReadOnlyList<SymbolEvent> b) =>
        a.Count == b.Count && a.Select((e, i) => ProtocolSerializer.ToJson(e) == ProtocolSerializer.ToJson(b[i])).All(same => same);

    private SymbolStatus Status() => new(
        _symbol, _state.LastSeq, _state.TradesOpened, _state.TradesClosed, _state.SignalsRejected, _state.RealizedPnl,
        _state.Regime?.ToString(), _state.Broker.Position, _divergences);
}
