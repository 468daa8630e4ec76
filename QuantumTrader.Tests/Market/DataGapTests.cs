using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Run;

namespace QuantumTrader.Tests.Market;

/// <summary>Bars missing from a symbol's data: found, counted in intervals, named by file and line, and kept out of nothing.</summary>
public sealed class DataGapTests
{
    private static readonly DateTimeOffset T0 = new(2021, 4, 25, 0, 0, 0, TimeSpan.Zero);

    private static (Bar Bar, string File, int Line) At(string symbol, double hours, string file, int line) =>
        (new Bar(symbol, T0.AddHours(hours), 1, 1, 1, 1, 1), file, line);

    [Fact]
    public void A_step_of_n_intervals_misses_n_minus_one_bars_named_by_the_later_bars_file_and_line()
    {
        var gaps = DataGap.Find([At("BTCUSDT", 0, "a.csv", 1), At("BTCUSDT", 1, "a.csv", 2), At("BTCUSDT", 2, "a.csv", 3), At("BTCUSDT", 6, "a.csv", 4),
            At("BTCUSDT", 7, "a.csv", 5), At("BTCUSDT", 9, "b.csv", 1), At("BTCUSDT", 10, "b.csv", 2)]);

        Assert.Equal([new DataGap("BTCUSDT", T0.AddHours(2), T0.AddHours(6), 3, "a.csv", 4), new DataGap("BTCUSDT", T0.AddHours(7), T0.AddHours(9), 1, "b.csv", 1)], gaps);
        Assert.Equal("a.csv:4: time: BTCUSDT has no bar for 3 interval(s) between 2021-04-25 02:00 and 2021-04-25 06:00 UTC", gaps[0].ToString());
    }

    [Fact]
    public void Each_symbol_is_measured_by_its_own_interval_and_a_late_bar_within_half_an_interval_is_no_gap()
    {
        var gaps = DataGap.Find([At("BTCUSDT", 0, "btc.csv", 1), At("ETHUSDT", 0, "eth4h.csv", 1), At("BTCUSDT", 1, "btc.csv", 2),
            At("BTCUSDT", 2.4, "btc.csv", 3), At("BTCUSDT", 3.4, "btc.csv", 4), At("ETHUSDT", 4, "eth4h.csv", 2), At("ETHUSDT", 8, "eth4h.csv", 3),
            At("ETHUSDT", 16, "eth4h.csv", 4), At("SOLUSDT", 0, "sol.csv", 1)]);

        Assert.Equal([new DataGap("ETHUSDT", T0.AddHours(8), T0.AddHours(16), 1, "eth4h.csv", 4)], gaps);
    }

    [Fact]
    public void The_bundled_binance_files_skip_seven_stretches_of_each_symbol_and_every_bar_is_still_replayed()
    {
        var data = ReplayData.Load([ReferenceRun.Data], DataFormat.Auto, BadRowPolicy.Skip, _ => { });

        Assert.Equal((14, 24), (data.Gaps.Count, data.Gaps.Sum(g => g.MissingBars)));
        Assert.Equal(7, data.Gaps.Count(g => g.Symbol == "BTCUSDT"));
        // 2021-04-25: no BTCUSDT kline from 05:00 to 07:00 UTC.
        Assert.Contains(new DataGap("BTCUSDT", T0.AddHours(4), T0.AddHours(8), 3, "BTCUSDT-1h.csv", 3817), data.Gaps);
        Assert.Equal(8618, data.Bars.Count);
    }
}
