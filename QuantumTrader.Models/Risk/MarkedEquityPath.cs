namespace QuantumTrader.Models.Risk;

/// <summary>One state the emergency stop passed through, as a chart draws it.</summary>
public sealed record MarkedEquityPoint(DateTimeOffset Time, double Equity, double PeakEquity, double Drawdown, string Mode)
{
    public static MarkedEquityPoint Of(EssState state) =>
        new(state.LastTime ?? throw new ArgumentException("a state the stop passed through has a time", nameof(state)),
            state.LastEquity, state.PeakEquity, state.Drawdown, state.Mode.Label());
}

/// <summary>
/// The path the emergency stop read (<see cref="AccountEss.Apply(IDomainEvent, List{EssState})"/>) thinned for a chart:
/// the path cut into buckets of consecutive states, each kept by its lowest and its highest marked equity, so no dip or
/// peak disappears; the first and last states always, and every state where the mode changed, so the chart shows why.
/// </summary>
public static class MarkedEquityPath
{
    public static IReadOnlyList<MarkedEquityPoint> Thin(IReadOnlyList<EssState> path, int maxPoints)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        if (path.Count <= maxPoints) return path.Select(MarkedEquityPoint.Of).ToArray();

        var keep = new SortedSet<int> { 0, path.Count - 1 };
        for (var i = 1; i < path.Count; i++)
            if (path[i].Mode != path[i - 1].Mode) keep.Add(i);
        var buckets = Math.Max(1, (maxPoints - keep.Count) / 2);
        var size = (double)path.Count / buckets;
        for (var b = 0; b < buckets; b++)
        {
            var from = (int)(b * size);
            var to = Math.Min(path.Count, (int)((b + 1) * size));
            if (from >= to) continue;
            int low = from, high = from;
            for (var i = from + 1; i < to; i++)
            {
                if (path[i].LastEquity < path[low].LastEquity) low = i;
                if (path[i].LastEquity > path[high].LastEquity) high = i;
            }
            keep.Add(low);
            keep.Add(high);
        }
        return keep.Select(i => MarkedEquityPoint.Of(path[i])).ToArray();
    }
}
