namespace QuantumTrader.Models.Market;

/// <summary>Where the bar's fields sit in a CSV row.</summary>
internal sealed record CsvLayout(int FieldCount, int Time, int Open, int High, int Low, int Close, int Volume, bool UnixTimeOnly)
{
    private static readonly string[] TimeNames = ["date", "datetime", "date_time", "time", "timestamp", "open_time", "opentime"];
    private static readonly string[] ValueNames = ["open", "high", "low", "close", "volume"];

    /// <summary>open_time, open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_base, taker_buy_quote, ignore.</summary>
    public static readonly CsvLayout BinanceKline = new(12, 0, 1, 2, 3, 4, 5, UnixTimeOnly: true);

    /// <summary>time, open, close, low, high, volume, trades: note the O, C, L, H order.</summary>
    public static readonly CsvLayout Ninjabot = new(7, 0, Open: 1, High: 4, Low: 3, Close: 2, Volume: 5, UnixTimeOnly: true);

    public static string[] HeaderNames(ReadOnlySpan<char> line)
    {
        var names = new List<string>();
        foreach (var range in line.Split(','))
        {
            names.Add(FieldParser.Clean(line[range]).ToString().ToLowerInvariant());
        }

        return names.ToArray();
    }

    public static bool IsBinanceKlineHeader(string[] names) => names.Length == 12 && names.Contains("close_time");

    /// <summary>Maps an OHLCV header by name (any order, case-insensitive); returns null and a reason when it cannot.</summary>
    public static CsvLayout? FromHeader(string[] names, out string problem)
    {
        var timeColumns = Enumerable.Range(0, names.Length).Where(i => TimeNames.Contains(names[i])).ToArray();
        var duplicate = names.Where(n => n.Length > 0).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        var missing = ValueNames.Where(n => !names.Contains(n)).ToList();
        if (timeColumns.Length == 0)
        {
            missing.Insert(0, "a date/time column (" + string.Join(", ", TimeNames) + ")");
        }

        if (missing.Count > 0)
        {
            problem = "header lacks " + string.Join(", ", missing);
            return null;
        }

        if (timeColumns.Length > 1)
        {
            problem = $"header has several date/time columns ({string.Join(", ", timeColumns.Select(i => names[i]))}); keep one";
            return null;
        }

        if (duplicate is not null)
        {
            problem = $"header names column '{duplicate.Key}' twice";
            return null;
        }

        problem = "";
        var index = (string name) => Array.IndexOf(names, name);
        return new CsvLayout(names.Length, timeColumns[0], index("open"), index("high"), index("low"), index("close"), index("volume"), UnixTimeOnly: false);
    }
}
