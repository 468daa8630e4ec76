using System.Globalization;
using System.Text;
using QuantumTrader.Models.Market;
using static QuantumTrader.Tests.Market.MarketTestFiles;

namespace QuantumTrader.Tests.Market;

public class FreqtradeJsonReaderTests
{
    // 2018-01-10 04:55 and 05:00 UTC.
    private const string Candles = "[[1515560100000, 0.0981, 0.0993, 0.0979, 0.0992, 1820.5], [1515560400000, 0.0992, 0.0998, 0.099, 0.0995, 2527.25]]";

    [Fact]
    public void Reads_candles_with_values_times_candle_numbers_and_symbol()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ETH_BTC-5m.json", Candles);

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(
            [
                new BarRecord(new Bar("ETH", Utc(2018, 1, 10, 4, 55), 0.0981, 0.0993, 0.0979, 0.0992, 1820.5), 1),
                new BarRecord(new Bar("ETH", Utc(2018, 1, 10, 5, 0), 0.0992, 0.0998, 0.099, 0.0995, 2527.25), 2),
            ],
            records);
    }

    [Fact]
    public void Pretty_printed_gzipped_file_with_bom_reads_the_same()
    {
        using var temp = new TempFolder();
        var plain = temp.Write("ETHBTC-5m.json", Candles);
        var pretty = "\uFEFF[\r\n  [\r\n    1515560100000,\r\n    0.0981, 0.0993, 0.0979, 0.0992, 1820.5\r\n  ],\r\n" +
                     "  [1515560400000,0.0992,0.0998,0.099,0.0995,2527.25]\r\n]\r\n";
        var gz = temp.WriteGzip("ETHBTC-5m.json.gz", pretty);

        Assert.Equal(MarketDataReader.Read(plain).ToList(), MarketDataReader.Read(gz).ToList());
    }

    [Fact]
    public void Numbers_written_as_strings_are_read()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "[[\"1515560100000\", \"0.0981\", \"0.0993\", \"0.0979\", \"0.0992\", \"1820.5\"]]");

        Assert.Equal(new Bar("X", Utc(2018, 1, 10, 4, 55), 0.0981, 0.0993, 0.0979, 0.0992, 1820.5), Bars(MarketDataReader.Read(path)).Single());
    }

    [Fact]
    public void Long_file_is_streamed_across_buffer_refills()
    {
        using var temp = new TempFolder();
        var start = Utc(2020, 1, 1);
        var json = new StringBuilder("[");
        for (var i = 0; i < 5000; i++)
        {
            var price = (100 + i * 0.01).ToString(CultureInfo.InvariantCulture);
            json.Append(i == 0 ? "" : ", ").Append($"[{start.AddMinutes(i).ToUnixTimeMilliseconds()}, {price}, {price}, {price}, {price}, {i}]");
        }

        var path = temp.Write("X-1m.json", json.Append(']').ToString());

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(5000, records.Count);
        var last = Assert.IsType<BarRecord>(records[^1]);
        Assert.Equal(5000, last.Line);
        Assert.Equal(new Bar("X", start.AddMinutes(4999), 149.99, 149.99, 149.99, 149.99, 4999), last.Bar);
    }

    [Fact]
    public void Element_that_is_not_an_array_is_a_bad_row_and_the_next_candle_is_read()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "[{\"t\": [1, 2]}, 7, [1515560400000, 0.0992, 0.0998, 0.099, 0.0995, 2527.25]]");

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(
            [
                new BadRowRecord(new BadRow("X.json", 1, "row", "candle 1: expected an array [time, open, high, low, close, volume], found an object")),
                new BadRowRecord(new BadRow("X.json", 2, "row", "candle 2: expected an array [time, open, high, low, close, volume], found 7")),
            ],
            records.Take(2));
        Assert.Equal(3, Assert.IsType<BarRecord>(records[2]).Line);
    }

    [Fact]
    public void Null_value_and_nested_array_are_unparseable_fields()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "[[1515560100000, 0.0981, 0.0993, 0.0979, 0.0992, null], [[1], 0.0992, 0.0998, 0.099, 0.0995, 2527.25]]");

        Assert.Equal(
            [
                new BadRow("X.json", 1, "volume", "candle 1: not a number: null"),
                new BadRow("X.json", 2, "time", "candle 2: not a time: an array"),
            ],
            BadRows(MarketDataReader.Read(path)));
    }

    [Fact]
    public void Broken_json_yields_a_bad_row_and_ends_the_file()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "[[1515560100000, 0.0981, 0.0993, 0.0979, 0.0992, 1820.5], [1515560400000, 0.0992 0.0998]]");

        var records = MarketDataReader.Read(path).ToList();

        Assert.Equal(2, records.Count);
        Assert.IsType<BarRecord>(records[0]);
        var bad = Assert.IsType<BadRowRecord>(records[1]).Row;
        Assert.Equal((2, "row"), (bad.Line, bad.Field));
        Assert.StartsWith("candle 2: invalid JSON: ", bad.Reason);
    }

    [Fact]
    public void Array_not_closed_after_a_complete_candle_is_reported_as_truncated()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "[[1515560100000, 0.0981, 0.0993, 0.0979, 0.0992, 1820.5],");

        var records = MarketDataReader.Read(path).ToList();

        Assert.IsType<BarRecord>(records[0]);
        Assert.Equal(
            new BadRow("X.json", 2, "row", "candle 2: truncated last line: the file ends before the closing ']' of the candle array"),
            Assert.IsType<BadRowRecord>(records[1]).Row);
    }

    [Fact]
    public void Empty_array_has_no_records()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", " [ ] ");

        Assert.Empty(MarketDataReader.Read(path));
    }

    [Fact]
    public void Json_that_is_not_an_array_of_candles_is_refused_with_the_file_name()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.json", "{\"candles\": []}");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Read(path, DataFormat.FreqtradeJson).ToList());

        Assert.Equal("X.json: not a freqtrade candle file: expected a JSON array [[time, open, high, low, close, volume], ...], found an object", error.Message);
    }
}
