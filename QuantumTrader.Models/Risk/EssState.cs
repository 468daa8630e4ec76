using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Emergency stop system of one account: plain data, snapshot as is.
/// <list type="bullet">
/// <item>Drawdown is 100·(equity − peak)/peak in percent (≤ 0) against the running equity peak.</item>
/// <item>Tightening is immediate and goes straight to the mode the drawdown supports (NORMAL can drop to EMERGENCY at once).</item>
/// <item>Recovery is in stages, one step per confirmation: a mode relaxes to the next looser one only after the drawdown
/// has stayed at or above the mode's threshold + hysteresis, without a break, for the confirmation period.
/// The next stage's clock starts at the step that completed the previous one, so EMERGENCY → NORMAL takes three
/// periods even if equity is back at its peak. At most one step per observation.</item>
/// <item>A manual trigger forces EMERGENCY and latches it: drawdown never relaxes it. A manual reset clears the latch and
/// moves straight to the mode the current drawdown supports on the plain thresholds (no hysteresis, no confirmation);
/// the confirmation clock restarts. While the drawdown still supports EMERGENCY a reset leaves the mode unchanged.</item>
/// </list>
/// </summary>
public sealed record EssState
{
    public EssState(EssOptions options, EssMode mode, double peakEquity, double lastEquity, double drawdown,
        DateTimeOffset? lastTime, DateTimeOffset? recoveryPendingSince, bool manualLatch, double maxDrawdown = 0, DateTimeOffset? maxDrawdownAt = null)
    {
        const string T = nameof(EssState);
        Options = Guard.NotNull(T, nameof(Options), options);
        Mode = Guard.Defined(T, nameof(Mode), mode);
        PeakEquity = Guard.NonNegative(T, nameof(PeakEquity), peakEquity);
        LastEquity = Guard.NonNegative(T, nameof(LastEquity), lastEquity);
        Guard.That(lastEquity <= peakEquity, T, nameof(LastEquity), "cannot exceed PeakEquity", lastEquity);
        Drawdown = Guard.InRange(T, nameof(Drawdown), drawdown, -100.0, 0.0);
        LastTime = lastTime;
        RecoveryPendingSince = recoveryPendingSince;
        Guard.That(recoveryPendingSince is null || (lastTime is { } last && recoveryPendingSince <= last), T,
            nameof(RecoveryPendingSince), "must not be later than LastTime", recoveryPendingSince);
        Guard.That(!manualLatch || mode == EssMode.Emergency, T, nameof(ManualLatch), "only holds in EMERGENCY", manualLatch);
        ManualLatch = manualLatch;
        MaxDrawdown = Guard.InRange(T, nameof(MaxDrawdown), maxDrawdown, -100.0, 0.0);
        Guard.That(maxDrawdown == 0 || maxDrawdownAt is not null, T, nameof(MaxDrawdownAt), "is required with a MaxDrawdown below 0", maxDrawdownAt);
        MaxDrawdownAt = maxDrawdownAt;
    }

    /// <summary>NORMAL, no equity seen yet.</summary>
    public static EssState Initial(EssOptions? options = null) =>
        new(options ?? EssOptions.Default, EssMode.Normal, 0, 0, 0, null, null, false);

    public EssOptions Options { get; }
    public EssMode Mode { get; }
    public double PeakEquity { get; }
    public double LastEquity { get; }

    /// <summary>Drawdown at the last observation, percent, in [−100, 0].</summary>
    public double Drawdown { get; }

    /// <summary>Market time of the last input; inputs earlier than this are refused.</summary>
    public DateTimeOffset? LastTime { get; }

    /// <summary>Since when the drawdown has qualified, without a break, for relaxing one step; null when it does not.</summary>
    public DateTimeOffset? RecoveryPendingSince { get; }

    /// <summary>Set by a manual trigger; EMERGENCY then holds until a manual reset.</summary>
    public bool ManualLatch { get; }

    /// <summary>
    /// The deepest drawdown observed, percent, and when: with marks, the worst of the equity marked to market, which the
    /// ledger of closed trades does not show. A state from a snapshot written before this was kept starts it at that snapshot.
    /// </summary>
    public double MaxDrawdown { get; }
    public DateTimeOffset? MaxDrawdownAt { get; }

    [JsonIgnore]
    public bool TradingEnabled => Mode.AllowsTrading();

    /// <summary>The same state under other options: a start that changed them goes on from here under the new ones.</summary>
    public EssState WithOptions(EssOptions options) => new(options, Mode, PeakEquity, LastEquity, Drawdown, LastTime, RecoveryPendingSince, ManualLatch, MaxDrawdown, MaxDrawdownAt);

    public (EssState Next, EssTransition? Transition) Apply(IEssInput input) => input switch
    {
        EquityObserved e => Observe(e.Time, e.Equity),
        EssManualTrigger m => ManualTrigger(m.Reason, m.Time, m.Operator),
        EssManualReset r => ManualReset(r.Reason, r.Time, r.Operator),
        null => throw new DomainValidationException(nameof(EssState), "input", "is required", null),
        _ => throw new DomainValidationException(nameof(EssState), "input", "is not an ESS input", input.GetType().Name),
    };

    public (EssState Next, EssTransition? Transition) Observe(DateTimeOffset time, double equity)
    {
        Guard.NonNegative(nameof(EssState), "equity", equity);
        RequireInOrder(time);
        var peak = Math.Max(PeakEquity, equity);
        var drawdown = peak > 0 ? Math.Min(0.0, 100.0 * (equity - peak) / peak) : 0.0;
        var (maxDrawdown, maxDrawdownAt) = drawdown < MaxDrawdown ? (drawdown, time) : (MaxDrawdown, MaxDrawdownAt);

        var supported = Options.ModeFor(drawdown);
        if (supported < Mode)
        {
            var reason = Invariant($"drawdown {drawdown:F2}% is below the {supported.Label()} threshold {Options.UpperThreshold(supported):F2}%");
            return (new EssState(Options, supported, peak, equity, drawdown, time, null, ManualLatch, maxDrawdown, maxDrawdownAt),
                new EssTransition(time, Mode, supported, drawdown, supported.AllowsTrading(), reason, false));
        }

        if (ManualLatch || !Options.AutoRecovery || Options.RelaxLevel(Mode) is not { } level || drawdown < level)
            return (new EssState(Options, Mode, peak, equity, drawdown, time, null, ManualLatch, maxDrawdown, maxDrawdownAt), null);

        var since = RecoveryPendingSince ?? time;
        var held = time - since;
        if (held < Options.ConfirmationPeriod)
            return (new EssState(Options, Mode, peak, equity, drawdown, time, since, false, maxDrawdown, maxDrawdownAt), null);

        var next = Mode + 1;
        var nextPending = Options.RelaxLevel(next) is { } nextLevel && drawdown >= nextLevel ? time : (DateTimeOffset?)null;
        var why = Invariant($"drawdown {drawdown:F2}% held at or above {level:F2}% for {held:c} (confirmation period {Options.ConfirmationPeriod:c})");
        return (new EssState(Options, next, peak, equity, drawdown, time, nextPending, false, maxDrawdown, maxDrawdownAt),
            new EssTransition(time, Mode, next, drawdown, next.AllowsTrading(), why, false));
    }

    /// <summary>Forces EMERGENCY and latches it. Already in EMERGENCY: latches without a transition. The transition names the operator <paramref name="by"/> when known.</summary>
    public (EssState Next, EssTransition? Transition) ManualTrigger(string reason, DateTimeOffset time, string? by = null)
    {
        Guard.NotEmpty(nameof(EssState), "reason", reason);
        RequireInOrder(time);
        var next = new EssState(Options, EssMode.Emergency, PeakEquity, LastEquity, Drawdown, time, null, true, MaxDrawdown, MaxDrawdownAt);
        return Mode == EssMode.Emergency
            ? (next, null)
            : (next, new EssTransition(time, Mode, EssMode.Emergency, Drawdown, false, $"manual trigger{By(by)}: {reason}", true));
    }

    /// <summary>Clears the latch and moves to the mode the current drawdown supports; no transition when that is the current mode.</summary>
    public (EssState Next, EssTransition? Transition) ManualReset(string reason, DateTimeOffset time, string? by = null)
    {
        Guard.NotEmpty(nameof(EssState), "reason", reason);
        RequireInOrder(time);
        var target = Options.ModeFor(Drawdown);
        var next = new EssState(Options, target, PeakEquity, LastEquity, Drawdown, time, null, false, MaxDrawdown, MaxDrawdownAt);
        return target == Mode
            ? (next, null)
            : (next, new EssTransition(time, Mode, target, Drawdown, target.AllowsTrading(), $"manual reset{By(by)}: {reason}", true));
    }

    private static string By(string? operatorName) => operatorName is null ? "" : $" by {operatorName}";

    private void RequireInOrder(DateTimeOffset time)
    {
        if (LastTime is { } last && time < last)
            throw new DomainValidationException(nameof(EssState), "time", Invariant($"is earlier than the last input at {last:O}"), time);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
