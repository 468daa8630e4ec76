using System.Globalization;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Features;

public class FeatureTableTests
{
    private const string Header =
        "time,symbol,open,high,low,close,volume,ret_1,log_ret_1,ret_5,ema_20,ema_dist_20,rsi_14,atr_14,atr_pct_14," +
        "macd_12_26,macd_signal_9,macd_hist_12_26_9,bb_pos_20,bb_width_20,vol_z_20,rv_20,regime";

    private static string[] Write(IEnumerable<Bar> bars, out int rows)
    {
        var w = new StringWriter();
        rows = FeatureTable.Write(w, bars);
        var text = w.ToString();
        Assert.EndsWith("\n", text);
        return text.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public void Header_lists_bar_columns_features_and_regime()
    {
        var lines = Write(Array.Empty<Bar>(), out var rows);
        Assert.Equal(0, rows);
        Assert.Equal(new[] { Header }, lines);
    }

    [Fact]
    public void Writes_one_row_per_bar_with_empty_fields_before_warm_up()
    {
        var lines = Write(SkenderData.Quotes, out var rows);
        Assert.Equal(502, rows);
        Assert.Equal(503, lines.Length);
        Assert.Equal(Header, lines[0]);
        Assert.All(lines, l => Assert.Equal(23, l.Split(',').Length));

        Assert.Equal("2017-01-03T00:00:00Z,SPY,212.61,213.35,211.52,212.8,96708880,,,,,,,,,,,,,,,,", lines[1]);
        var second = lines[2].Split(',');
        Assert.Equal((214.06 / 212.8 - 1).ToString("R", CultureInfo.InvariantCulture), second[7]);
        Assert.Equal("", second[^1]);
    }

    [Fact]
    public void Warm_row_carries_the_baseline_values_and_the_regime()
    {
        var lines = Write(SkenderData.Quotes, out _);
        var last = lines[^1].Split(',');
        var col = FeatureTable.Columns.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        double At(string name) => double.Parse(last[col[name]], CultureInfo.InvariantCulture);

        Assert.Equal("2018-12-31T00:00:00Z", last[0]);
        Assert.Equal("SPY", last[1]);
        Assert.Equal(245.28, At("close"));
        Assert.Equal(249.35189668034732, At("ema_20"), 9);
        Assert.Equal(42.07732356600684, At("rsi_14"), 9);
        Assert.Equal(6.1497482878433045, At("atr_14"), 9);
        Assert.Equal(-0.36287860259175364, At("macd_hist_12_26_9"), 9);
        Assert.Equal(0.34936189244000826, At("bb_pos_20"), 9);

        var calc = new FeatureCalculator(SkenderData.Symbol);
        FeatureVector row = null!;
        foreach (var b in SkenderData.Quotes) row = calc.Next(b);
        Assert.Equal(new RegimeClassifier().Classify(row).ToString(), last[^1]);
        for (var k = 0; k < row.Values.Length; k++)
            Assert.Equal(row.Values[k], double.Parse(last[7 + k], CultureInfo.InvariantCulture));
        Assert.Equal(FeatureCalculator.WarmUpBars - 1, lines.Skip(1).Count(l => l.EndsWith(",")));
    }

    [Fact]
    public void Interleaved_symbols_get_their_own_features_and_utc_times()
    {
        var plus2 = TimeSpan.FromHours(2);
        var bars = new[]
        {
            new Bar("BTC,USD", new DateTimeOffset(2021, 1, 1, 2, 0, 0, plus2), 100, 101, 99, 100, 5),
            new Bar("ETH", new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), 10, 11, 9, 10, 5),
            new Bar("BTC,USD", new DateTimeOffset(2021, 1, 1, 3, 0, 0, plus2), 100, 103, 99, 102, 5),
            new Bar("ETH", new DateTimeOffset(2021, 1, 1, 1, 0, 0, TimeSpan.Zero), 10, 11, 9, 9.5, 5),
        };
        var lines = Write(bars, out _);
        Assert.StartsWith("2021-01-01T00:00:00Z,\"BTC,USD\",100,", lines[1]);
        Assert.StartsWith("2021-01-01T01:00:00Z,\"BTC,USD\",100,103,99,102,5,", lines[3]);
        Assert.StartsWith("2021-01-01T01:00:00Z,ETH,10,11,9,9.5,5,", lines[4]);
        // ret_1 follows each symbol's own previous close; the quoted symbol shifts BTC's fields by one
        Assert.Equal(0.02, double.Parse(lines[3].Split(',')[8], CultureInfo.InvariantCulture), 12);
        Assert.Equal(-0.05, double.Parse(lines[4].Split(',')[7], CultureInfo.InvariantCulture), 12);
    }

    [Fact]
    public void Times_keep_fractional_seconds_and_nan_is_empty()
    {
        Assert.Equal("2021-05-01T10:00:00.25Z", FeatureTable.FormatTime(new DateTimeOffset(2021, 5, 1, 10, 0, 0, 250, TimeSpan.Zero)));
        Assert.Equal("", FeatureTable.FormatNumber(double.NaN));
        Assert.Equal("0.1", FeatureTable.FormatNumber(0.1));
        Assert.Equal("1E-07", FeatureTable.FormatNumber(1e-7));
    }
}
