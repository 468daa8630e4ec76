using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Risk;

public class MarkedEquityPathTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The states the stop passes through observing <paramref name="equity"/> hour by hour.</summary>
    private static List<EssState> Path(params double[] equity)
    {
        var state = EssState.Initial();
        var path = new List<EssState>();
        for (var i = 0; i < equity.Length; i++)
        {
            state = state.Observe(T0.AddHours(i), equity[i]).Next;
            path.Add(state);
        }
        return path;
    }

    [Fact]
    public void A_short_path_is_kept_whole()
    {
        var points = MarkedEquityPath.Thin(Path(1_000, 990, 1_010), 10);
        Assert.Equal([1_000, 990, 1_010], points.Select(p => p.Equity));
        Assert.Equal((T0.AddHours(1), 1_000.0, -1.0, "NORMAL"), (points[1].Time, points[1].PeakEquity, Math.Round(points[1].Drawdown, 10), points[1].Mode));
    }

    [Fact]
    public void A_long_path_keeps_its_ends_its_deepest_and_highest_equity_and_every_mode_change_within_the_limit()
    {
        // A slow wave with one sharp dip to -6 % (PROTECTIVE) at state 3,001 and back.
        var equity = Enumerable.Range(0, 5_000).Select(i => 10_000 + 50 * Math.Sin(i / 300.0)).ToArray();
        equity[3_001] = 9_450;
        var path = Path(equity);

        var points = MarkedEquityPath.Thin(path, 200);

        Assert.InRange(points.Count, 100, 200);
        Assert.Equal((path[0].LastTime, path[^1].LastTime), (points[0].Time, points[^1].Time));
        Assert.Equal(path.Min(s => s.LastEquity), points.Min(p => p.Equity));
        Assert.Equal(path.Max(s => s.LastEquity), points.Max(p => p.Equity));
        Assert.Equal(path.Min(s => s.Drawdown), points.Min(p => p.Drawdown));
        for (var i = 1; i < points.Count; i++) Assert.True(points[i].Time > points[i - 1].Time);
        // Tightening at the dip and each relaxing stage after it: every change of mode is a point.
        var changes = path.Zip(path.Skip(1), (a, b) => (b.LastTime!.Value, b.Mode.Label())).Where((c, i) => path[i].Mode != path[i + 1].Mode).ToArray();
        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.Contains(points, p => (p.Time, p.Mode) == c));
    }

    [Fact]
    public void A_limit_below_two_points_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MarkedEquityPath.Thin(Path(1_000, 990, 980), 1));
    }
}
