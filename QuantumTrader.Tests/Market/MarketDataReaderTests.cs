using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Market;

/// <summary>Format detection, symbols, path expansion and file-level errors.</summary>
public class MarketDataReaderTests
{
    [Theory]
    [InlineData("1704067200000,0.1,0.2,0.1,0.2,5,1704067259999,1,3,2,0.5,0\n", DataFormat.BinanceKline)]
    [InlineData("1735689600000000,0.1,0.2,0.1,0.2,5,1735689659999999,1,3,2,0.5,0\n", DataFormat.BinanceKline)]
    [InlineData("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n", DataFormat.BinanceKline)]
    [InlineData("1605571200,16713.080000,16806.090000,16683.630000,16830.000000,2861.4,51506\n", DataFormat.Ninjabot)]
    [InlineData("date,open,high,low,close,volume\n2017-01-03,212.61,213.35,211.52,212.8,96708880\n", DataFormat.OhlcvCsv)]
    [InlineData("\uFEFFTimestamp,Open,High,Low,Close,Volume\r\n", DataFormat.OhlcvCsv)]
    [InlineData("open_time,open,high,low,close,volume\n", DataFormat.OhlcvCsv)]
    [InlineData("[[1515560100000, 0.0981, 0.0993, 0.0979, 0.0992, 1820.5]]", DataFormat.FreqtradeJson)]
    [InlineData("\n  \n[\n]", DataFormat.FreqtradeJson)]
    public void Detects_each_format_from_content(string content, DataFormat expected)
    {
        using var temp = new TempFolder();

        Assert.Equal(expected, MarketDataReader.Detect(temp.Write("data.txt", content)));
        Assert.Equal(expected, MarketDataReader.Detect(temp.WriteGzip("data.bin", content)));
    }

    [Fact]
    public void Detection_ignores_a_misleading_file_name()
    {
        using var temp = new TempFolder();
        var path = temp.Write("BTCUSDT-1h.json", "1605571200,16713.080000,16806.090000,16683.630000,16830.000000,2861.4,51506\n");

        Assert.Equal(DataFormat.Ninjabot, MarketDataReader.Detect(path));
        Assert.Single(MarketDataReader.Read(path));
    }

    [Fact]
    public void Unknown_format_message_names_the_file_the_first_line_and_the_known_formats()
    {
        using var temp = new TempFolder();
        var path = temp.Write("spy.csv", "20110103 090100;127.5;127.6;127.4;127.5;1000\n");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path));

        Assert.StartsWith(
            $"unknown market data format in {path}: first line '20110103 090100;127.5;127.6;127.4;127.5;1000' has no comma (only comma-separated files are read)",
            error.Message);
        Assert.Contains("Known formats: Binance kline CSV", error.Message);
        Assert.Contains("freqtrade JSON", error.Message);
        Assert.Throws<MarketDataException>(() => MarketDataReader.Read(path));
    }

    [Fact]
    public void Unknown_header_message_says_which_columns_are_missing()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ett.csv", "date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT\n");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path));

        Assert.Contains("header lacks open, high, low, close, volume", error.Message);
    }

    [Fact]
    public void Json_object_is_not_taken_for_a_candle_file()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ETH-USD.json", "{\"name\": \"ETH-USD\", \"ohlc\": []}");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path));

        Assert.Contains("is a JSON object (freqtrade JSON is an array of candles)", error.Message);
    }

    [Fact]
    public void Numeric_rows_of_an_unknown_width_are_not_guessed()
    {
        using var temp = new TempFolder();
        var path = temp.Write("x.csv", "1605571200,1,2,1,2,3\n");

        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path));

        Assert.Contains("has 6 numeric columns", error.Message);
    }

    [Fact]
    public void Empty_file_cannot_be_detected()
    {
        using var temp = new TempFolder();
        var path = temp.Write("x.csv", " \n");

        Assert.Equal($"market data file is empty: {path}", Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path)).Message);
    }

    [Fact]
    public void Missing_file_is_refused_when_read_is_called_not_later()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "nope.csv");

        var onRead = Assert.Throws<MarketDataException>(() => MarketDataReader.Read(path));
        var onDetect = Assert.Throws<MarketDataException>(() => MarketDataReader.Detect(path));

        Assert.Equal($"market data file not found: {path}", onRead.Message);
        Assert.Equal(onRead.Message, onDetect.Message);
    }

    [Fact]
    public void Folder_given_to_read_is_refused()
    {
        using var temp = new TempFolder();

        Assert.Contains("is a folder", Assert.Throws<MarketDataException>(() => MarketDataReader.Read(temp.Path)).Message);
    }

    [Theory]
    [InlineData("BTCUSDT-1h.csv", "BTCUSDT")]
    [InlineData("data/binance/ethusdt_1h.csv.gz", "ETHUSDT")]
    [InlineData("ADABTC.csv", "ADABTC")]
    [InlineData("ADABTC-1m-2021-11-27.csv", "ADABTC")]
    [InlineData("XRP_USDT_USDT-1h-futures.json.gz", "XRP")]
    [InlineData("spy", "SPY")]
    public void Symbol_is_the_upper_cased_file_name_stem(string path, string expected)
    {
        Assert.Equal(expected, MarketDataReader.SymbolFromPath(path));
    }

    [Fact]
    public void File_name_without_a_stem_gives_no_symbol()
    {
        var error = Assert.Throws<MarketDataException>(() => MarketDataReader.SymbolFromPath("-1h.csv"));

        Assert.Contains("cannot take a symbol from the file name '-1h.csv'", error.Message);
    }

    [Fact]
    public void Folders_expand_to_their_sorted_data_files_and_files_stay_once_in_given_order()
    {
        using var temp = new TempFolder();
        var b = temp.Write("data/b.csv", "");
        var a = temp.Write("data/a.json.gz", "");
        var c = temp.Write("data/c.TXT", "");
        temp.Write("data/SOURCE.md", "");
        temp.Write("data/d.parquet", "");
        temp.Write("data/sub/e.csv", "");
        var single = temp.Write("single.csv", "");

        var paths = MarketDataReader.ExpandPaths([single, Path.Combine(temp.Path, "data"), b]);

        Assert.Equal([single, a, b, c], paths);
    }

    [Fact]
    public void Expanding_a_missing_path_or_a_folder_without_data_files_throws_naming_it()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "nope");
        temp.Write("docs/README.md", "");
        var docs = Path.Combine(temp.Path, "docs");

        Assert.Equal($"market data path not found: {missing}",
            Assert.Throws<MarketDataException>(() => MarketDataReader.ExpandPaths([missing])).Message);
        Assert.StartsWith($"folder {docs} holds no market data files",
            Assert.Throws<MarketDataException>(() => MarketDataReader.ExpandPaths([docs])).Message);
    }
}
