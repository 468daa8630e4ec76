namespace QuantumTrader.Models.Market;

/// <summary>
/// A symbol's bars skip at least one bar interval (an exchange's maintenance, a feed that dropped rows): no bar between
/// <paramref name="After"/> and <paramref name="Before"/>, which <paramref name="File"/> has at <paramref name="Line"/>.
/// Both bars are kept, as no row is wrong; the gap is reported, and a node journals it for the audit and its alerts.
/// </summary>
public sealed record DataGap(string Symbol, DateTimeOffset After, DateTimeOffset Before, int MissingBars, string File, int Line) : IDomainEvent
{
    public override string ToString() =>
        $"{File}:{Line}: time: {Symbol} has no bar for {MissingBars} interval(s) between {After:yyyy-MM-dd HH:mm} and {Before:yyyy-MM-dd HH:mm} UTC";

    /// <summary>
    /// The gaps in each symbol's bars, given in time order per symbol with the file and line each came from. A symbol's
    /// interval is the median spacing of its own bars, so a 4h symbol beside 1h ones has no gaps of its own making; a step
    /// of n intervals (rounded) misses n - 1 bars.
    /// </summary>
    public static IReadOnlyList<DataGap> Find(IReadOnlyList<(Bar Bar, string File, int Line)> bars)
    {
        var intervals = bars.GroupBy(b => b.Bar.Symbol, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => DataFeed.BarInterval(g.Select(b => b.Bar)), StringComparer.Ordinal);
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var gaps = new List<DataGap>();
        foreach (var (bar, file, line) in bars)
        {
            if (last.TryGetValue(bar.Symbol, out var previous) && intervals[bar.Symbol] is { } interval)
            {
                var missing = (int)Math.Round((bar.Time - previous) / interval) - 1;
                if (missing > 0) gaps.Add(new DataGap(bar.Symbol, previous, bar.Time, missing, file, line));
            }
            last[bar.Symbol] = bar.Time;
        }
        return gaps;
    }
}
