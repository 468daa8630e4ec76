namespace QuantumTrader.Models.Market;

/// <summary>
/// A following node saw no new complete row in its data for <paramref name="QuietMinutes"/> minutes of wall time
/// (<paramref name="StaleAfterMinutes"/> is its limit): it decides nothing new until rows come. <paramref name="LastBar"/>
/// is the market time of the last bar it has.
/// </summary>
public sealed record DataStaleObserved(DateTimeOffset LastBar, double QuietMinutes, double StaleAfterMinutes, IReadOnlyList<string> Paths) : IDomainEvent;

/// <summary>New complete rows came after the node had reported its data stale; it resumes with them.</summary>
public sealed record DataResumed(DateTimeOffset LastBar, double QuietMinutes, IReadOnlyList<string> Paths) : IDomainEvent;

public static class DataFeed
{
    /// <summary>The usual spacing of bars: the median gap between consecutive bars of a symbol, over all symbols; null with fewer than two bars.</summary>
    public static TimeSpan? BarInterval(IEnumerable<Bar> bars)
    {
        var gaps = bars.GroupBy(b => b.Symbol, StringComparer.Ordinal)
            .SelectMany(g =>
            {
                var times = g.Select(b => b.Time).Order().ToArray();
                return times.Zip(times.Skip(1), (a, b) => b - a);
            })
            .Where(gap => gap > TimeSpan.Zero).Order().ToArray();
        return gaps.Length == 0 ? null : gaps[gaps.Length / 2];
    }
}
