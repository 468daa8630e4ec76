using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Hosting;

/// <summary>
/// How far this node's job has decided its bars by market time, and whether a start is deciding now; the model
/// registry dates an operator's command by it, or refuses it while a start decides, and so does the policy store for a
/// limit change (<see cref="OperatorTime"/>).
/// Shared between the job's thread and the registry actor.
/// </summary>
public sealed class MarketClock
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _decidedThrough;
    private DateTimeOffset? _decidingUntil;

    /// <summary>A start decides its bars through <paramref name="until"/>.</summary>
    public void Deciding(DateTimeOffset until)
    {
        lock (_gate) _decidingUntil = until;
    }

    /// <summary>Every bar through <paramref name="through"/> is decided and no start is deciding.</summary>
    public void Decided(DateTimeOffset through)
    {
        lock (_gate)
        {
            _decidedThrough = through;
            _decidingUntil = null;
        }
    }

    /// <summary>The last bar decided; null before any.</summary>
    public DateTimeOffset? DecidedThrough
    {
        get
        {
            lock (_gate) return _decidedThrough;
        }
    }

    public OperatorStamp Stamp(DateTimeOffset? requested, DateTimeOffset now)
    {
        lock (_gate) return OperatorTime.Stamp(requested, _decidedThrough, _decidingUntil, now);
    }

    public OperatorStamp StampRequest(DateTimeOffset? requested, DateTimeOffset now)
    {
        lock (_gate) return OperatorTime.StampRequest(requested, _decidingUntil, now);
    }

    public OperatorStamp StampLimitChange(DateTimeOffset now)
    {
        lock (_gate) return OperatorTime.StampLimitChange(_decidingUntil, now);
    }
}
