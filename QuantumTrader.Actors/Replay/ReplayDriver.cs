using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Replay;

/// <summary>Counts of one replay, reported when the stream completes.</summary>
public sealed record ReplayCounts(long Bars, long Replayed, long AlreadyProcessed);

/// <summary>
/// Feeds bars from the stream into the symbol entities one timestamp at a time. All bars of a timestamp go out together
/// (a decision sees only trades that exited strictly earlier, so they cannot influence each other); the next timestamp
/// waits until every reply is in and the listeners have taken the closed trades, which keeps a replay deterministic.
/// Plain messages instead of asks keep the per-bar cost to the hops to the entity and back.
/// </summary>
public sealed class ReplayDriver : ReceiveActor
{
    public sealed record Started;
    public sealed record Ack;
    public sealed record Completed;
    public sealed record Failed(Exception Cause);
    private sealed record ListenersDone;
    private sealed record ViewReady(PortfolioView View);

    private readonly IActorRef _symbols;
    private readonly Func<DateTimeOffset, Task<PortfolioView>> _viewBefore;
    private readonly Func<BarProcessed, IReadOnlyList<ClosedTrade>> _record;
    private readonly Action<IReadOnlyList<Bar>> _beforeGroup;
    private readonly Func<IReadOnlyList<ClosedTrade>, Task> _afterTrades;
    private readonly Action<long> _progress;
    private readonly TaskCompletionSource<ReplayCounts> _done;
    private readonly Queue<ProcessBar[]> _groups = new();
    private IActorRef? _stream;
    private ProcessBar[] _group = [];
    private BarProcessed?[] _replies = [];
    private int _awaiting;
    private bool _inFlight;
    private long _bars, _replayed, _already;
    private bool _streamEnded;

    /// <param name="viewBefore">The portfolio the bars of a timestamp are decided under.</param>
    /// <param name="record">Books a reply (positions opened, trades closed) and returns the trades it newly closed.</param>
    /// <param name="beforeGroup">Runs before the bars of a timestamp go out, with those bars in data order.</param>
    /// <param name="afterTrades">Takes the trades a timestamp closed, in the order of its bars; the next timestamp waits for it.</param>
    public ReplayDriver(
        IActorRef symbols, Func<DateTimeOffset, Task<PortfolioView>> viewBefore, Func<BarProcessed, IReadOnlyList<ClosedTrade>> record,
        Action<IReadOnlyList<Bar>> beforeGroup, Func<IReadOnlyList<ClosedTrade>, Task> afterTrades,
        Action<long> progress, TaskCompletionSource<ReplayCounts> done, TimeSpan replyTimeout)
    {
        _symbols = symbols;
        _viewBefore = viewBefore;
        _record = record;
        _beforeGroup = beforeGroup;
        _afterTrades = afterTrades;
        _progress = progress;
        _done = done;
        SetReceiveTimeout(replyTimeout);

        Receive<Started>(_ => Sender.Tell(new Ack()));
        Receive<ProcessBar[][]>(batch =>
        {
            _stream = Sender;
            foreach (var group in batch) _groups.Enqueue(group);
            if (!_inFlight) Next();
        });
        Receive<BarProcessed>(OnReply);
        Receive<ViewReady>(ready => Send(ready.View));
        Receive<ListenersDone>(_ => Next());
        Receive<Status.Failure>(f => Fail(f.Cause));
        Receive<Completed>(_ =>
        {
            _streamEnded = true;
            if (!_inFlight && _groups.Count == 0) Finish();
        });
        Receive<Failed>(f => Fail(f.Cause));
        Receive<ReceiveTimeout>(_ =>
        {
            if (_inFlight) Fail(new TimeoutException($"{_awaiting} symbol entit(ies) did not answer within {replyTimeout}"));
        });
    }

    public static Props PropsFor(
        IActorRef symbols, Func<DateTimeOffset, Task<PortfolioView>> viewBefore, Func<BarProcessed, IReadOnlyList<ClosedTrade>> record,
        Action<IReadOnlyList<Bar>> beforeGroup, Func<IReadOnlyList<ClosedTrade>, Task> afterTrades,
        Action<long> progress, TaskCompletionSource<ReplayCounts> done, TimeSpan replyTimeout) =>
        Props.Create(() => new ReplayDriver(symbols, viewBefore, record, beforeGroup, afterTrades, progress, done, replyTimeout));

    private void Next()
    {
        _inFlight = false;
        if (_groups.Count == 0)
        {
            if (_streamEnded) Finish();
            else _stream?.Tell(new Ack());
            return;
        }
        _inFlight = true;
        _group = _groups.Dequeue();
        _replies = new BarProcessed?[_group.Length];
        var time = _group[0].Bar.Time;
        try
        {
            _beforeGroup(Array.ConvertAll(_group, c => c.Bar));
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }
        var view = _viewBefore(time);
        // Most bars need no exchange with the account: their view is ready at once and goes out without a hop through the mailbox.
        if (view.IsCompletedSuccessfully) Send(view.Result);
        else view.PipeTo(Self, success: v => new ViewReady(v), failure: ex => new Failed(ex));
    }

    private void Send(PortfolioView view)
    {
        _awaiting = _group.Length;
        foreach (var cmd in _group) _symbols.Tell(cmd with { Portfolio = view });
    }

    private void OnReply(BarProcessed reply)
    {
        var slot = Array.FindIndex(_group, c => c.Symbol == reply.Symbol && c.Seq == reply.Seq);
        if (slot < 0 || _replies[slot] is not null) return;
        _replies[slot] = reply;
        _progress(++_bars);
        if (--_awaiting > 0) return;

        // Replies arrive in any order; the ledger and the listeners take them in the order of the group's bars.
        var closed = new List<ClosedTrade>();
        foreach (var r in _replies)
        {
            closed.AddRange(_record(r!));
            if (r.Replayed) _replayed++;
            if (r.AlreadyProcessed) _already++;
        }
        if (closed.Count == 0)
        {
            Next();
            return;
        }
        _afterTrades(closed).PipeTo(Self, success: () => new ListenersDone(), failure: ex => new Failed(ex));
    }

    private void Finish()
    {
        _done.TrySetResult(new ReplayCounts(_bars, _replayed, _already));
        Context.Stop(Self);
    }

    private void Fail(Exception cause)
    {
        _done.TrySetException(cause);
        Context.Stop(Self);
    }
}
