using QuantumTrader.Models.Market;
using static QuantumTrader.Tests.Market.MarketTestFiles;

namespace QuantumTrader.Tests.Market;

public class BinanceKlineReaderTests
{
    private const string Header =
        "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";

    // 2024-01-01 00:00 and 00:01 UTC, milliseconds.
    private const string RowsMs =
        "1704067200000,0.00002853,0.00002860,0.00002851,0.00002859,36304.2,1704067259999,1.03547608,79,19523.0,0.55694227,0\n" +
        "1704067260000,0.00002859,0.00002861,0.00002850,0.00002851,0,1704067319999,0,0,0,0,0\n";

    // 2025-01-01 00:00 and 00:01 UTC, microseconds as Binance writes since 2025.
    private const string RowsUs =
        "1735689600000000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999999,768978.89,1540,3.87871,362946.86,0\n" +
        "1735689660000000,93610.93,93652.00,93606.02,93650.01,5.47132,1735689719999999,512323.47,1205,3.21011,300587.33,0\n";

    [Fact]
    public void Reads_headerless_millisecond_klines_with_values_times_lines_and_symbol_from_the_file_name()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ADABTC-1m-2024-01-01.csv", RowsMs);

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(
            [
                new BarRecord(new Bar("ADABTC", Utc(2024, 1, 1, 0, 0), 0.00002853, 0.00002860, 0.00002851, 0.00002859, 36304.2), 1),
                new BarRecord(new Bar("ADABTC", Utc(2024, 1, 1, 0, 1), 0.00002859, 0.00002861, 0.00002850, 0.00002851, 0), 2),
            ],
            records);
    }

    [Fact]
    public void Header_line_is_skipped_and_counted_in_line_numbers()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ADABTC-1m-2024-01-01.csv", Header + "\n" + RowsMs);

        var records = MarketDataReader.Read(path, DataFormat.BinanceKline).Cast<BarRecord>().ToList();

        Assert.Equal([2, 3], records.Select(r => r.Line));
        Assert.Equal(0.00002853, records[0].Bar.Open);
    }

    [Fact]
    public void Microsecond_open_times_are_told_from_milliseconds_by_magnitude()
    {
        using var temp = new TempFolder();
        var us = temp.Write("BTCUSDT-1m-2025-01-01.csv", RowsUs);
        var ms = temp.Write("BTCUSDT-1m-2025-01-01-ms.csv", "1735689600000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999,768978.89,1540,3.87871,362946.86,0\n");

        var bars = Bars(MarketDataReader.Read(us));

        Assert.Equal([Utc(2025, 1, 1, 0, 0), Utc(2025, 1, 1, 0, 1)], bars.Select(b => b.Time));
        Assert.Equal(new Bar("BTCUSDT", Utc(2025, 1, 1), 93576.00, 93610.93, 93537.50, 93610.93, 8.21827), bars[0]);
        Assert.Equal(bars[0], Bars(MarketDataReader.Read(ms)).Single());
    }

    [Fact]
    public void Gzipped_file_reads_the_same_as_plain()
    {
        using var temp = new TempFolder();
        var plain = temp.Write("BTCUSDT-1m-2025-01-01.csv", Header + "\r\n" + RowsUs.Replace("\n", "\r\n"));
        var gz = temp.WriteGzip("BTCUSDT-1m-2025-01-01.csv.gz", Header + "\n" + RowsUs);

        Assert.Equal(MarketDataReader.Read(plain).ToList(), MarketDataReader.Read(gz).ToList());
        Assert.Equal(2, Bars(MarketDataReader.Read(gz)).Count);
    }

    [Fact]
    public void Given_symbol_overrides_the_file_name()
    {
        using var temp = new TempFolder();
        var path = temp.Write("klines.csv", RowsMs);

        Assert.All(Bars(MarketDataReader.Read(path, symbol: "ADABTC")), b => Assert.Equal("ADABTC", b.Symbol));
    }

    [Fact]
    public void Non_numeric_first_line_later_in_the_file_is_a_bad_time_not_a_header()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ADABTC-1m.csv", RowsMs + Header + "\n");

        var bad = Assert.Single(BadRows(MarketDataReader.Read(path)));

        Assert.Equal(new BadRow("ADABTC-1m.csv", 3, "time", "not a Unix time: 'open_time'"), bad);
    }
}
