using QuantumTrader.Models.Market;
using static QuantumTrader.Tests.Market.MarketTestFiles;

namespace QuantumTrader.Tests.Market;

public class NinjabotReaderTests
{
    [Fact]
    public void Columns_are_time_open_close_low_high_volume_trades()
    {
        using var temp = new TempFolder();
        var path = temp.Write("BTCUSDT-1h.csv", "1605571200,16713.080000,16806.090000,16683.630000,16830.000000,2861.4,51506\n");

        Assert.Equal(
            new BarRecord(new Bar("BTCUSDT", Utc(2020, 11, 17), Open: 16713.08, High: 16830, Low: 16683.63, Close: 16806.09, Volume: 2861.4), 1),
            MarketDataReader.Read(path).Single());
    }

    [Fact]
    public void Bundled_btc_file_has_4309_bars_and_its_5_duplicate_rows_as_bad_rows()
    {
        var path = RepoData("binance", "BTCUSDT-1h.csv");

        Assert.Equal(DataFormat.Ninjabot, MarketDataReader.Detect(path));
        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(4314, records.Count);
        var bars = Bars(records);
        Assert.Equal(4309, bars.Count);
        Assert.Equal(
            [
                new BadRow("BTCUSDT-1h.csv", 501, "time", "duplicate time 2020-12-07T20:00:00Z (same as line 500)"),
                new BadRow("BTCUSDT-1h.csv", 998, "time", "duplicate time 2020-12-28T16:00:00Z (same as line 997)"),
                new BadRow("BTCUSDT-1h.csv", 2498, "time", "duplicate time 2021-03-01T04:00:00Z (same as line 2497)"),
                new BadRow("BTCUSDT-1h.csv", 2998, "time", "duplicate time 2021-03-22T00:00:00Z (same as line 2997)"),
                new BadRow("BTCUSDT-1h.csv", 3994, "time", "duplicate time 2021-05-02T16:00:00Z (same as line 3993)"),
            ],
            BadRows(records));
        Assert.Equal(new Bar("BTCUSDT", Utc(2020, 11, 17), 16713.08, 16830, 16683.63, 16806.09, 2861.4), bars[0]);
        Assert.Equal(Utc(2021, 5, 16), bars[^1].Time);
        Assert.All(bars, b => Assert.Equal("BTCUSDT", b.Symbol));
    }

    [Fact]
    public void Bundled_btc_file_misses_12_hours_and_keeps_its_two_zero_volume_bars()
    {
        var bars = Bars(MarketDataReader.Read(RepoData("binance", "BTCUSDT-1h.csv")));

        var missingHours = bars.Zip(bars.Skip(1), (a, b) => (int)(b.Time - a.Time).TotalHours - 1).Sum();
        Assert.Equal(12, missingHours);
        Assert.Equal([Utc(2020, 12, 21, 14), Utc(2021, 2, 11, 3)], bars.Where(b => b.Volume == 0).Select(b => b.Time));
    }

    [Fact]
    public void Bundled_eth_file_has_4309_bars_and_5_duplicates_one_day_after_btc()
    {
        var records = MarketDataReader.Read(RepoData("binance", "ETHUSDT-1h.csv")).ToList();

        var bars = Bars(records);
        Assert.Equal(4309, bars.Count);
        Assert.Equal((Utc(2020, 11, 18), Utc(2021, 5, 17)), (bars[0].Time, bars[^1].Time));
        Assert.Equal([501, 998, 2498, 2998, 3994], BadRows(records).Select(b => b.Line));
        Assert.Equal("duplicate time 2020-12-08T20:00:00Z (same as line 500)", BadRows(records)[0].Reason);
        Assert.All(bars, b => Assert.Equal("ETHUSDT", b.Symbol));
    }
}
