using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Every symbol's recent closes with their times, so the return correlation can be taken as it stood at any recent time:
/// a decision at time t sees the returns through t and nothing later, however far ahead the bars have been observed.
/// Bars come per symbol in time order (a repeat is ignored). Only the last <see cref="Capacity"/> closes of a symbol are kept.
/// </summary>
public sealed class CorrelationHistory(int window = 60, int minOverlap = 20, int capacity = 4096)
{
    private sealed class Closes
    {
        public readonly List<DateTimeOffset> Times = [];
        public readonly List<double> Values = [];
    }

    private readonly Dictionary<string, Closes> _symbols = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    // The last correlation taken and its time: the two symbols of one timestamp, and a bar decided again, ask for the same one.
    private (DateTimeOffset Time, ReturnCorrelation Value)? _last;

    public int Window { get; } = window;
    public int MinOverlap { get; } = minOverlap;
    public int Capacity { get; } = capacity > window ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Must keep more closes than the window.");

    /// <summary>The correlation after every bar observed so far.</summary>
    public ReturnCorrelation Latest => At(DateTimeOffset.MaxValue);

    /// <summary>Adds a close; a repeat (at or before the symbol's last observed time) changes nothing and returns false.</summary>
    public bool Observe(Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        if (!_symbols.TryGetValue(bar.Symbol, out var closes))
        {
            _symbols[bar.Symbol] = closes = new Closes();
            _order.Add(bar.Symbol);
        }
        else if (bar.Time <= closes.Times[^1]) return false;
        closes.Times.Add(bar.Time);
        closes.Values.Add(bar.Close);
        if (closes.Times.Count >= 2 * Capacity)
        {
            closes.Times.RemoveRange(0, Capacity);
            closes.Values.RemoveRange(0, Capacity);
            _last = null;
        }
        // A close after the remembered time leaves the returns through that time as they were.
        if (_last is { } last && bar.Time <= last.Time) _last = null;
        return true;
    }

    /// <summary>The correlation of the returns through <paramref name="time"/>: each symbol's last <see cref="Window"/> returns up to it.</summary>
    public ReturnCorrelation At(DateTimeOffset time)
    {
        if (_last is { } remembered && remembered.Time == time) return remembered.Value;
        var series = new List<ReturnSeries>(_order.Count);
        foreach (var symbol in _order)
        {
            var closes = _symbols[symbol];
            var last = LastAtOrBefore(closes.Times, time);
            if (last < 0) continue;
            var first = Math.Max(1, last - Window + 1);
            var count = Math.Max(0, last - first + 1);
            var times = new DateTimeOffset[count];
            var returns = new double[count];
            for (var i = 0; i < count; i++)
            {
                times[i] = closes.Times[first + i];
                returns[i] = closes.Values[first + i] / closes.Values[first + i - 1] - 1.0;
            }
            series.Add(new ReturnSeries(symbol, closes.Times[last], closes.Values[last], times, returns));
        }
        var value = new ReturnCorrelation(Window, MinOverlap, series);
        _last = (time, value);
        return value;
    }

    private static int LastAtOrBefore(List<DateTimeOffset> times, DateTimeOffset time)
    {
        int lo = 0, hi = times.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (times[mid] <= time) lo = mid + 1; else hi = mid;
        }
        return lo - 1;
    }
}
