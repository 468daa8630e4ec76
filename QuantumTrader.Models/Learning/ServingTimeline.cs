using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Which registry state decided each bar, as a replay serves it. A retraining check runs before the bar at its time, so
/// that bar sees what the check decided; any other bar sees only what was dated before it (a trade that closed at the
/// bar fed the registry after the bar was decided, and an operator's command is dated just after a decided bar).
/// </summary>
public sealed class ServingTimeline
{
    private readonly ModelRegistryState _registry;
    private readonly HashSet<DateTimeOffset> _checks;
    private readonly DateTimeOffset[] _changes;
    private readonly Dictionary<DateTimeOffset, ModelRegistryState> _states = [];

    public ServingTimeline(ModelRegistryState registry, IEnumerable<DateTimeOffset> checks)
    {
        _registry = registry;
        _checks = [.. checks];
        _changes = registry.History.Where(ChangesServing).Select(e => e.Time).Distinct().Order().ToArray();
    }

    /// <summary>Promotions, rollbacks and A/B tests' starts and ends: the events after which a slot serves something else.</summary>
    public static bool ChangesServing(RegistryEvent e) => e is VersionPromoted or VersionRolledBack or AbTestStarted or AbTestConcluded;

    /// <summary>The retraining checks of a run: every <paramref name="every"/> of market time after trading starts, up to the last bar.</summary>
    public static IReadOnlyList<DateTimeOffset> Checks(DateTimeOffset tradingStarts, DateTimeOffset lastBar, TimeSpan every)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero);
        var checks = new List<DateTimeOffset>();
        for (var t = tradingStarts + every; t <= lastBar; t += every) checks.Add(t);
        return checks;
    }

    /// <summary>The registry the bar at <paramref name="time"/> was decided under, as of the latest change of serving it saw.</summary>
    public ModelRegistryState At(DateTimeOffset time)
    {
        var seen = _checks.Contains(time) ? time : time.AddTicks(-1);
        var i = Array.BinarySearch(_changes, seen);
        var cut = i >= 0 ? _changes[i] : ~i == 0 ? DateTimeOffset.MinValue : _changes[~i - 1];
        if (!_states.TryGetValue(cut, out var state)) _states[cut] = state = _registry.AsOf(cut);
        return state;
    }

    /// <summary>
    /// The version that answers for the slot at the bar of <paramref name="input"/>: the champion, or under an A/B test the
    /// arm <see cref="AbSplit"/> sends the bar to. Before the slot's first promotion (dated by the end of its training
    /// bars, which a symbol that starts trading earlier passes) it is the version promoted first, which the start served
    /// before it read the registry; null for a slot never promoted.
    /// </summary>
    public string? VersionAt(string slot, ModelInput input)
    {
        var state = At(input.Features.Time);
        if (state.Champion(slot) is not { } champion)
            return _registry.History.OfType<VersionPromoted>().FirstOrDefault(p => p.Slot == slot)?.Version;
        return state.AbTestOf(slot) is { } test && AbSplit.ToChallenger(slot, test.Version, input.Symbol, input.Features.Time, test.Settings.Share)
            ? test.Version
            : champion.Version;
    }
}
