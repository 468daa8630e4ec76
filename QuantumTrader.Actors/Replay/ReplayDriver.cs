using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Replay;

/// <summary>Counts of one replay, reported when the stream completes.</summary>
public sealed record ReplayCounts(long Bars, long Replayed, long AlreadyProcessed, int Divergences, long Batches, long DecidedAgain, long BatchesDecidedAgain);

/// <summary>What the replay driver needs from the run around it: the account, the learning cascade and progress.</summary>
public interface IReplayHost
{
    /// <summary>Runs before a batch goes out, with its bars in data order (the risk board observes them, the weights are set).</summary>
    void BeforeBatch(IReadOnlyList<Bar> bars);

    /// <summary>
    /// The earliest time at or after <paramref name="time"/> when something already known (from a resumed journal, or from
    /// the bars <paramref name="ahead"/>, the next batch's candidates in data order) changes the portfolio.
    /// </summary>
    DateTimeOffset? NextKnownChange(DateTimeOffset time, IReadOnlyList<Bar> ahead);

    /// <summary>The portfolio a bar at <paramref name="time"/> is decided under.</summary>
    Task<PortfolioView> ViewBefore(DateTimeOffset time);

    /// <summary>
    /// The same portfolio from what the host holds already: the account's emergency-stop mode as last heard, without handing
    /// it the trades that just closed. Equal to <see cref="ViewBefore"/> unless those trades change the mode.
    /// </summary>
    PortfolioView ViewFromBook(DateTimeOffset time);

    /// <summary>What a decision at <paramref name="time"/> depends on besides its bars and the portfolio (the ensemble's weights, the served models), comparable as text.</summary>
    string DecisionInputs(DateTimeOffset time);

    /// <summary>Books positions opened and trades closed by kept bars; returns the trades it had not booked before.</summary>
    IReadOnlyList<ClosedTrade> Record(IReadOnlyList<PositionOpened> opened, IReadOnlyList<ClosedTrade> closed);

    /// <summary>True when the trades' events must be in the journal before <see cref="AfterTrades"/> takes them.</summary>
    bool DurableBeforeTrades { get; }

    /// <summary>Takes the trades closed at one time, in the order of their bars; the next batch waits for it.</summary>
    Task AfterTrades(IReadOnlyList<ClosedTrade> closed);

    void Progress(long bars);
}

/// <summary>
/// Feeds bars from the stream into the symbol entities in batches of timestamps (<see cref="DecideBars"/>). Every symbol
/// decides its bars of the batch under the portfolio as of the batch's first time and stops after the first bar that
/// changes the portfolio (<see cref="PortfolioEvents"/>). The batch is kept up to the earliest such stop: until then the
/// portfolio every bar saw is the one it would have seen one timestamp at a time. The next batch tells each entity what
/// to commit (journal) and starts after the kept part; what was decided after it is dropped and decided again under the
/// new portfolio. Meanwhile the trades closed at the stop go to the learning cascade and the account; the next batch goes
/// out at once with the weights, models and emergency-stop mode of before, and is kept only if the trades changed none of
/// them (they seldom do), else decided again once they are known. So a replay is deterministic and equal to deciding one
/// timestamp at a time, with far fewer round trips.
/// </summary>
public sealed class ReplayDriver : ReceiveActor
{
    public sealed record Started;
    public sealed record Ack;
    public sealed record Completed;
    public sealed record Failed(Exception Cause);
    /// <summary>The trades reached the host; <paramref name="View"/> is the next batch's portfolio when it was fetched meanwhile.</summary>
    private sealed record Continue((DateTimeOffset Time, PortfolioView View)? View = null);
    private sealed record ViewReady(PortfolioView View);

    /// <summary>The learning cascade and the account took the trades; <paramref name="View"/> is the portfolio the batch sent meanwhile must have seen.</summary>
    private sealed record TradesTaken(PortfolioView View);

    /// <summary>A batch sent before the trades that preceded it reached the host, with what its decisions assumed.</summary>
    private sealed class Speculation(DateTimeOffset start, string inputs, string essMode)
    {
        public DateTimeOffset Start { get; } = start;
        public string Inputs { get; } = inputs;
        public string EssMode { get; } = essMode;
        public bool RepliesIn { get; set; }
        public PortfolioView? Actual { get; set; }
    }

    /// <summary>One timestamp of the data: the bars of every symbol at that time, in data order.</summary>
    public sealed record Group(DateTimeOffset Time, IReadOnlyList<BarToDecide> Bars);

    private readonly IActorRef _symbols;
    private readonly IReplayHost _host;
    private readonly TaskCompletionSource<ReplayCounts> _done;
    private readonly DecisionWindow _window;
    private readonly List<Group> _buffer = [];
    private readonly Dictionary<string, long> _commitThrough = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uncommitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BarsDecided> _replies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SymbolReplayCounts> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _entities = new(StringComparer.Ordinal);
    private IActorRef? _stream;
    private bool _streamEnded, _requested, _inFlight;
    private Group[] _batch = [];
    private int _awaiting;
    private IReadOnlyList<ClosedTrade>? _tradesAfterCommit;
    private (DateTimeOffset Time, PortfolioView View)? _prefetched;
    private Speculation? _speculation;
    private long _bars, _batches, _decidedAgain, _batchesDecidedAgain;

    public ReplayDriver(IActorRef symbols, IReplayHost host, TaskCompletionSource<ReplayCounts> done, TimeSpan replyTimeout, int maxBatch)
    {
        _symbols = symbols;
        _host = host;
        _done = done;
        _window = new DecisionWindow(maxBatch);
        SetReceiveTimeout(replyTimeout);

        Receive<Started>(_ =>
        {
            _stream = Sender;
            _requested = true;
            Sender.Tell(new Ack());
        });
        Receive<Group[]>(groups =>
        {
            _stream = Sender;
            _requested = false;
            _buffer.AddRange(groups);
            if (!_inFlight) Next();
        });
        Receive<BarsDecided>(reply =>
        {
            Remember(reply.Symbol, Sender);
            OnReply(reply);
        });
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<ViewReady>(ready => Send(ready.View));
        Receive<Continue>(c =>
        {
            _prefetched = c.View;
            Next();
        });
        Receive<TradesTaken>(taken =>
        {
            if (_speculation is not { } speculation) return;
            speculation.Actual = taken.View;
            if (speculation.RepliesIn) Verify();
        });
        Receive<Completed>(_ =>
        {
            _streamEnded = true;
            if (!_inFlight) Next();
        });
        Receive<Status.Failure>(f => Fail(f.Cause));
        Receive<Failed>(f => Fail(f.Cause));
        Receive<ReceiveTimeout>(_ =>
        {
            if (_inFlight) Fail(new TimeoutException($"{_replies.Count} of the symbol entities answered within {replyTimeout}; the others did not"));
        });
    }

    public static Props PropsFor(IActorRef symbols, IReplayHost host, TaskCompletionSource<ReplayCounts> done, TimeSpan replyTimeout, int maxBatch) =>
        Props.Create(() => new ReplayDriver(symbols, host, done, replyTimeout, maxBatch));

    private void Next()
    {
        _inFlight = false;
        if (_buffer.Count < _window.Size && !_streamEnded)
        {
            if (!_requested && _stream is not null)
            {
                _requested = true;
                _stream.Tell(new Ack());
            }
            if (_buffer.Count == 0 || _requested) return;
        }
        if (_buffer.Count == 0)
        {
            if (_uncommitted.Count > 0) CommitOnly();
            else Finish();
            return;
        }

        var start = _buffer[0].Time;
        Task<PortfolioView> view;
        try
        {
            TakeBatch(start);
            view = _prefetched is { } p && p.Time == start ? Task.FromResult(p.View) : _host.ViewBefore(start);
            _prefetched = null;
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }
        // Most batches need no exchange with the account: their view is ready at once and goes out without a hop through the mailbox.
        if (view.IsCompletedSuccessfully) Send(view.Result);
        else view.PipeTo(Self, success: v => new ViewReady(v), failure: ex => new Failed(ex));
    }

    /// <summary>The next batch: up to the window's length, never past a change already known; the host observes its bars.</summary>
    private void TakeBatch(DateTimeOffset start)
    {
        var candidates = Math.Min(_window.Size, _buffer.Count);
        var ahead = new List<Bar>(2 * candidates);
        for (var i = 0; i < candidates; i++)
            foreach (var bar in _buffer[i].Bars) ahead.Add(bar.Bar);
        var limit = _host.NextKnownChange(start, ahead);
        var take = 1;
        while (take < candidates && (limit is null || _buffer[take].Time <= limit)) take++;
        _batch = _buffer.GetRange(0, take).ToArray();
        _inFlight = true;
        _host.BeforeBatch(_batch.SelectMany(g => g.Bars).Select(b => b.Bar).ToArray());
    }

    private void Send(PortfolioView view)
    {
        _replies.Clear();
        var bySymbol = new Dictionary<string, List<BarToDecide>>(StringComparer.Ordinal);
        foreach (var bar in _batch.SelectMany(g => g.Bars))
        {
            if (!bySymbol.TryGetValue(bar.Bar.Symbol, out var list)) bySymbol[bar.Bar.Symbol] = list = [];
            list.Add(bar);
        }
        foreach (var symbol in _uncommitted.Where(s => !bySymbol.ContainsKey(s)).ToArray()) bySymbol[symbol] = [];
        _awaiting = bySymbol.Count;
        foreach (var (symbol, bars) in bySymbol)
            (_entities.GetValueOrDefault(symbol) ?? _symbols).Tell(new DecideBars(symbol, _commitThrough.GetValueOrDefault(symbol), bars, view));
        _uncommitted.Clear();
        _batches++;
    }

    /// <summary>
    /// After its first answer a symbol's entity is addressed directly, which saves every batch the hops through the shard
    /// region and the shard. The entity is watched: one that stops mid-replay loses what it decided but did not commit,
    /// so the replay fails at once with the way out instead of waiting for a reply that cannot come.
    /// </summary>
    private void Remember(string symbol, IActorRef entity)
    {
        if (entity.IsNobody() || _entities.TryGetValue(symbol, out var known) && known.Equals(entity)) return;
        _entities[symbol] = entity;
        Context.Watch(entity);
    }

    private void Forget(IActorRef entity)
    {
        var symbol = _entities.FirstOrDefault(e => e.Value.Equals(entity)).Key;
        if (symbol is null) return;
        _entities.Remove(symbol);
        if (_inFlight || _uncommitted.Contains(symbol))
            Fail(new InvalidOperationException(
                $"the {symbol} entity stopped during the replay and lost the bars it had not committed; run the same command again to resume from the journal"));
    }

    /// <summary>After the last batch: commits what the last replies kept, then finishes.</summary>
    private void CommitOnly()
    {
        _batch = [];
        _inFlight = true;
        Send(PortfolioView.Of(0));
    }

    private void OnReply(BarsDecided reply)
    {
        if (!_inFlight || !_replies.TryAdd(reply.Symbol, reply)) return;
        _counts[reply.Symbol] = reply.Counts;
        if (--_awaiting > 0) return;
        if (_speculation is { } speculation)
        {
            speculation.RepliesIn = true;
            if (speculation.Actual is not null) Verify();
            return;
        }
        Settle();
    }

    /// <summary>
    /// Every reply of a speculative batch and the trades before it are in: the batch is kept when the trades changed nothing
    /// its decisions read, else its decisions are dropped and the same bars go out again under what the trades decided.
    /// </summary>
    private void Verify()
    {
        var speculation = _speculation!;
        _speculation = null;
        var actual = speculation.Actual!;
        if (actual.EssMode == speculation.EssMode && _host.DecisionInputs(speculation.Start) == speculation.Inputs)
        {
            Settle();
            return;
        }
        _batchesDecidedAgain++;
        foreach (var r in _replies.Values) _decidedAgain += Math.Max(0, r.DecidedThrough - r.CommittedThrough);
        try
        {
            _host.BeforeBatch(_batch.SelectMany(g => g.Bars).Select(b => b.Bar).ToArray());
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }
        Send(actual);
    }

    /// <summary>Every reply of the batch is in: keeps it up to the first portfolio change, books what changed and goes on.</summary>
    private void Settle()
    {
        if (_batch.Length == 0)
        {
            if (_tradesAfterCommit is { } trades)
            {
                _tradesAfterCommit = null;
                AfterTrades(trades, speculate: false);
            }
            else Next();
            return;
        }

        // The batch is kept up to the first time any symbol's portfolio-changing bar happened.
        var stops = _replies.Values.Where(r => r.Stopped).ToArray();
        var keptThrough = stops.Length == 0 ? _batch[^1].Time : stops.Min(r => TimeOf(r.Symbol, r.DecidedThrough));
        var kept = _batch.TakeWhile(g => g.Time <= keptThrough).ToArray();
        foreach (var bar in kept.SelectMany(g => g.Bars))
        {
            _commitThrough[bar.Bar.Symbol] = bar.Seq;
            _uncommitted.Add(bar.Bar.Symbol);
        }
        foreach (var r in _replies.Values)
            _decidedAgain += Math.Max(0, r.DecidedThrough - Math.Max(r.CommittedThrough, _commitThrough.GetValueOrDefault(r.Symbol)));
        _buffer.RemoveRange(0, kept.Length);
        _window.Observe(_batch.Length, kept.Length);
        _bars += kept.Sum(g => g.Bars.Count);
        _host.Progress(_bars);

        // Positions and trades of the stopping bars, in the order of the data.
        var order = kept[^1].Bars.Select((b, i) => (b.Bar.Symbol, i)).ToDictionary(x => x.Symbol, x => x.i);
        var atStop = stops.Where(r => TimeOf(r.Symbol, r.DecidedThrough) == keptThrough).OrderBy(r => order[r.Symbol]).ToArray();
        IReadOnlyList<ClosedTrade> closed;
        try
        {
            closed = _host.Record(atStop.SelectMany(r => r.PositionsOpened).ToArray(), atStop.SelectMany(r => r.ClosedTrades).ToArray());
        }
        catch (Exception ex)
        {
            Fail(ex);
            return;
        }
        if (closed.Count == 0)
        {
            Next();
            return;
        }
        if (_host.DurableBeforeTrades)
        {
            _tradesAfterCommit = closed;
            CommitOnly();
            return;
        }
        AfterTrades(closed);
    }

    /// <summary>The time of the batch's bar <paramref name="seq"/> of <paramref name="symbol"/> (a stop is early in the batch, so a scan is short).</summary>
    private DateTimeOffset TimeOf(string symbol, long seq)
    {
        foreach (var group in _batch)
        {
            foreach (var bar in group.Bars)
            {
                if (bar.Seq == seq && string.Equals(bar.Bar.Symbol, symbol, StringComparison.Ordinal)) return group.Time;
            }
        }
        throw new InvalidOperationException($"{symbol} stopped at bar #{seq}, which is not in the batch");
    }

    /// <summary>
    /// Hands the trades to the host. When more bars are at hand the next batch goes out first, under the weights, models and
    /// emergency-stop mode as they stood (<see cref="Verify"/> checks them once the trades are taken); the account settles
    /// the trades for that batch's portfolio meanwhile. Trades that must be durable first are taken before anything else
    /// goes out.
    /// </summary>
    private void AfterTrades(IReadOnlyList<ClosedTrade> closed, bool speculate = true)
    {
        try
        {
            if (_buffer.Count == 0 || !speculate)
            {
                _host.AfterTrades(closed).PipeTo(Self, success: () => new Continue(), failure: ex => new Failed(ex));
                return;
            }
            var start = _buffer[0].Time;
            TakeBatch(start);
            var assumed = _host.ViewFromBook(start);
            _speculation = new Speculation(start, _host.DecisionInputs(start), assumed.EssMode);
            Send(assumed);
            RequestMoreIfShort();
            // Started only now: until this point the host's book and weights are read on this thread alone.
            var taken = _host.AfterTrades(closed);
            var view = _host.ViewBefore(start);
            Task.WhenAll(taken, view).PipeTo(Self, success: () => new TradesTaken(view.Result), failure: ex => new Failed(ex));
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void RequestMoreIfShort()
    {
        if (_buffer.Count >= 2 * _window.Size || _streamEnded || _requested || _stream is null) return;
        _requested = true;
        _stream.Tell(new Ack());
    }

    private void Finish()
    {
        var totals = _counts.Values;
        _done.TrySetResult(new ReplayCounts(_bars, totals.Sum(c => c.Replayed), totals.Sum(c => c.AlreadyProcessed), totals.Sum(c => c.Divergences),
            _batches, _decidedAgain, _batchesDecidedAgain));
        Context.Stop(Self);
    }

    private void Fail(Exception cause)
    {
        _done.TrySetException(cause);
        Context.Stop(Self);
    }
}
