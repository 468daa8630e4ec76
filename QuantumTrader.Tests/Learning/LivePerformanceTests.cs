using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class LivePerformanceTests
{
    private static readonly double[] Trades = [2, -1, -1, 3, -2, -1, 0.5];

    private static LivePerformance Run(LivePerformance start, IEnumerable<double> rs) => rs.Aggregate(start, (p, r) => p.Apply(r));

    [Fact]
    public void Empty_performance_is_all_zero()
    {
        var p = LivePerformance.Start();
        Assert.Equal(50, p.Window);
        Assert.Equal(0, p.Count);
        Assert.Equal(0, p.WinRate);
        Assert.Equal(0, p.AverageR);
        Assert.Equal(0, p.Sharpe);
        Assert.Equal(0, p.MaxDrawdown);
    }

    [Fact]
    public void Statistics_over_seven_trades()
    {
        var p = Run(LivePerformance.Start(), Trades);

        Assert.Equal(7, p.Count);
        Assert.Equal(7, p.Samples);
        Assert.Equal(3.0 / 7, p.WinRate, 12);
        Assert.Equal(0.5 / 7, p.AverageR, 12);
        // sum of squared deviations = 20.25 - 7 x (1/14)^2 = 20.2142857...; / 6 = 3.3690476...; sd = 1.8354966
        Assert.Equal(0.0389151214, p.Sharpe, 9);
        // cumulative R: 2, 1, 0, 3, 1, 0, 0.5 -> worst fall from the peak of 3 down to 0
        Assert.Equal(3, p.MaxDrawdown, 12);
        Assert.Equal(0, p.ConsecutiveLosses);
    }

    [Fact]
    public void Window_keeps_only_the_last_n_but_count_keeps_growing()
    {
        var p = Run(LivePerformance.Start(window: 3), Trades);

        Assert.Equal(7, p.Count);
        Assert.Equal([-2, -1, 0.5], p.Recent);
        Assert.Equal(1.0 / 3, p.WinRate, 12);
        Assert.Equal(-5.0 / 6, p.AverageR, 12);
        // cumulative -2, -3, -2.5 from a start of 0: drawdown 3
        Assert.Equal(3, p.MaxDrawdown, 12);
        Assert.Equal(-0.662266178532522, p.Sharpe, 9);
    }

    [Fact]
    public void Loss_streak_counts_breakeven_and_resets_on_a_win()
    {
        var p = Run(LivePerformance.Start(), [1, -1, -0.5]);
        Assert.Equal(2, p.ConsecutiveLosses);
        p = p.Apply(0);
        Assert.Equal(3, p.ConsecutiveLosses);
        p = p.Apply(0.1);
        Assert.Equal(0, p.ConsecutiveLosses);
    }

    [Fact]
    public void Sharpe_is_zero_below_two_trades_or_without_dispersion()
    {
        Assert.Equal(0, LivePerformance.Start().Apply(2).Sharpe);
        Assert.Equal(0, Run(LivePerformance.Start(), [1, 1, 1]).Sharpe);
        Assert.Equal(1 / Math.Sqrt(2), Run(LivePerformance.Start(), [0, 2]).Sharpe, 12);
    }

    [Fact]
    public void Round_trips_through_json_without_the_derived_statistics()
    {
        var p = Run(LivePerformance.Start(window: 5), Trades);
        var json = JsonSerializer.Serialize(p);
        Assert.DoesNotContain("Sharpe", json);

        var back = JsonSerializer.Deserialize<LivePerformance>(json)!;
        Assert.Equal(p.Recent, back.Recent);
        Assert.Equal((p.Count, p.Window, p.ConsecutiveLosses), (back.Count, back.Window, back.ConsecutiveLosses));
        Assert.Equal(p.Sharpe, back.Sharpe);
        Assert.Equal(p.Apply(-1).Recent, back.Apply(-1).Recent);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LivePerformance.Start().Apply(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => LivePerformance.Start(0));
    }
}
