using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Marks an account's open positions to market for its emergency stop: the closes of the bars seen so far, and from them
/// one <see cref="EssMark"/> per bar time at which a position was open during the bar (entered at or before it, not
/// exited before it). A position that exited at that time counts only to place the mark (its trade is settled); the
/// others are marked at their symbol's latest close at or before that time.
/// </summary>
public sealed class MarkToMarket
{
    private readonly Dictionary<string, SortedList<DateTimeOffset, double>> _closes = new(StringComparer.Ordinal);
    // Bar times in order; bars come in time order, so a new time is nearly always appended.
    private readonly List<DateTimeOffset> _times = [];
    // Reused by every call: the replay asks for marks on each batch.
    private readonly List<(PositionOpened Position, DateTimeOffset? Exit)> _open = [];

    private DateTimeOffset? _observedThrough;

    /// <summary>Takes a bar's close; a bar seen again changes nothing.</summary>
    public void Observe(Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        if (!_closes.TryGetValue(bar.Symbol, out var closes)) _closes[bar.Symbol] = closes = [];
        closes[bar.Time] = bar.Close;
        var at = _times.BinarySearch(bar.Time);
        if (at < 0) _times.Insert(~at, bar.Time);
        if (_observedThrough is null || bar.Time > _observedThrough) _observedThrough = bar.Time;
    }

    /// <summary>
    /// Takes the closes of whole timestamps in time order, skipping the timestamps already taken: the replay hands every
    /// batch's bars ahead of it, most of them more than once, and this keeps that cheap.
    /// </summary>
    public void Observe(IReadOnlyList<Bar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var through = _observedThrough;
        foreach (var bar in bars)
            if (through is null || bar.Time > through) Observe(bar);
    }

    /// <summary>
    /// The marks at the bar times in [<paramref name="from"/>, <paramref name="before"/>) (from the first bar when from is
    /// null), given every position the account opened and when each exited (null while open).
    /// </summary>
    public IReadOnlyList<EssMark> Marks(DateTimeOffset? from, DateTimeOffset before, IReadOnlyList<PositionOpened> positions,
        Func<string, DateTimeOffset?> exitOf)
    {
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(exitOf);
        if (_times.Count == 0 || from >= before) return [];
        var lower = from is { } f && f > _times[0] ? f : _times[0];
        var upper = before.AddTicks(-1);
        if (lower > upper) return [];
        var open = _open;
        open.Clear();
        foreach (var p in positions)
        {
            if (p.EntryTime > upper) continue;
            var exit = exitOf(p.TradeId);
            if (exit is { } e && e < lower) continue;
            open.Add((p, exit));
        }
        if (open.Count == 0) return [];

        var marks = new List<EssMark>();
        var first = _times.BinarySearch(lower);
        for (var i = first < 0 ? ~first : first; i < _times.Count && _times[i] <= upper; i++)
        {
            var time = _times[i];
            var during = false;
            var pnl = 0.0;
            foreach (var (p, exit) in open)
            {
                if (p.EntryTime > time || exit < time) continue;
                during = true;
                if (exit != time) pnl += p.OpenPnlAt(CloseAt(p.Symbol, time));
            }
            if (during) marks.Add(new EssMark(time, pnl));
        }
        return marks;
    }

    /// <summary>Drops what no mark at or after <paramref name="time"/> can need: earlier bar times, and every symbol's closes but its latest before it.</summary>
    public void ForgetBefore(DateTimeOffset time)
    {
        var keep = _times.BinarySearch(time);
        _times.RemoveRange(0, keep < 0 ? ~keep : keep);
        foreach (var closes in _closes.Values)
        {
            var keepFrom = LatestAtOrBefore(closes, time);
            for (var i = keepFrom - 1; i >= 0; i--) closes.RemoveAt(i);
        }
    }

    private double CloseAt(string symbol, DateTimeOffset time)
    {
        if (_closes.TryGetValue(symbol, out var closes) && LatestAtOrBefore(closes, time) is var i and >= 0)
            return closes.Values[i];
        throw new InvalidOperationException($"no close of {symbol} at or before {time:O} to mark its open position at");
    }

    /// <summary>The index of the latest close at or before <paramref name="time"/>, or -1.</summary>
    private static int LatestAtOrBefore(SortedList<DateTimeOffset, double> closes, DateTimeOffset time)
    {
        int lo = 0, hi = closes.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (closes.Keys[mid] <= time) lo = mid + 1; else hi = mid;
        }
        return lo - 1;
    }
}
