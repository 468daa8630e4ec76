using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Feeds;

/// <summary>
/// Reads every <see cref="TradeClosed"/> from the journal by tag and delivers it to the model entities, the account,
/// the model supervisor, the registry's circuit breakers and the sizing learner (when the node has one), persisting its
/// offset only after they acknowledged. A feed or entity that was down catches up from the offset: no closed trade is
/// ever skipped, and the entities' trade-id check makes redelivery harmless. Trades that arrive while a delivery is
/// under way go out together in the next one: one message to each receiver and one journal event each, whatever the count.
/// </summary>
public sealed class TradeFeed : ReceivePersistentActor, IWithTimers
{
    private sealed record Delivery(long Offset, IReadOnlyList<TradeClosed> Trades);
    private sealed record StreamStarted;
    private sealed record StreamAck;
    private sealed record StreamEnded(Exception? Cause);
    private sealed record Restart;

    private readonly IActorRef _models;
    private readonly IActorRef _accounts;
    private readonly string _accountId;
    private readonly IActorRef _supervisor;
    private readonly IActorRef _modelRegistry;
    private readonly IActorRef? _sizingLearner;
    private readonly TimeSpan _askTimeout = TimeSpan.FromSeconds(30);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _offset;
    private long _delivered;
    private UniqueKillSwitch? _killSwitch;

    public TradeFeed(IActorRef models, IActorRef accounts, string accountId, IActorRef supervisor, IActorRef modelRegistry, IActorRef? sizingLearner = null)
    {
        _models = models;
        _accounts = accounts;
        _accountId = accountId;
        _supervisor = supervisor;
        _modelRegistry = modelRegistry;
        _sizingLearner = sizingLearner;

        Recover<TradesDelivered>(e => { _offset = e.Offset; _delivered += e.TradeIds.Count; });
        Recover<TradeFeedAdvanced>(e => { _offset = e.Offset; _delivered++; });
        Recover<SnapshotOffer>(o => (_offset, _delivered) = ((TradeFeedStatus)o.Snapshot) switch { var s => (s.Offset, s.TradesDelivered) });
        Command<StreamStarted>(_ => Sender.Tell(new StreamAck()));
        Command<Delivery>(Handle);
        Command<StreamEnded>(e =>
        {
            _log.Warning("trade feed stream ended at offset {0}: {1}; restarting", _offset, e.Cause?.Message ?? "completed");
            Timers.StartSingleTimer(nameof(Restart), new Restart(), TimeSpan.FromSeconds(1));
        });
        Command<Restart>(_ => StartStream());
        Command<GetTradeFeedStatus>(_ => Sender.Tell(new TradeFeedStatus(_offset, _delivered)));
        // The offset log is kept: the run summary counts every event the node journaled, and a count must not depend on when a deletion ran.
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.TradeFeed;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(
        IActorRef models, IActorRef accounts, string accountId, IActorRef supervisor, IActorRef modelRegistry, IActorRef? sizingLearner = null) =>
        Props.Create(() => new TradeFeed(models, accounts, accountId, supervisor, modelRegistry, sizingLearner));

    protected override void OnReplaySuccess() => StartStream();

    protected override void PostStop()
    {
        _killSwitch?.Shutdown();
        base.PostStop();
    }

    private void StartStream()
    {
        _killSwitch?.Shutdown();
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var self = Self;
        _killSwitch = journal.EventsByTag(EventTags.TradeClosed, Offset.Sequence(_offset))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .Select(env => new Delivery(((Sequence)env.Offset).Value, SymbolEventsCommitted.Unpack(env.Event).OfType<TradeClosed>().ToArray()))
            .Batch(MaxRowsPerDelivery, d => d, (d, next) => new Delivery(next.Offset, [.. d.Trades, .. next.Trades]))
            .SelectAsync(1, async delivery =>
            {
                if (delivery.Trades.Count > 0) await Deliver(delivery.Trades.Select(t => t.Trade).ToArray());
                return delivery;
            })
            .ToMaterialized(Sink.ActorRefWithAck<Delivery>(self, new StreamStarted(), new StreamAck(),
                new StreamEnded(null), ex => new StreamEnded(ex)), Keep.Left)
            .Run(Context.Materializer());
    }

    private const int MaxRowsPerDelivery = 512;

    private async Task Deliver(IReadOnlyList<ClosedTrade> trades)
    {
        var outcomes = trades.SelectMany(t => ModelAttribution.Outcomes(t).Select(o => (o.ModelId, Outcome: new ModelOutcome(t.TradeId, t.Symbol, t.ExitTime, o.RMultiple))))
            .GroupBy(x => x.ModelId, StringComparer.Ordinal);
        var asks = outcomes
            .Select(g => _models.Ask<OutcomesAck>(new RecordModelOutcomes(g.Key, g.Select(x => x.Outcome).ToArray()), _askTimeout))
            .Cast<Task>()
            .Append(_accounts.Ask<SettleAck>(new SettleTrades(_accountId, trades.Select(t => new TradeToSettle(t.TradeId, t.Symbol, t.ExitTime, t.Pnl)).ToArray()), _askTimeout))
            .Append(_supervisor.Ask<SupervisionResult>(new SuperviseClosedTrades(trades), _askTimeout))
            .Append(_modelRegistry.Ask<CircuitBreakersFed>(new FeedCircuitBreakers(trades), _askTimeout));
        if (_sizingLearner is not null) asks = asks.Append(_sizingLearner.Ask<SizingOutcomesAck>(new RecordSizingOutcomes(trades), _askTimeout));
        await Task.WhenAll(asks);
    }

    private void Handle(Delivery delivery)
    {
        var sender = Sender;
        if (delivery.Trades.Count == 0)
        {
            sender.Tell(new StreamAck());
            return;
        }
        Persist(new TradesDelivered(delivery.Offset, delivery.Trades.Select(t => t.Trade.TradeId).ToArray()), e =>
        {
            var before = _delivered;
            _offset = e.Offset;
            _delivered += e.TradeIds.Count;
            sender.Tell(new StreamAck());
            if (_delivered / 200 > before / 200) SaveSnapshot(new TradeFeedStatus(_offset, _delivered));
        });
    }
}
