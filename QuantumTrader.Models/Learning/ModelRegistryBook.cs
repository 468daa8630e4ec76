using System.Globalization;
using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Learning;

/// <summary>A promotion opened a circuit breaker on the new champion.</summary>
public sealed record CircuitBreakerOpened(CircuitBreakerState Breaker) : IDomainEvent;

/// <summary>A closed trade of the watched slot counted in its breaker (R as the slot's vote earned it).</summary>
public sealed record CircuitBreakerTradeRecorded(string Slot, string Version, string TradeId, double RMultiple, DateTimeOffset Time) : IDomainEvent;

/// <summary>The breaker tripped, with its evidence; <see cref="RollbackRefused"/> says why no rollback followed when none could.</summary>
public sealed record CircuitBreakerTripped(BreakerTrip Trip, string? RollbackRefused) : IDomainEvent;

/// <summary>The breaker stopped watching <see cref="Version"/> without a trip: its window ended or the version was replaced.</summary>
public sealed record CircuitBreakerClosed(string Slot, string Version, string Reason, DateTimeOffset Time) : IDomainEvent;

/// <summary>A closed trade decided during the slot's A/B test, counted in the arm that decided it (R as the slot's vote earned it).</summary>
public sealed record AbTestTradeRecorded(string Slot, string Version, string TradeId, bool ToChallenger, double RMultiple, DateTimeOffset Time) : IDomainEvent;

/// <summary>An operator's stop of the slot's running A/B test (seed 002's manual stop).</summary>
public sealed record StopAbTest(string Slot, string Reason, DateTimeOffset Time) : RegistryCommand(Slot, Time);

/// <summary>The running A/B test of a slot: its challenger, both arms, and the trades counted.</summary>
public sealed record AbTestArms(string Version, ArmStats Champion, ArmStats Challenger, IReadOnlyList<string> TradeIds);

/// <summary>A command's outcome on the book: the events to persist, or why it was refused (no events then).</summary>
public sealed record RegistryBookResult(IReadOnlyList<IDomainEvent> Events, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>Who was a slot's champion at a time, and the promotion or rollback that made it so.</summary>
public sealed record ChampionAtTime(string Slot, string Version, DateTimeOffset Since, RegistryEvent Cause);

/// <summary>
/// What the model registry actor holds: the registry and, per slot, the circuit breaker the last promotion opened,
/// with the trades it counted. A promotion of a slot that had a champion opens a breaker on the new version; that
/// slot's attributed trades feed it; a trip rolls back to the previous champion and marks the new one degraded.
/// Everything changes through <see cref="Apply"/> of the events <see cref="Process"/> and <see cref="Feed"/> return,
/// so a restart in the middle of a window resumes the breaker where it was.
/// </summary>
public sealed record ModelRegistryBook(
    ModelRegistryState Registry,
    IReadOnlyDictionary<string, CircuitBreakerState> Breakers,
    IReadOnlyDictionary<string, string[]> BreakerTrades)
{
    public static readonly ModelRegistryBook Empty = new(ModelRegistryState.Empty,
        new Dictionary<string, CircuitBreakerState>(StringComparer.Ordinal), new Dictionary<string, string[]>(StringComparer.Ordinal));

    /// <summary>The A/B test arms per slot, from its start on (a concluded test's arms stay until the slot's next test).</summary>
    public IReadOnlyDictionary<string, AbTestArms> AbTests { get; init; } = new Dictionary<string, AbTestArms>(StringComparer.Ordinal);

    /// <summary>Each slot's running A/B test with the arms counted so far, in slot order.</summary>
    public IReadOnlyList<AbTestProgress> RunningAbTests() =>
        AbTests.Where(a => Registry.AbTestOf(a.Key) is { } test && test.Version == a.Value.Version).OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => AbTestProgress.Of(Registry.AbTestOf(a.Key)!, a.Value.Champion, a.Value.Challenger)).ToArray();

    public RegistryBookResult Process(RegistryCommand command, CircuitBreakerSettings? breakerSettings = null)
    {
        if (command is StopAbTest stop) return Stop(stop);
        if (command is ApproveCleanup approve && Watching(approve.Slot) is { } watching && watching.PreviousVersion == approve.Version)
            return new RegistryBookResult([], $"version {approve.Slot}/{approve.Version} is what the circuit breaker on {watching.NewVersion} " +
                                              $"rolls back to until {watching.MonitorUntil:O}");
        var result = Registry.Process(command);
        if (!result.Succeeded) return new RegistryBookResult([], result.Error);

        return new RegistryBookResult(WithBreakers(result.Events, breakerSettings), null);
    }

    /// <summary>An operator ends the slot's A/B test now: the challenger is not promoted and the slot serves its champion alone.</summary>
    private RegistryBookResult Stop(StopAbTest stop)
    {
        if (string.IsNullOrWhiteSpace(stop.Reason)) return new RegistryBookResult([], "stopping an A/B test must say why");
        if (Registry.AbTestOf(stop.Slot) is not { } test || !AbTests.TryGetValue(stop.Slot, out var arms))
            return new RegistryBookResult([], $"slot {stop.Slot} runs no A/B test");
        return new RegistryBookResult([.. Registry.ConcludeAbTest(test, arms.Champion, arms.Challenger, stop.Time, stop.Reason).Events], null);
    }

    /// <summary>Registry events with what they do to the breakers: a promotion closes the one watching and opens one on the new champion.</summary>
    private List<IDomainEvent> WithBreakers(IEnumerable<RegistryEvent> registryEvents, CircuitBreakerSettings? breakerSettings)
    {
        var events = new List<IDomainEvent>();
        foreach (var e in registryEvents)
        {
            events.Add(e);
            switch (e)
            {
                case VersionPromoted promoted:
                    if (Watching(promoted.Slot) is { } replaced)
                        events.Add(new CircuitBreakerClosed(promoted.Slot, replaced.NewVersion, $"replaced by the promotion of {promoted.Version}", promoted.Time));
                    if (CircuitBreakerState.OpenFor(promoted, breakerSettings) is { } opened) events.Add(new CircuitBreakerOpened(opened));
                    break;
                case VersionRolledBack rolledBack when Watching(rolledBack.Slot) is { } watched:
                    events.Add(new CircuitBreakerClosed(rolledBack.Slot, watched.NewVersion, $"rolled back to {rolledBack.Version}: {rolledBack.Reason}", rolledBack.Time));
                    break;
            }
        }
        return events;
    }

    /// <summary>
    /// A closed trade for the breakers: each watching breaker whose slot voted on it counts the slot's R once per trade id;
    /// a trade at or past a window's end closes that breaker. A trip brings its rollback events along.
    /// </summary>
    /// <remarks>
    /// A running A/B test counts the trade in the arm that decided it (<see cref="AbSplit"/> on its symbol and decision
    /// bar), if the slot voted on it and it was decided after the test began; the first trade at or past the test's end
    /// (its challenger trades or its duration) concludes it, and a switch promotes the challenger.
    /// </remarks>
    public (ModelRegistryBook Book, IReadOnlyList<IDomainEvent> Events) Feed(ClosedTrade trade, CircuitBreakerSettings? breakerSettings = null)
    {
        var outcomes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (model, r) in ModelAttribution.Outcomes(trade)) outcomes.TryAdd(model, r);
        var book = this;
        var events = new List<IDomainEvent>();
        void Emit(IDomainEvent e)
        {
            events.Add(e);
            book = book.Apply(e);
        }

        foreach (var slot in Breakers.Keys.Order(StringComparer.Ordinal))
        {
            var breaker = book.Breakers[slot];
            if (breaker.Status != BreakerStatus.Monitoring || book.BreakerTrades[slot].Contains(trade.TradeId)) continue;
            if (!outcomes.TryGetValue(slot, out var r))
            {
                if (breaker.AdvanceTo(trade.ExitTime).Status == BreakerStatus.Closed) Emit(WindowEnded(breaker, trade.ExitTime));
                continue;
            }

            var (next, trip) = breaker.Apply(r, trade.ExitTime);
            if (next == breaker) continue;
            if (next.Status == BreakerStatus.Closed && next.Trades == breaker.Trades)
            {
                Emit(WindowEnded(breaker, trade.ExitTime));
                continue;
            }

            Emit(new CircuitBreakerTradeRecorded(slot, breaker.NewVersion, trade.TradeId, r, trade.ExitTime));
            if (trip is null) continue;
            var rollback = book.Registry.Process(trip.ToRollBack());
            Emit(new CircuitBreakerTripped(trip, rollback.Error));
            foreach (var e in rollback.Events) Emit(e);
        }

        foreach (var slot in book.AbTests.Keys.Order(StringComparer.Ordinal).ToArray())
        {
            if (book.Registry.AbTestOf(slot) is not { } test || book.AbTests[slot] is not { } arms || arms.Version != test.Version) continue;
            if (arms.TradeIds.Contains(trade.TradeId)) continue;
            if (trade.Decision.DecidedAt >= test.Time && outcomes.TryGetValue(slot, out var r))
            {
                var toChallenger = AbSplit.ToChallenger(slot, test.Version, trade.Symbol, trade.Decision.DecidedAt, test.Settings.Share);
                Emit(new AbTestTradeRecorded(slot, test.Version, trade.TradeId, toChallenger, r, trade.ExitTime));
                arms = book.AbTests[slot];
            }

            if (!AbTestJudge.Due(arms.Challenger, test.Time, trade.ExitTime, test.Settings)) continue;
            var concluded = book.Registry.ConcludeAbTest(test, arms.Champion, arms.Challenger, trade.ExitTime);
            foreach (var e in book.WithBreakers(concluded.Events, breakerSettings)) Emit(e);
        }

        return (book, events);
    }

    public ModelRegistryBook Apply(IDomainEvent e)
    {
        switch (e)
        {
            case AbTestStarted started:
                return this with
                {
                    Registry = Registry.Apply(started),
                    AbTests = With(AbTests, started.Slot, new AbTestArms(started.Version, ArmStats.None, ArmStats.None, [])),
                };
            case RegistryEvent r:
                return this with { Registry = Registry.Apply(r) };
            case AbTestTradeRecorded t when AbTests.TryGetValue(t.Slot, out var arms) && arms.Version == t.Version:
                return this with
                {
                    AbTests = With(AbTests, t.Slot, arms with
                    {
                        Champion = t.ToChallenger ? arms.Champion : arms.Champion.Add(t.RMultiple),
                        Challenger = t.ToChallenger ? arms.Challenger.Add(t.RMultiple) : arms.Challenger,
                        TradeIds = [.. arms.TradeIds, t.TradeId],
                    }),
                };
            case AbTestTradeRecorded:
                return this;
            case CircuitBreakerOpened o:
                return this with
                {
                    Breakers = With(Breakers, o.Breaker.Slot, o.Breaker),
                    BreakerTrades = With(BreakerTrades, o.Breaker.Slot, []),
                };
            case CircuitBreakerTradeRecorded t:
                return this with
                {
                    Breakers = With(Breakers, t.Slot, Breakers[t.Slot].Apply(t.RMultiple, t.Time).State),
                    BreakerTrades = With(BreakerTrades, t.Slot, [.. BreakerTrades[t.Slot], t.TradeId]),
                };
            case CircuitBreakerTripped:
                return this;
            case CircuitBreakerClosed c when Breakers.TryGetValue(c.Slot, out var b) && b.NewVersion == c.Version && b.Status == BreakerStatus.Monitoring:
                return this with { Breakers = With(Breakers, c.Slot, b with { Status = BreakerStatus.Closed }) };
            case CircuitBreakerClosed:
                return this;
            default:
                throw new ArgumentException($"Unknown registry event {e.GetType().Name}.", nameof(e));
        }
    }

    /// <summary>The slot's champion at <paramref name="time"/> and the event that made it champion; null before its first promotion.</summary>
    public ChampionAtTime? ChampionAt(string slot, DateTimeOffset time)
    {
        ChampionAtTime? champion = null;
        foreach (var e in Registry.History)
        {
            if (e.Slot != slot || e.Time > time || e is not (VersionPromoted or VersionRolledBack)) continue;
            champion = new ChampionAtTime(slot, e.Version, e.Time, e);
        }

        return champion;
    }

    /// <summary>The breaker watching the slot's champion right now, if any.</summary>
    public CircuitBreakerState? Watching(string slot) =>
        Breakers.TryGetValue(slot, out var b) && b.Status == BreakerStatus.Monitoring ? b : null;

    private static CircuitBreakerClosed WindowEnded(CircuitBreakerState b, DateTimeOffset time) =>
        new(b.Slot, b.NewVersion, string.Create(CultureInfo.InvariantCulture,
            $"window ended at {b.MonitorUntil:O} after {b.Trades} trades (average R {b.AverageR:0.###}, win rate {b.WinRate * 100:0.#}%)"), time);

    private static Dictionary<string, T> With<T>(IReadOnlyDictionary<string, T> source, string key, T value) =>
        new(source, StringComparer.Ordinal) { [key] = value };
}
