namespace QuantumTrader.Models.Learning;

/// <summary>The time an operator's change of serving is journaled at, or why the node cannot place it now.</summary>
public sealed record OperatorStamp(DateTimeOffset? Time, string? Refusal);

/// <summary>
/// Dates an operator's promotion, rollback or A/B test start or stop by market time, the clock every decision and
/// retraining check reads the registry by. Given while no bars are being decided, it is dated one tick after the last
/// bar decided, so it serves from the next bar on, at this start and every later one, and a replay gives it in the same
/// place. While a start decides its bars it is refused: the bars it would first reach depend on timing, and a replay
/// could not repeat them. A time the operator gives is kept as it is if it is after every bar decided or being decided;
/// one dated into those bars is refused, since they were (or are being) decided without it.
/// </summary>
public static class OperatorTime
{
    /// <param name="requested">The time the operator gave (--at); null for "now".</param>
    /// <param name="decidedThrough">The last bar the node has decided; null before any.</param>
    /// <param name="decidingUntil">The last bar of the start deciding now; null when none is.</param>
    /// <param name="now">The wall clock, used only where nothing was decided yet and nothing is to be ordered against.</param>
    public static OperatorStamp Stamp(DateTimeOffset? requested, DateTimeOffset? decidedThrough, DateTimeOffset? decidingUntil, DateTimeOffset now)
    {
        if (requested is { } given)
        {
            var reached = Later(decidedThrough, decidingUntil);
            return given > reached || reached is null ? new OperatorStamp(given, null)
                : new OperatorStamp(null,
                    $"--at {given:yyyy-MM-dd HH:mm:ss} UTC is not after the node's bars (decided or being decided through {reached:yyyy-MM-dd HH:mm} UTC): " +
                    "those bars keep the serving they were decided with, while a replay would give them this change; date it after them, or leave --at out");
        }
        if (decidingUntil is { } until) return Refused(until, "a change of serving given now would reach bars");
        return new OperatorStamp(decidedThrough is { } through ? through.AddTicks(1) : now, null);
    }

    /// <summary>
    /// A retraining request is dated by the wall clock: it is answered at the first free retraining check past the bars
    /// decided before the start that reads it (<see cref="RetrainPolicy.MayAnswerRequest"/>). Given while a start decides
    /// its bars, it is refused like a change of serving: which of that start's checks would take it depends on timing.
    /// </summary>
    public static OperatorStamp StampRequest(DateTimeOffset? requested, DateTimeOffset? decidingUntil, DateTimeOffset now) =>
        requested is { } given ? new OperatorStamp(given, null)
        : decidingUntil is { } until ? Refused(until, "a request given now would be answered at a check")
        : new OperatorStamp(now, null);

    /// <summary>
    /// A change of risk limits is dated by the wall clock, and a replay gives it after the last start that began before it
    /// (<see cref="Audit.ReplayPlan"/>). Given while a start decides its bars, it is refused: the risk gate would take it
    /// at whichever bar it reached first, and a replay could not repeat that.
    /// </summary>
    public static OperatorStamp StampLimitChange(DateTimeOffset? decidingUntil, DateTimeOffset now) =>
        decidingUntil is { } until ? Refused(until, "a limit change given now would reach whichever bar the risk gate checks next, a bar", canDate: false)
        : new OperatorStamp(now, null);

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static OperatorStamp Refused(DateTimeOffset until, string what, bool canDate = true) => new(null,
        $"the node is deciding the bars of its start (through {until:yyyy-MM-dd HH:mm} UTC), and {what} that depends on timing; " +
        "give it again once the node has decided them (its log then says the replay is done)" + (canDate ? ", or date it after them with --at" : ""));
}
