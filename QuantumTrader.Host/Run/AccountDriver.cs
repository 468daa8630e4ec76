using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Accounts;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The replay driver's side of the account, giving every bar the portfolio it must be decided under.
/// <list type="bullet">
/// <item>Equity, peak and open notional come from the <see cref="AccountBook"/>: closed trades and opened positions the
/// bar replies reported (or the journal held, on a resume), counting only what happened strictly before the bar.</item>
/// <item>The ESS mode is decided by the account entity. Before a bar at time t the driver hands it the closed trades that
/// exited before t and were not handed over yet, in ledger order, with the marks of the open positions at every bar
/// before t not handed over yet (<see cref="MarkToMarket"/>), and waits for its answer; the account applies each trade
/// once (by id), each mark once (by time), and answers with its transitions. The bar gets the mode in force just before
/// t (<see cref="AccountEss.ModeBefore(IReadOnlyList{EssTransition}, DateTimeOffset)"/>): a function of the trades that
/// exited before t and the closes before t, so a resumed run gives every bar the same mode as an uninterrupted one, even
/// when the account's journal already holds later trades.</item>
/// <item>Marks are handed over with the next trades, or as soon as they would change the mode: the driver previews them
/// on the account's state (<see cref="AccountEss.Preview"/>), also on the bars of the batch about to go out, and ends
/// that batch at the bar whose mark changes the mode (<see cref="NextKnownChange"/>), so no later bar is decided under
/// the mode before.</item>
/// <item>An operator's trigger or reset given while the start decides its bars waits in the <see cref="EssHandover"/>; the
/// driver gives it to the account before the next batch, dated one tick before the batch's first bar, so it reaches that
/// bar and every later one. A replay gives the journal's actions the same way (<see cref="EssOperatorAction"/>): each
/// before the first bar after its time, and a batch never runs past one. One given to the account directly reaches the
/// driver through the account's topic; the next bar asks the account again.</item>
/// </list>
/// </summary>
public sealed class AccountDriver
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    private readonly IActorRef _accounts;
    private readonly string _accountId;
    private readonly IActorRef _listener;
    private readonly StrongBox<int> _noticed;
    private readonly EssHandover _handover;
    private readonly IReadOnlyList<EssOperatorAction> _actions;
    private int _nextAction;
    private DateTimeOffset? _decidedBefore;
    private EssStatus _status;
    private readonly MarkToMarket _marks = new();
    private DateTimeOffset? _markedFrom;
    private (DateTimeOffset Time, bool Single)? _plan;
    private (DateTimeOffset Time, EssStatus Status, DateTimeOffset? From, int Trades, IReadOnlyList<EssMark> Marks, IReadOnlyList<EssTransition> Transitions)? _preview;
    // The positions a mark may still need: those not known to have exited before _markedFrom.
    private readonly List<PositionOpened> _markable = [];
    private int _positionsSeen;

    private AccountDriver(IActorRef accounts, string accountId, AccountBook book, IActorRef listener, EssStatus status, StrongBox<int> noticed,
        EssHandover handover, IReadOnlyList<EssOperatorAction> actions)
    {
        _noticed = noticed;
        _handover = handover;
        _actions = actions;
        _accounts = accounts;
        _accountId = accountId;
        Book = book;
        _listener = listener;
        _status = status;
        _markedFrom = status.MarkedBefore;
    }

    public AccountBook Book { get; }

    /// <summary>The account's emergency stop as of the driver's last exchange with it.</summary>
    public EssStatus Status => _status;

    /// <summary>True once the account announced a mode change that the next bar has not asked about yet.</summary>
    public bool ChangeAnnounced => Volatile.Read(ref _noticed.Value) == 1;

    /// <param name="handover">Where operators' commands wait while this start decides its bars.</param>
    /// <param name="actions">A replay's operator actions of this account to give again, in journal order: each before the first bar after its time, the rest after the last bar.</param>
    public static async Task<AccountDriver> StartAsync(ActorSystem system, IActorRef accounts, string accountId, AccountBook book, EssHandover handover,
        IReadOnlyList<EssOperatorAction> actions, CancellationToken cancel)
    {
        var noticed = new StrongBox<int>();
        var listener = system.ActorOf(Props.Create(() => new EssNoticeListener(noticed)));
        await DistributedPubSub.Get(system).Mediator.Ask<SubscribeAck>(new Subscribe(AccountEntity.EssTopic(accountId), listener), AskTimeout, cancel);
        var status = await accounts.Ask<EssStatus>(new GetEssStatus(accountId), AskTimeout, cancel);
        return new AccountDriver(accounts, accountId, book, listener, status, noticed, handover, actions.Where(a => a.AccountId == accountId).ToArray());
    }

    /// <summary>Every position the symbols' journals hold, so a resumed run knows what was open at each instant.</summary>
    public static async Task LoadPositionsAsync(SqlReadJournal journal, IEnumerable<string> symbols, AccountBook book, IMaterializer materializer)
    {
        foreach (var symbol in symbols)
        {
            var opened = await journal.CurrentEventsByPersistenceId(EntityIds.Symbol(symbol), 0, long.MaxValue)
                .RunAggregate(new List<PositionOpened>(), (list, env) =>
                {
                    list.AddRange(SymbolEventsCommitted.Unpack(env.Event).OfType<FillExecuted>().Select(PositionOpened.From).OfType<PositionOpened>());
                    return list;
                }, materializer);
            foreach (var p in opened) book.Open(p);
        }
    }

    /// <summary>
    /// The latest bar any symbol had decided before this start (null when none had). A resumed start goes through those
    /// bars again without deciding them, so an operator's command given meanwhile waits for the first bar after them: they
    /// were decided without it.
    /// </summary>
    public void Resumes(DateTimeOffset? decidedBefore) => _decidedBefore = decidedBefore;

    /// <summary>The closes the open positions are marked at: every bar before it is decided, whole timestamps in time order (<see cref="MarkToMarket.Observe(IReadOnlyList{Bar})"/>).</summary>
    public void ObserveBars(IReadOnlyList<Bar> bars) => _marks.Observe(bars);

    /// <summary>The portfolio a bar at <paramref name="time"/> is decided under; settles newly visible trades and marks with the account first.</summary>
    public async Task<PortfolioView> ViewBeforeAsync(DateTimeOffset time, CancellationToken cancel = default)
    {
        // A batch planned before an operator's command came may hold bars a mark changes the mode at after the command:
        // the command waits for the next batch, which is planned as one time.
        var planned = _plan is not { } plan || plan.Time != time || plan.Single;
        if (planned && (ActionDue(time) || CommandsDue(time)))
            await GiveOperatorsAsync(time, cancel);
        var settled = Book.TakeSettledBefore(time);
        if (Interlocked.Exchange(ref _noticed.Value, 0) == 1)
            _status = await _accounts.Ask<EssStatus>(new GetEssStatus(_accountId), AskTimeout, cancel);
        IReadOnlyList<EssMark> marks;
        bool changes;
        if (_preview is { } p && p.Time == time && ReferenceEquals(p.Status, _status) && p.From == _markedFrom && p.Trades == 0)
        {
            // The batch's plan previewed these marks a moment ago, on the same state: the ones before the batch are a prefix.
            var before = 0;
            while (before < p.Marks.Count && p.Marks[before].Time < time) before++;
            marks = before == p.Marks.Count ? p.Marks : p.Marks.Take(before).ToArray();
            changes = p.Transitions.Count > 0 && p.Transitions[0].Time < time;
        }
        else
        {
            marks = PendingMarks(time);
            changes = Preview([], marks).Count > 0;
        }
        // Marks that would change nothing wait for the next trades; so the view needs no preview of them.
        if (settled.Count > 0 || _status.Clock is null || changes)
            await SettleAsync(time, settled, marks, cancel);
        return View(time, []);
    }

    /// <summary>
    /// The earliest change at or after <paramref name="time"/> already known: an entry or exit in the book, a mode change
    /// of the account, or the first bar whose mark changes the mode (previewed on the bars observed so far). With an
    /// operator's command to give first, the batch is <paramref name="time"/> alone.
    /// </summary>
    public DateTimeOffset? NextKnownChange(DateTimeOffset time)
    {
        var single = ActionDue(time) || CommandsDue(time);
        _plan = (time, single);
        if (single) return time;
        var next = Book.NextChangeAt(time);
        // Waiting commands are given before the first bar after those decided before this start: the batch ends at the last of them.
        if (_handover.Count > 0 && _decidedBefore is { } decided && (next is null || decided < next)) next = decided;
        if (_nextAction < _actions.Count && _actions[_nextAction].Time >= time && (next is null || _actions[_nextAction].Time < next))
            next = _actions[_nextAction].Time;
        foreach (var t in _status.Transitions)
            if (t.Time >= time && (next is null || t.Time < next)) next = t.Time;
        var trades = Book.SettledBefore(time);
        var marks = PendingMarks(DateTimeOffset.MaxValue);
        var transitions = Preview(trades, marks);
        _preview = (time, _status, _markedFrom, trades.Count, marks, transitions);
        foreach (var t in transitions)
        {
            if (t.Time < time) continue;
            if (next is null || t.Time < next) next = t.Time;
            break;
        }
        return next;
    }

    /// <summary>
    /// The portfolio before <paramref name="time"/> with the emergency-stop mode as the account last reported it, and what
    /// the trades and marks not handed over yet would change, without asking it.
    /// </summary>
    public PortfolioView ViewAsKnown(DateTimeOffset time) => View(time, Preview(Book.SettledBefore(time), PendingMarks(time)));

    private PortfolioView View(DateTimeOffset time, IReadOnlyList<EssTransition> pending)
    {
        var transitions = pending.Count == 0 ? _status.Transitions : [.. _status.Transitions, .. pending];
        return Book.ViewBefore(time, AccountEss.ModeBefore(transitions, time).Label());
    }

    private bool ActionDue(DateTimeOffset time) => _nextAction < _actions.Count && _actions[_nextAction].Time < time;

    private bool CommandsDue(DateTimeOffset time) => _handover.Count > 0 && AccountEss.TakesCommandsBefore(time, _decidedBefore);

    /// <summary>The marks at the bars before <paramref name="before"/> not handed to the account yet.</summary>
    private IReadOnlyList<EssMark> PendingMarks(DateTimeOffset before)
    {
        var all = Book.Positions;
        while (_positionsSeen < all.Count) _markable.Add(all[_positionsSeen++]);
        return _marks.Marks(_markedFrom, before, _markable, Book.ExitOf);
    }

    private IReadOnlyList<EssTransition> Preview(IReadOnlyList<ClosedTrade> trades, IReadOnlyList<EssMark> marks)
    {
        if (trades.Count == 0 && marks.Count == 0) return [];
        var state = _status.State ?? throw new InvalidOperationException($"account {_accountId} answered without its emergency stop's state");
        return AccountEss.Preview(state, _status.Equity, _markedFrom, trades.Select(EssTrade.From).ToArray(), marks);
    }

    /// <summary>What a bar reply reports: positions opened and trades closed on that bar.</summary>
    public void Record(BarProcessed reply)
    {
        foreach (var p in reply.PositionsOpened) Book.Open(p);
        foreach (var t in reply.ClosedTrades) Book.Close(t);
    }

    /// <summary>A closed trade from outside the replay (an injected equity change); it counts from the next bar after its exit.</summary>
    public bool Record(ClosedTrade trade) => Book.Close(trade);

    /// <summary>
    /// Hands the account every trade not handed over yet (those that closed on the last bars), then the replay's actions
    /// given after the last bar and the operators' commands still waiting (dated by the account's clock: after every bar
    /// of the start), and returns its final state. Later commands go to the account directly.
    /// </summary>
    public async Task<EssStatus> FinishAsync(DateTimeOffset lastBarTime, CancellationToken cancel = default)
    {
        var rest = Book.TakeSettledBefore(DateTimeOffset.MaxValue);
        var asOf = rest.Count > 0 && rest[^1].ExitTime > lastBarTime ? rest[^1].ExitTime : lastBarTime;
        await SettleAsync(asOf, rest, PendingMarks(asOf), cancel);
        await GiveOperatorsAsync(null, cancel);
        _listener.Tell(PoisonPill.Instance);
        return _status;
    }

    /// <summary>
    /// Before the bar at <paramref name="before"/> (after the last one when null): the replay's actions dated earlier, at
    /// their journaled time, then the commands waiting in the handover, one tick before that bar (a resumed start keeps
    /// them waiting until the first bar after those decided before it). The trades and marks before a command's time go to the account
    /// first, so it sees them in market-time order whatever batches the bars came in. A command the account refuses is
    /// answered with the reason and the start goes on.
    /// </summary>
    private async Task GiveOperatorsAsync(DateTimeOffset? before, CancellationToken cancel)
    {
        while (_nextAction < _actions.Count && (before is null || _actions[_nextAction].Time < before))
        {
            var action = _actions[_nextAction++];
            await SettleBeforeAsync(action.Time, cancel);
            OperatorMessage repeated = action.Trigger
                ? new TriggerEmergency(_accountId, action.Reason, action.Time, action.Time)
                : new ResetEmergency(_accountId, action.Reason, action.Time, action.Time);
            repeated = repeated.By(action.Operator);
            _status = await _accounts.Ask<EssStatus>(repeated, AskTimeout, cancel);
        }
        DateTimeOffset? at = before is { } bar ? AccountEss.BeforeBar(bar) : null;
        var waitingCommands = before is not { } next ? _handover.Close() : AccountEss.TakesCommandsBefore(next, _decidedBefore) ? _handover.Take() : [];
        if (waitingCommands.Count > 0 && at is { } fixedAt)
            await SettleBeforeAsync(fixedAt, cancel);
        foreach (var waiting in waitingCommands)
        {
            IProtocolMessage command = waiting.Command switch
            {
                TriggerEmergency t => t with { At = at },
                ResetEmergency r => r with { At = at },
                var other => other,
            };
            try
            {
                _status = await _accounts.Ask<EssStatus>(command, AskTimeout, cancel);
                waiting.Answer.TrySetResult(_status);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                waiting.Answer.TrySetException(ex);
            }
        }
    }

    private async Task SettleBeforeAsync(DateTimeOffset time, CancellationToken cancel)
    {
        var trades = Book.TakeSettledBefore(time);
        var marks = PendingMarks(time);
        if (trades.Count > 0 || marks.Count > 0) await SettleAsync(time, trades, marks, cancel);
    }

    private async Task SettleAsync(DateTimeOffset asOf, IReadOnlyList<ClosedTrade> trades, IReadOnlyList<EssMark> marks, CancellationToken cancel)
    {
        var batch = new EssTradesSettled(_accountId, asOf, trades.Select(EssTrade.From).ToArray(), marks);
        _status = await _accounts.Ask<EssStatus>(new SettleEssTrades(batch), AskTimeout, cancel);
        if (_markedFrom is null || asOf > _markedFrom)
        {
            _markedFrom = asOf;
            _marks.ForgetBefore(asOf);
            _markable.RemoveAll(p => Book.ExitOf(p.TradeId) < asOf);
        }
    }

    /// <summary>Hears the account's mode changes; a manual one makes the driver ask the account before the next bar.</summary>
    private sealed class EssNoticeListener : ReceiveActor
    {
        public EssNoticeListener(StrongBox<int> noticed)
        {
            Receive<EmergencyTriggered>(_ => Interlocked.Exchange(ref noticed.Value, 1));
            Receive<EmergencyRecovered>(_ => Interlocked.Exchange(ref noticed.Value, 1));
        }
    }
}
