using QuantumTrader.Models.Market;
using static QuantumTrader.Tests.Market.MarketTestFiles;

namespace QuantumTrader.Tests.Market;

/// <summary>Every rejection reason, for every reader: a bad third row between good rows, and the reader carrying on.</summary>
public class BadRowTests
{
    /// <summary>Writes rows of one format; field values are given as text so a test can put anything in them.</summary>
    public sealed record Layout(DataFormat Format, string FileName, string? Header, string Unit, Func<DateTimeOffset, string> Time, Func<string[], string> Row)
    {
        public int FirstLine => Header is null ? 1 : 2;

        public bool IsJson => Format == DataFormat.FreqtradeJson;

        public string File(IEnumerable<string> rows, bool close = true) => IsJson
            ? "[" + string.Join(",\n", rows) + (close ? "]" : "")
            : (Header is null ? "" : Header + "\n") + string.Join("", rows.Select(r => r + "\n"));

        public string DropLastField(string row) => IsJson ? row[..row.LastIndexOf(',')] + "]" : row[..row.LastIndexOf(',')];

        public override string ToString() => Format.ToString();
    }

    private static readonly DateTimeOffset T0 = Utc(2024, 1, 1);

    public static readonly Layout Kline = new(DataFormat.BinanceKline, "BTCUSDT-1h-2024-01.csv", null, "line",
        t => t.ToUnixTimeMilliseconds().ToString(),
        f => $"{f[0]},{f[1]},{f[2]},{f[3]},{f[4]},{f[5]},1704070799999,750.5,42,3.5,350.25,0");

    public static readonly Layout Ninja = new(DataFormat.Ninjabot, "BTCUSDT-1h.csv", null, "line",
        t => t.ToUnixTimeSeconds().ToString(),
        f => $"{f[0]},{f[1]},{f[4]},{f[3]},{f[2]},{f[5]},42");

    public static readonly Layout Ohlcv = new(DataFormat.OhlcvCsv, "BTCUSDT.csv", "date,open,high,low,close,volume", "line",
        t => t.ToString("yyyy-MM-dd HH:mm:ss"),
        f => string.Join(",", f));

    public static readonly Layout Json = new(DataFormat.FreqtradeJson, "BTCUSDT-1h.json", null, "candle",
        t => t.ToUnixTimeMilliseconds().ToString(),
        f => "[" + string.Join(", ", f.Select(v => v.Any(char.IsLetter) ? $"\"{v}\"" : v)) + "]");

    public static readonly Layout[] Layouts = [Kline, Ninja, Ohlcv, Json];

    /// <summary>Good bar i: one hour after bar i-1, O 100, H 110, L 90, C 105, V 7.5.</summary>
    private static string[] Good(Layout layout, int i) => [layout.Time(T0.AddHours(i)), "100", "110", "90", "105", "7.5"];

    private static string[] With(string[] fields, int index, string value)
    {
        var copy = (string[])fields.Clone();
        copy[index] = value;
        return copy;
    }

    /// <summary>(case name, third row's fields, field expected, reason expected; {L} is the second row's line, {U} the unit).</summary>
    public static readonly (string Name, Func<Layout, string[]> Fields, string Field, string Reason)[] Cases =
    [
        ("unparseable price", l => With(Good(l, 2), 1, "abc"), "open", "not a number: 'abc'"),
        ("unparseable time", l => With(Good(l, 2), 0, "yesterday"), "time", "'yesterday'"),
        ("NaN", l => With(Good(l, 2), 2, "NaN"), "high", "NaN or infinite: 'NaN'"),
        ("infinite", l => With(Good(l, 2), 4, "Infinity"), "close", "NaN or infinite: 'Infinity'"),
        ("zero price", l => With(Good(l, 2), 3, "0"), "low", "price must be > 0, got 0"),
        ("negative price", l => With(Good(l, 2), 4, "-105"), "close", "price must be > 0, got -105"),
        ("high below low", l => With(With(Good(l, 2), 2, "80"), 1, "85"), "high", "high 80 is below low 90"),
        ("open above high", l => With(Good(l, 2), 1, "120"), "open", "open 120 is outside [low 90, high 110]"),
        ("close below low", l => With(Good(l, 2), 4, "85"), "close", "close 85 is outside [low 90, high 110]"),
        ("negative volume", l => With(Good(l, 2), 5, "-1"), "volume", "negative volume -1"),
        ("duplicate time", l => With(Good(l, 2), 0, l.Time(T0.AddHours(1))), "time", "duplicate time 2024-01-01T01:00:00Z (same as {U} {L})"),
        ("out-of-order time", l => With(Good(l, 2), 0, l.Time(T0)), "time",
            "out-of-order time 2024-01-01T00:00:00Z (before 2024-01-01T01:00:00Z at {U} {L})"),
    ];

    public static TheoryData<Layout, string> LayoutAndCase()
    {
        var data = new TheoryData<Layout, string>();
        foreach (var layout in Layouts)
        {
            foreach (var c in Cases)
            {
                data.Add(layout, c.Name);
            }
        }

        return data;
    }

    public static TheoryData<Layout> AllLayouts() => new(Layouts);

    [Theory]
    [MemberData(nameof(LayoutAndCase))]
    public void Bad_third_row_is_reported_with_file_line_field_and_reason_and_reading_goes_on(Layout layout, string caseName)
    {
        var (_, fields, field, reason) = Cases.Single(c => c.Name == caseName);
        using var temp = new TempFolder();
        var rows = new[] { Good(layout, 0), Good(layout, 1), fields(layout), Good(layout, 3) }.Select(layout.Row);
        var path = temp.Write(layout.FileName, layout.File(rows));

        var records = MarketDataReader.Read(path, layout.Format).ToList();

        Assert.Equal(4, records.Count);
        var bad = Assert.IsType<BadRowRecord>(records[2]).Row;
        var line = layout.FirstLine + 2;
        Assert.Equal(layout.FileName, bad.File);
        Assert.Equal(line, bad.Line);
        Assert.Equal(field, bad.Field);
        Assert.Contains(reason.Replace("{U}", layout.Unit).Replace("{L}", (line - 1).ToString()), bad.Reason);
        if (layout.IsJson)
        {
            Assert.StartsWith($"candle {line}: ", bad.Reason);
        }

        Assert.Equal($"{layout.FileName}:{line}: {field}: {bad.Reason}", bad.ToString());
        Assert.Equal([T0, T0.AddHours(1), T0.AddHours(3)], Bars(records).Select(b => b.Time));
        Assert.Equal([layout.FirstLine, layout.FirstLine + 1, layout.FirstLine + 3], records.OfType<BarRecord>().Select(r => r.Line));
    }

    [Theory]
    [MemberData(nameof(AllLayouts))]
    public void Row_with_a_missing_field_is_a_wrong_column_count(Layout layout)
    {
        using var temp = new TempFolder();
        var rows = new[] { layout.Row(Good(layout, 0)), layout.DropLastField(layout.Row(Good(layout, 1))), layout.Row(Good(layout, 2)) };
        var path = temp.Write(layout.FileName, layout.File(rows));

        var records = MarketDataReader.Read(path, layout.Format).ToList();

        var bad = Assert.Single(BadRows(records));
        Assert.Equal(layout.FirstLine + 1, bad.Line);
        Assert.Equal("row", bad.Field);
        var expected = layout.Format switch
        {
            DataFormat.BinanceKline => "wrong column count: expected 12, found 11",
            DataFormat.Ninjabot => "wrong column count: expected 7, found 6",
            DataFormat.OhlcvCsv => "wrong column count: expected 6, found 5",
            _ => "wrong column count: expected 6 values, found 5",
        };
        Assert.Contains(expected, bad.Reason);
        Assert.Equal(2, Bars(records).Count);
    }

    [Theory]
    [MemberData(nameof(AllLayouts))]
    public void Last_line_cut_short_without_newline_is_a_truncated_last_line(Layout layout)
    {
        using var temp = new TempFolder();
        var last = layout.Row(Good(layout, 2));
        var cut = last[..(last.IndexOf(',', last.IndexOf(',') + 1) + 3)];
        var text = layout.File([layout.Row(Good(layout, 0)), layout.Row(Good(layout, 1))]);
        text = layout.IsJson ? text[..^1] + ",\n" + cut : text + cut;
        var path = temp.Write(layout.FileName, text);

        var records = MarketDataReader.Read(path, layout.Format).ToList();

        Assert.Equal(3, records.Count);
        Assert.Equal([T0, T0.AddHours(1)], Bars(records).Select(b => b.Time));
        var bad = Assert.IsType<BadRowRecord>(records[2]).Row;
        Assert.Equal(layout.FirstLine + 2, bad.Line);
        Assert.Equal("row", bad.Field);
        Assert.Contains("truncated last line", bad.Reason);
    }

    [Theory]
    [MemberData(nameof(AllLayouts))]
    public void Complete_last_line_without_newline_is_a_good_bar(Layout layout)
    {
        using var temp = new TempFolder();
        var text = layout.File([layout.Row(Good(layout, 0)), layout.Row(Good(layout, 1))]).TrimEnd('\n');
        var path = temp.Write(layout.FileName, text);

        var records = MarketDataReader.Read(path, layout.Format).ToList();

        Assert.Empty(BadRows(records));
        var bar = Bars(records)[1];
        Assert.Equal(new Bar("BTCUSDT", T0.AddHours(1), 100, 110, 90, 105, 7.5), bar);
    }

    [Theory]
    [MemberData(nameof(AllLayouts))]
    public void Time_order_is_checked_against_the_last_good_bar(Layout layout)
    {
        using var temp = new TempFolder();
        // Bar at 05:00 is bad (zero volume is fine, negative is not), so 03:00 after it is in order and 05:00 may come again.
        var rows = new[]
        {
            Good(layout, 2), With(Good(layout, 5), 5, "-2"), Good(layout, 3), With(Good(layout, 5), 5, "0"),
        }.Select(layout.Row);
        var path = temp.Write(layout.FileName, layout.File(rows));

        var records = MarketDataReader.Read(path, layout.Format).ToList();

        Assert.Equal("volume", Assert.Single(BadRows(records)).Field);
        Assert.Equal([T0.AddHours(2), T0.AddHours(3), T0.AddHours(5)], Bars(records).Select(b => b.Time));
        Assert.Equal(0, Bars(records)[2].Volume);
    }

    [Fact]
    public void Cut_number_in_the_last_field_of_an_unterminated_line_is_a_truncated_last_line()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,open,high,low,close,volume\n2024-01-01,100,110,90,105,7.5\n2024-01-02,100,110,90,105,7.");

        var bad = Assert.Single(BadRows(MarketDataReader.Read(path)));

        Assert.Equal(3, bad.Line);
        Assert.Contains("truncated last line", bad.Reason);
    }

    [Fact]
    public void Short_line_that_ends_with_a_newline_is_a_wrong_column_count_not_a_truncation()
    {
        using var temp = new TempFolder();
        var path = temp.Write("X.csv", "date,open,high,low,close,volume\n2024-01-01,100,110,90,105,7.5\n2024-01-02,100,11\n");

        var bad = Assert.Single(BadRows(MarketDataReader.Read(path)));

        Assert.Equal("wrong column count: expected 6, found 3", bad.Reason);
    }
}
