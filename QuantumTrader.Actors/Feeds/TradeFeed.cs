using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Feeds;

/// <summary>
/// Reads every <see cref="TradeClosed"/> from the journal by tag and delivers it to the model entities, the account,
/// the model supervisor, the registry's circuit breakers and the sizing learner (when the node has one), persisting its
/// offset only after they acknowledged. A feed or entity that was down catches up from the offset: no closed trade is
/// ever skipped, and the entities' trade-id check makes redelivery harmless.
/// </summary>
public sealed class TradeFeed : ReceivePersistentActor
{
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

        Recover<TradeFeedAdvanced>(e => { _offset = e.Offset; _delivered++; });
        Recover<SnapshotOffer>(o => (_offset, _delivered) = ((TradeFeedStatus)o.Snapshot) switch { var s => (s.Offset, s.TradesDelivered) });
        Command<StreamStarted>(_ => Sender.Tell(new StreamAck()));
        Command<EventEnvelope>(Handle);
        Command<StreamEnded>(e =>
        {
            _log.Warning("trade feed stream ended at offset {0}: {1}; restarting", _offset, e.Cause?.Message ?? "completed");
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), Self, new Restart(), Self);
        });
        Command<Restart>(_ => StartStream());
        Command<GetTradeFeedStatus>(_ => Sender.Tell(new TradeFeedStatus(_offset, _delivered)));
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.TradeFeed;

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
            .SelectAsync(1, async env =>
            {
                await Deliver((TradeClosed)env.Event);
                return env;
            })
            .ToMaterialized(Sink.ActorRefWithAck<EventEnvelope>(self, new StreamStarted(), new StreamAck(),
                new StreamEnded(null), ex => new StreamEnded(ex)), Keep.Left)
            .Run(Context.Materializer());
    }

    private async Task Deliver(TradeClosed closed)
    {
        var trade = closed.Trade;
        var asks = ModelAttribution.Outcomes(trade)
            .Select(o => _models.Ask<OutcomeAck>(new RecordModelOutcome(o.ModelId, trade.TradeId, trade.Symbol, trade.ExitTime, o.RMultiple), _askTimeout))
            .Cast<Task>()
            .Append(_accounts.Ask<SettleAck>(new SettleTrade(_accountId, trade.TradeId, trade.Symbol, trade.ExitTime, trade.Pnl), _askTimeout))
            .Append(_supervisor.Ask<SupervisionResult>(new SuperviseClosedTrades([trade]), _askTimeout))
            .Append(_modelRegistry.Ask<CircuitBreakersFed>(new FeedCircuitBreakers([trade]), _askTimeout));
        if (_sizingLearner is not null) asks = asks.Append(_sizingLearner.Ask<SizingOutcomesAck>(new RecordSizingOutcomes([trade]), _askTimeout));
        await Task.WhenAll(asks);
    }

    private void Handle(EventEnvelope env)
    {
        var offset = ((Sequence)env.Offset).Value;
        var tradeId = ((TradeClosed)env.Event).Trade.TradeId;
        var sender = Sender;
        Persist(new TradeFeedAdvanced(offset, tradeId), e =>
        {
            _offset = e.Offset;
            _delivered++;
            sender.Tell(new StreamAck());
            if (_delivered % 200 == 0) SaveSnapshot(new TradeFeedStatus(_offset, _delivered));
        });
    }
}
