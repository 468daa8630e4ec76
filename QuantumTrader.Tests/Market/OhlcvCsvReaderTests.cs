using QuantumTrader.Models.Market;
using static QuantumTrader.Tests.Market.MarketTestFiles;

namespace QuantumTrader.Tests.Market;

public class OhlcvCsvReaderTests
{
    [Fact]
    public void Bundled_skender_daily_file_has_502_good_bars_from_2017_01_03_to_2018_12_31()
    {
        var records = MarketDataReader.Read(RepoData("skender", "default.csv")).ToList();

        Assert.Empty(BadRows(records));
        var bars = Bars(records);
        Assert.Equal(502, bars.Count);
        Assert.Equal(new Bar("DEFAULT", Utc(2017, 1, 3), 212.61, 213.35, 211.52, 212.8, 96708880), bars[0]);
        Assert.Equal(new Bar("DEFAULT", Utc(2018, 12, 31), 244.92, 245.54, 242.87, 245.28, 147031456), bars[^1]);
        Assert.Equal(2, Assert.IsType<BarRecord>(records[0]).Line);
        Assert.Equal(503, Assert.IsType<BarRecord>(records[^1]).Line);
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order_and_case_with_bom_crlf_and_extra_columns()
    {
        using var temp = new TempFolder();
        var path = temp.Write("SPY_1d.csv",
            "\uFEFFVolume,Close,\"Adj Close\",Low,High,Open,Timestamp\r\n" +
            "1000.5,105,104.5,90,110,100,2020-01-01T00:00:00Z\r\n" +
            "0,106,105.5,95,108,105,2020-01-02T00:00:00Z\r\n");

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(
            [
                new BarRecord(new Bar("SPY", Utc(2020, 1, 1), 100, 110, 90, 105, 1000.5), 2),
                new BarRecord(new Bar("SPY", Utc(2020, 1, 2), 105, 108, 95, 106, 0), 3),
            ],
            records);
    }

    [Fact]
    public void Iso_dates_with_or_without_time_or_zone_and_unix_seconds_or_milliseconds_are_read_naive_as_utc()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv",
            "time,open,high,low,close,volume\n" +
            "2020-01-01,1,1,1,1,1\n" +
            "2020-01-01 01:00:00,1,1,1,1,1\n" +
            "2020-01-01T02:00:00Z,1,1,1,1,1\n" +
            "2020-01-01T05:00:00+02:00,1,1,1,1,1\n" +
            "1577851200,1,1,1,1,1\n" +
            "1577854800000,1,1,1,1,1\n" +
            "2020-01-01 06:00:00.500000,1,1,1,1,1\n");

        var bars = Bars(MarketDataReader.Read(path));

        Assert.Equal(
            [
                Utc(2020, 1, 1, 0), Utc(2020, 1, 1, 1), Utc(2020, 1, 1, 2), Utc(2020, 1, 1, 3), Utc(2020, 1, 1, 4), Utc(2020, 1, 1, 5),
                Utc(2020, 1, 1, 6).AddMilliseconds(500),
            ],
            bars.Select(b => b.Time));
        Assert.All(bars, b => Assert.Equal(TimeSpan.Zero, b.Time.Offset));
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "\ndate,open,high,low,close,volume\n\n2020-01-01,1,2,1,2,3\n   \n2020-01-02,2,2,1,1,3\n\n");

        Assert.Equal([4, 6], MarketDataReader.Read(path).Cast<BarRecord>().Select(r => r.Line));
    }

    [Fact]
    public void Gzipped_csv_is_read()
    {
        using var temp = new TempFolder();
        var path = temp.WriteGzip("ETHUSDT-1d.csv.gz", "date,open,high,low,close,volume\n2020-01-01,129.16,133.05,128.68,130.77,144770.5\n");

        Assert.Equal(new Bar("ETHUSDT", Utc(2020, 1, 1), 129.16, 133.05, 128.68, 130.77, 144770.5), Bars(MarketDataReader.Read(path)).Single());
    }

    [Fact]
    public void Non_iso_date_is_a_bad_time()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,open,high,low,close,volume\n1/2/1990,1,2,1,2,3\n");

        Assert.Equal(new BadRow("X.csv", 2, "time", "not an ISO-8601 date/time or Unix time: '1/2/1990'"), BadRows(MarketDataReader.Read(path)).Single());
    }

    [Fact]
    public void Header_only_file_has_no_records()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,open,high,low,close,volume\n");

        Assert.Empty(MarketDataReader.Read(path));
    }

    [Fact]
    public void Header_without_the_needed_columns_is_refused_naming_them()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,open,close,volume\n2020-01-01,1,1,1\n");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Read(path, DataFormat.OhlcvCsv).ToList());

        Assert.Equal("X.csv:1: not an OHLCV CSV header: header lacks high, low", error.Message);
    }

    [Fact]
    public void Two_date_time_columns_are_refused_as_ambiguous()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,time,open,high,low,close,volume\n2006-01-02,09:05:00,1,1,1,1,0\n");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Read(path, DataFormat.OhlcvCsv).ToList());

        Assert.Contains("several date/time columns (date, time)", error.Message);
    }
}
