using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Symbols;

/// <summary>
/// One instrument. Decides bars through <see cref="SymbolState.Process"/> and journals the events of every bar it commits:
/// <see cref="ProcessBar"/> decides and commits one bar; the replay's <see cref="DecideBars"/> commits what the replay
/// confirmed and decides a batch ahead (<see cref="SymbolDecisions"/>), so bars between two portfolio changes take one round trip.
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
    private readonly SymbolDecisions _decisions;
    private long _recoveredThrough;
    private long _alreadyThrough;
    private long _replayed;
    private int _divergences;
    private long _persisted;
    private int _pendingWrites;
    private int _snapshotsSaving;
    private readonly List<(IActorRef To, long Seq)> _flushWaiting = [];
    private bool _stopping;

    private const int MaxPendingWrites = 256;

    public SymbolEntity(string symbol, NodeServices services, int snapshotEvery)
    {
        _symbol = symbol;
        _services = services;
        _snapshotEvery = snapshotEvery;
        _decisions = new SymbolDecisions(SymbolState.Start(symbol, services.Rules), SameEvents);

        Recover<SnapshotOffer>(offer => _decisions.Restore(((SymbolSnapshot)offer.Snapshot).State));
        Recover<SymbolEventsCommitted>(c =>
        {
            foreach (var e in c.Events) _decisions.HoldBack(e);
        });
        Recover<SymbolEvent>(_decisions.HoldBack);
        Recover<RecoveryCompleted>(_ => _recoveredThrough = _decisions.Committed.LastSeq);
        Command<ProcessBar>(Handle);
        Command<DecideBars>(Handle);
        Command<GetSymbolStatus>(_ => Sender.Tell(Status()));
        Command<FlushSymbol>(_ =>
        {
            var sender = Sender;
            DeferAsync(_decisions.Committed.LastSeq, seq =>
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

    /// <summary>Decides one bar and commits it with everything decided before it.</summary>
    private void Handle(ProcessBar cmd)
    {
        if (UnknownSymbol(cmd.Symbol) is { } refused)
        {
            Sender.Tell(new Status.Failure(refused));
            return;
        }
        _services.Risk.ObserveBar(cmd.Bar);
        if (cmd.Seq <= _decisions.Tip.LastSeq)
        {
            Sender.Tell(new BarProcessed(_symbol, cmd.Seq, true, false, 0, []));
            return;
        }

        var decided = Decide(new BarToDecide(cmd.Seq, cmd.Bar, cmd.TradingEnabled), cmd.Portfolio);
        var persisted = Commit(decided.Seq);
        var reply = new BarProcessed(_symbol, cmd.Seq, false, decided.FromJournal, persisted, ClosedTrades(decided))
        {
            PositionsOpened = PositionsOpened(decided),
        };
        ReplyOnceRegimesApplied(reply, Sender);
    }

    private void Handle(DecideBars cmd)
    {
        if (UnknownSymbol(cmd.Symbol) is { } refused)
        {
            Sender.Tell(new Status.Failure(refused));
            return;
        }
        Commit(cmd.CommitThrough);

        DecidedBar? stop = null;
        foreach (var bar in cmd.Bars)
        {
            _services.Risk.ObserveBar(bar.Bar);
            if (bar.Seq <= _decisions.Tip.LastSeq)
            {
                if (bar.Seq <= _recoveredThrough) _alreadyThrough = Math.Max(_alreadyThrough, bar.Seq);
                continue;
            }
            var decided = Decide(bar, cmd.Portfolio);
            if (!decided.ChangesPortfolio) continue;
            stop = decided;
            break;
        }

        var reply = new BarsDecided(_symbol, _decisions.Committed.LastSeq, _decisions.Tip.LastSeq, stop is not null,
            stop is null ? [] : ClosedTrades(stop), stop is null ? [] : PositionsOpened(stop),
            new SymbolReplayCounts(_alreadyThrough, _replayed, _divergences, _persisted));
        ReplyOnceRegimesApplied(reply, Sender);
    }

    private DecidedBar Decide(BarToDecide bar, PortfolioView portfolio)
    {
        var serving = _services.Serving;
        var context = new BarContext(portfolio, bar.TradingEnabled, serving.Weights, serving.PredictAll, _services.Sizing, _services.Gate);
        var decided = _decisions.Decide(bar.Bar, bar.Seq, context, _services.Rules);
        AnnounceRegime(decided);
        return decided;
    }

    /// <summary>
    /// Commits the decisions through bar <paramref name="throughSeq"/> and journals their new events, all in one row
    /// (<see cref="SymbolEventsCommitted"/>); returns how many. The replay position (the snapshot) only moves once every
    /// earlier event is durable, so a crash before the write lands decides the same bars again identically on restart;
    /// past MaxPendingWrites writes apply back-pressure.
    /// </summary>
    private int Commit(long throughSeq)
    {
        var committed = _decisions.Commit(throughSeq);
        if (committed.Count == 0) return 0;
        var events = new List<SymbolEvent>();
        foreach (var d in committed)
        {
            if (!d.FromJournal)
            {
                events.AddRange(d.Events);
                continue;
            }
            _replayed++;
            if (!d.Diverged) continue;
            _divergences++;
            _log.Warning("{0} bar #{1}: a new decision differs from the {2} event(s) the journal holds; the journal wins", PersistenceId, d.Seq, d.Events.Count);
        }

        if (events.Count > 0)
        {
            var commit = new SymbolEventsCommitted(_symbol, events);
            _persisted += events.Count;
            if (++_pendingWrites >= MaxPendingWrites) Persist(commit, _ => _pendingWrites--);
            else PersistAsync(commit, _ => _pendingWrites--);
        }
        var from = committed[0].Seq - 1;
        if (_snapshotEvery > 0 && _decisions.Committed.LastSeq / _snapshotEvery > from / _snapshotEvery) SnapshotWhenDurable();
        return events.Count;
    }

    private static ClosedTrade[] ClosedTrades(DecidedBar decided) => decided.Events.OfType<TradeClosed>().Select(t => t.Trade).ToArray();

    private static PositionOpened[] PositionsOpened(DecidedBar decided) =>
        decided.Events.OfType<FillExecuted>().Select(PositionOpened.From).OfType<PositionOpened>().ToArray();

    /// <summary>Saves the committed state once every event before it is written, so a snapshot never runs ahead of the journal.</summary>
    private void SnapshotWhenDurable() => DeferAsync(new SymbolSnapshot(_decisions.Committed), snapshot =>
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

    /// <summary>Stops once the hand-off snapshot (and any still being saved) is stored or refused; decisions not committed are dropped.</summary>
    private void SnapshotAndStop() => DeferAsync(new SymbolSnapshot(_decisions.Committed), snapshot =>
    {
        _stopping = true;
        _snapshotsSaving++;
        SaveSnapshot(snapshot);
    });

    private static bool SameEvents(IReadOnlyList<SymbolEvent> a, IReadOnlyList<SymbolEvent> b) =>
        a.Count == b.Count && a.Select((e, i) => ProtocolSerializer.ToJson(e) == ProtocolSerializer.ToJson(b[i])).All(same => same);

    private SymbolStatus Status()
    {
        var state = _decisions.Committed;
        return new SymbolStatus(_symbol, state.LastSeq, state.TradesOpened, state.TradesClosed, state.SignalsRejected, state.RealizedPnl,
            state.Regime?.ToString(), state.Broker.Position, _divergences);
    }
}
