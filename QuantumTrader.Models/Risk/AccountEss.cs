using System.Collections.Immutable;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>A closed trade as the emergency stop sees it: what it made or lost and when it was at risk.</summary>
public sealed record EssTrade
{
    public EssTrade(string tradeId, string symbol, DateTimeOffset entryTime, DateTimeOffset exitTime, double pnl)
    {
        const string T = nameof(EssTrade);
        TradeId = Guard.NotEmpty(T, nameof(TradeId), tradeId);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        EntryTime = entryTime;
        Guard.That(exitTime >= entryTime, T, nameof(ExitTime), "cannot precede EntryTime", exitTime);
        ExitTime = exitTime;
        Pnl = Guard.Finite(T, nameof(Pnl), pnl);
    }

    public string TradeId { get; }
    public string Symbol { get; }
    public DateTimeOffset EntryTime { get; }
    public DateTimeOffset ExitTime { get; }
    public double Pnl { get; }

    public static EssTrade From(ClosedTrade trade)
    {
        Guard.NotNull(nameof(EssTrade), "trade", trade);
        return new EssTrade(trade.TradeId, trade.Symbol, trade.EntryTime, trade.ExitTime, trade.Pnl);
    }
}

/// <summary>
/// The open positions of the account marked at the closes of the bars at <paramref name="Time"/>: what they have made
/// (<see cref="Trading.PositionOpened.OpenPnlAt"/>), trades that exited at or before Time left out (they are settled).
/// </summary>
public sealed record EssMark
{
    public EssMark(DateTimeOffset time, double openPnl)
    {
        Time = time;
        OpenPnl = Guard.Finite(nameof(EssMark), nameof(OpenPnl), openPnl);
    }

    public DateTimeOffset Time { get; }
    public double OpenPnl { get; }
}

/// <summary>
/// The trades that became visible to decisions at market time AsOf, in ledger order (exit time, then trade id), and the
/// marks of the open positions at every bar before AsOf not sent before (in time order): what the account journals so
/// that its emergency stop replays the same equity path after a restart. A batch without either only advances the
/// account's market clock. Batches journaled before marks existed have none.
/// </summary>
public sealed record EssTradesSettled : IDomainEvent
{
    public EssTradesSettled(string accountId, DateTimeOffset asOf, IReadOnlyList<EssTrade> trades, IReadOnlyList<EssMark>? marks = null)
    {
        const string T = nameof(EssTradesSettled);
        AccountId = Guard.NotEmpty(T, nameof(AccountId), accountId);
        AsOf = asOf;
        Guard.NotNull(T, nameof(Trades), trades);
        for (var i = 0; i < trades.Count; i++)
        {
            var trade = Guard.NotNull(T, nameof(Trades), trades[i]);
            Guard.That(trade.ExitTime <= asOf, T, nameof(Trades), $"trade {trade.TradeId} exits after AsOf {asOf:O}", trade.ExitTime);
            if (i > 0)
                Guard.That(LedgerOrder(trades[i - 1], trade) < 0, T, nameof(Trades),
                    $"must be in ledger order without repeats: {trade.TradeId} follows {trades[i - 1].TradeId}", trade.TradeId);
        }
        Trades = trades.ToArray();
        marks ??= [];
        for (var i = 0; i < marks.Count; i++)
        {
            var mark = Guard.NotNull(T, nameof(Marks), marks[i]);
            Guard.That(mark.Time < asOf, T, nameof(Marks), $"mark at {mark.Time:O} is not before AsOf {asOf:O}", mark.Time);
            if (i > 0)
                Guard.That(mark.Time > marks[i - 1].Time, T, nameof(Marks), $"must be in time order without repeats: {mark.Time:O} follows {marks[i - 1].Time:O}", mark.Time);
        }
        Marks = marks.ToArray();
    }

    public string AccountId { get; }
    public DateTimeOffset AsOf { get; }
    public IReadOnlyList<EssTrade> Trades { get; }
    public IReadOnlyList<EssMark> Marks { get; }

    private static int LedgerOrder(EssTrade a, EssTrade b)
    {
        var c = a.ExitTime.CompareTo(b.ExitTime);
        return c != 0 ? c : string.CompareOrdinal(a.TradeId, b.TradeId);
    }
}

/// <summary>
/// The emergency stop of one account as its entity keeps it: plain data, snapshot as is.
/// Equity is StartingEquity plus the Pnl of every settled trade, applied in ledger order, each trade once. The ESS
/// (<see cref="EssState"/>) observes the marked equity, Equity plus the open positions' <see cref="EssMark.OpenPnl"/>, at
/// every mark, after the trades that exited at or before it; a trade observes Equity at its exit itself only when no mark
/// shares its exit time (no position was left open, or the batch came before marks existed). Before the first
/// observation the ESS observes StartingEquity, so the first loss already counts as drawdown. Transitions keeps every
/// mode change (market time, from, to, drawdown) so a reader can ask which mode held before any instant
/// (<see cref="ModeBefore"/>), also after the account has moved on.
/// </summary>
public sealed record AccountEss
{
    public AccountEss(string accountId, double startingEquity, double equity, EssState state, DateTimeOffset? clock,
        IReadOnlyList<string> appliedTradeIds, IReadOnlyList<EssTransition> transitions, DateTimeOffset? markedBefore = null)
        : this(accountId, startingEquity, equity, state, clock, ImmutableList.CreateRange(Guard.NotNull(nameof(AccountEss), nameof(AppliedTradeIds), appliedTradeIds)),
            null, transitions, markedBefore)
    {
    }

    /// <summary>Settling shares the applied ids with the previous state instead of copying them: a long-lived account settles in time
    /// that does not grow with its number of trades.</summary>
    private AccountEss(string accountId, double startingEquity, double equity, EssState state, DateTimeOffset? clock,
        ImmutableList<string> appliedTradeIds, ImmutableHashSet<string>? appliedSet, IReadOnlyList<EssTransition> transitions, DateTimeOffset? markedBefore)
    {
        const string T = nameof(AccountEss);
        AccountId = Guard.NotEmpty(T, nameof(AccountId), accountId);
        StartingEquity = Guard.Positive(T, nameof(StartingEquity), startingEquity);
        Equity = Guard.Finite(T, nameof(Equity), equity);
        State = Guard.NotNull(T, nameof(State), state);
        Clock = clock;
        _appliedIds = appliedTradeIds;
        _appliedSet = appliedSet ?? ImmutableHashSet.CreateRange(StringComparer.Ordinal, appliedTradeIds);
        Transitions = Guard.NotNull(T, nameof(Transitions), transitions).ToArray();
        MarkedBefore = markedBefore;
        for (var i = 1; i < Transitions.Count; i++)
            Guard.That(Transitions[i].Time >= Transitions[i - 1].Time, T, nameof(Transitions), "must be in time order", Transitions[i].Time);
    }

    private readonly ImmutableList<string> _appliedIds;
    private readonly ImmutableHashSet<string> _appliedSet;

    /// <summary>The account under other emergency-stop options (<see cref="EssState.WithOptions"/>).</summary>
    public AccountEss WithOptions(EssOptions options) =>
        new(AccountId, StartingEquity, Equity, State.WithOptions(options), Clock, _appliedIds, _appliedSet, Transitions, MarkedBefore);

    public static AccountEss Start(string accountId, double startingEquity, EssOptions? options = null) =>
        new(accountId, startingEquity, startingEquity, EssState.Initial(options), null, [], []);

    public string AccountId { get; }
    public double StartingEquity { get; }
    public double Equity { get; }
    public EssState State { get; }

    /// <summary>The latest market time the account has been told about (a settled batch's AsOf or an ESS input); null before any.</summary>
    public DateTimeOffset? Clock { get; }

    /// <summary>The AsOf of the latest batch applied: every mark before it has been applied, so one sent again is left out.</summary>
    public DateTimeOffset? MarkedBefore { get; }

    public IReadOnlyList<string> AppliedTradeIds => _appliedIds;
    public IReadOnlyList<EssTransition> Transitions { get; }

    [JsonIgnore]
    public EssMode Mode => State.Mode;

    public bool HasApplied(string tradeId) => _appliedSet.Contains(tradeId);

    /// <summary>The mode in force just before <paramref name="time"/>: the last transition strictly earlier, or NORMAL.</summary>
    public EssMode ModeBefore(DateTimeOffset time) => ModeBefore(Transitions, time);

    public static EssMode ModeBefore(IReadOnlyList<EssTransition> transitions, DateTimeOffset time)
    {
        Guard.NotNull(nameof(AccountEss), nameof(transitions), transitions);
        int lo = 0, hi = transitions.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (transitions[mid].Time < time) lo = mid + 1; else hi = mid;
        }
        return lo == 0 ? EssMode.Normal : transitions[lo - 1].To;
    }

    /// <summary>
    /// The time a job fixes for an operator's trigger or reset it takes between two bars: one tick before
    /// <paramref name="nextBar"/>, so it reaches that bar and none before.
    /// </summary>
    public static DateTimeOffset BeforeBar(DateTimeOffset nextBar) => nextBar.AddTicks(-1);

    /// <summary>
    /// Whether a job takes an operator's command before <paramref name="nextBar"/>. A resumed start first goes through the
    /// bars decided before it (up to <paramref name="decidedBefore"/>) without deciding them; they were decided without the
    /// command, and their trades and marks must reach the account before it, so the command waits for the first bar after them.
    /// </summary>
    public static bool TakesCommandsBefore(DateTimeOffset nextBar, DateTimeOffset? decidedBefore) => decidedBefore is not { } decided || nextBar > decided;

    /// <summary>
    /// The market time a manual trigger or reset takes effect after. <paramref name="at"/> is the time the job fixed for it
    /// (<see cref="BeforeBar"/>, or the journaled time a replay repeats), taken as is unless the account
    /// has seen a later input. Without it, the account's clock, so it sorts after every input the ESS has seen; the
    /// operator's own time only when the account has never been told a market time.
    /// </summary>
    public DateTimeOffset ManualInputTime(DateTimeOffset requestedAt, DateTimeOffset? at = null) =>
        at is { } fixedAt ? Later(Clock, fixedAt)!.Value : Clock ?? requestedAt;

    /// <summary>The batch with the trades and marks already applied left out (the driver re-sends after a restart).</summary>
    public EssTradesSettled WithoutApplied(EssTradesSettled batch)
    {
        Guard.NotNull(nameof(AccountEss), "batch", batch);
        return new EssTradesSettled(batch.AccountId, batch.AsOf, batch.Trades.Where(t => !HasApplied(t.TradeId)).ToArray(),
            batch.Marks.Where(IsNew).ToArray());
    }

    private bool IsNew(EssMark mark) => MarkedBefore is not { } before || mark.Time >= before;

    public (AccountEss Next, IReadOnlyList<EssTransition> Transitions) Apply(IDomainEvent input) => Apply(input, null);

    /// <summary>
    /// <see cref="Apply(IDomainEvent)"/>, adding to <paramref name="path"/> every state the emergency stop passes through:
    /// one per observation of the marked equity, one per operator's trigger or reset once an equity was observed. The path
    /// is what the stop read.
    /// </summary>
    public (AccountEss Next, IReadOnlyList<EssTransition> Transitions) Apply(IDomainEvent input, List<EssState>? path) => input switch
    {
        EssTradesSettled s => Settle(s, path),
        EssManualTrigger m => Step(State.ManualTrigger(m.Reason, m.Time, m.Operator), m.Time, path),
        EssManualReset r => Step(State.ManualReset(r.Reason, r.Time, r.Operator), r.Time, path),
        null => throw new DomainValidationException(nameof(AccountEss), "input", "is required", null),
        _ => throw new DomainValidationException(nameof(AccountEss), "input", "is not an account ESS input", input.GetType().Name),
    };

    private (AccountEss, IReadOnlyList<EssTransition>) Settle(EssTradesSettled batch, List<EssState>? path)
    {
        Guard.That(batch.AccountId == AccountId, nameof(AccountEss), nameof(batch.AccountId), $"batch of another account (this is {AccountId})", batch.AccountId);
        var applied = _appliedIds.ToBuilder();
        var seen = _appliedSet.ToBuilder();
        var fresh = batch.Trades.Where(t => seen.Add(t.TradeId)).ToArray();
        applied.AddRange(fresh.Select(t => t.TradeId));
        var (state, equity, produced) = Walk(State, Equity, MarkedBefore, fresh, batch.Marks, path);
        var clock = Later(Later(Clock, batch.AsOf), state.LastTime);
        return (new AccountEss(AccountId, StartingEquity, equity, state, clock, applied.ToImmutable(), seen.ToImmutable(), [.. Transitions, .. produced],
            Later(MarkedBefore, batch.AsOf)), produced);
    }

    /// <summary>
    /// The mode changes the account would make if it settled <paramref name="trades"/> (none applied before) and
    /// <paramref name="marks"/> from this state: how the replay driver finds the bar a mark changes the mode at before
    /// any bar after it is decided.
    /// </summary>
    public static IReadOnlyList<EssTransition> Preview(EssState state, double equity, DateTimeOffset? markedBefore, IReadOnlyList<EssTrade> trades,
        IReadOnlyList<EssMark> marks) =>
        trades.Count == 0 && StaysNormal(state, equity, marks) ? [] : Walk(state, equity, markedBefore, trades, marks, null).Produced;

    /// <summary>In NORMAL only a tightening can change the mode: no mark below the first threshold means no change (checked without building states).</summary>
    private static bool StaysNormal(EssState state, double equity, IReadOnlyList<EssMark> marks)
    {
        if (state.Mode != EssMode.Normal) return false;
        var peak = state.PeakEquity == 0 ? equity : state.PeakEquity;
        foreach (var mark in marks)
        {
            var marked = Math.Max(0, equity + mark.OpenPnl);
            peak = Math.Max(peak, marked);
            if (peak > 0 && state.Options.ModeFor(Math.Min(0.0, 100.0 * (marked - peak) / peak)) != EssMode.Normal) return false;
        }
        return true;
    }

    private static (EssState State, double Equity, List<EssTransition> Produced) Walk(EssState state, double equity, DateTimeOffset? markedBefore,
        IReadOnlyList<EssTrade> trades, IReadOnlyList<EssMark> allMarks, List<EssState>? path)
    {
        var produced = new List<EssTransition>();
        // The driver previews on every batch: no copies unless a mark was applied before.
        var marks = markedBefore is { } before && allMarks.Count > 0 && allMarks[0].Time < before
            ? allMarks.Where(m => m.Time >= before).ToArray()
            : allMarks;
        var markTimes = trades.Count > 0 && marks.Count > 0 ? marks.Select(m => m.Time).ToHashSet() : null;
        var next = 0;
        foreach (var trade in trades)
        {
            while (next < marks.Count && marks[next].Time < trade.ExitTime)
                state = ObserveMark(state, marks[next++], equity, produced, path);
            if (state.PeakEquity == 0)
                state = Observe(state, trade.EntryTime, equity, produced, path);
            equity += trade.Pnl;
            if (markTimes?.Contains(trade.ExitTime) != true)
                state = Observe(state, trade.ExitTime, equity, produced, path);
        }
        while (next < marks.Count)
            state = ObserveMark(state, marks[next++], equity, produced, path);
        return (state, equity, produced);
    }

    private static EssState ObserveMark(EssState state, EssMark mark, double equity, List<EssTransition> produced, List<EssState>? path)
    {
        if (state.PeakEquity == 0)
            state = Observe(state, mark.Time, equity, produced, path);
        return Observe(state, mark.Time, equity + mark.OpenPnl, produced, path);
    }

    private (AccountEss, IReadOnlyList<EssTransition>) Step((EssState Next, EssTransition? Transition) step, DateTimeOffset time, List<EssState>? path)
    {
        // Before the first observation there is no equity to show.
        if (step.Next.PeakEquity > 0) path?.Add(step.Next);
        IReadOnlyList<EssTransition> produced = step.Transition is { } t ? [t] : [];
        return (new AccountEss(AccountId, StartingEquity, Equity, step.Next, Later(Clock, time), _appliedIds, _appliedSet,
            [.. Transitions, .. produced], MarkedBefore), produced);
    }

    /// <summary>The ESS clock never runs backwards: an input older than the last one (possible only after an operator's
    /// input stamped with the wall clock before any market time was known) is taken at the last input's time.</summary>
    private static EssState Observe(EssState state, DateTimeOffset time, double equity, List<EssTransition> produced, List<EssState>? path)
    {
        var at = state.LastTime is { } last && time < last ? last : time;
        // A blown account is observed at zero: the ESS measures drawdown, and -100% is as far as it goes.
        var (next, transition) = state.Observe(at, Math.Max(0, equity));
        if (transition is not null) produced.Add(transition);
        path?.Add(next);
        return next;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
