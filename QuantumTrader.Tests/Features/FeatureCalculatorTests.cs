using System.Text.Json;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Features;

public class FeatureCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Bar At(int hour, double close, double volume = 100, string symbol = "BTCUSDT") =>
        new(symbol, T0.AddHours(hour), close, close * 1.01, close * 0.99, close, volume);

    [Fact]
    public void Feature_set_fs1_has_the_documented_names_in_order()
    {
        Assert.Equal("fs-1", FeatureCalculator.Set.Version);
        Assert.Equal(
            new[]
            {
                "ret_1", "log_ret_1", "ret_5", "ema_20", "ema_dist_20", "rsi_14", "atr_14", "atr_pct_14",
                "macd_12_26", "macd_signal_9", "macd_hist_12_26_9", "bb_pos_20", "bb_width_20", "vol_z_20", "rv_20",
            },
            FeatureCalculator.Set.Names);
        Assert.Equal(34, FeatureCalculator.WarmUpBars);
    }

    [Fact]
    public void Returns_are_hand_computed_fractions_and_nan_before_their_lookback()
    {
        var calc = new FeatureCalculator("BTCUSDT");
        var closes = new[] { 100.0, 110, 99, 100, 105, 120 };
        var rows = closes.Select((c, i) => calc.Next(At(i, c))).ToList();

        Assert.True(double.IsNaN(rows[0]["ret_1"]));
        Assert.True(double.IsNaN(rows[0]["log_ret_1"]));
        Assert.Equal(0.1, rows[1]["ret_1"], 12);
        Assert.Equal(Math.Log(1.1), rows[1]["log_ret_1"], 12);
        Assert.Equal(-0.1, rows[2]["ret_1"], 12);
        for (var i = 0; i < 5; i++) Assert.True(double.IsNaN(rows[i]["ret_5"]), $"ret_5 at bar {i}");
        Assert.Equal(0.2, rows[5]["ret_5"], 12);
        Assert.All(rows, r => Assert.False(r.IsWarm));
        Assert.All(rows, r => Assert.True(double.IsNaN(r["ema_20"])));
    }

    [Fact]
    public void Volume_z_score_uses_the_last_20_volumes_with_population_deviation()
    {
        var calc = new FeatureCalculator("BTCUSDT");
        var rows = Enumerable.Range(0, 21).Select(i => calc.Next(At(i, 100, volume: i + 1))).ToList();
        Assert.True(double.IsNaN(rows[18]["vol_z_20"]));
        // volumes 1..20: mean 10.5, population variance (20^2 - 1) / 12 = 33.25
        Assert.Equal(9.5 / Math.Sqrt(33.25), rows[19]["vol_z_20"], 12);
        // volumes 2..21 have the same spread, 21 sits 9.5 above their mean 11.5
        Assert.Equal(9.5 / Math.Sqrt(33.25), rows[20]["vol_z_20"], 12);

        var flat = new FeatureCalculator("BTCUSDT");
        var last = Enumerable.Range(0, 20).Select(i => flat.Next(At(i, 100, volume: 7))).ToList()[^1];
        Assert.Equal(0, last["vol_z_20"]);
    }

    [Fact]
    public void Realised_volatility_is_the_sample_deviation_of_20_log_returns_in_percent()
    {
        var calc = new FeatureCalculator("BTCUSDT");
        // 100, 101, 100, 101, ...: log returns alternate +ln 1.01 and -ln 1.01, mean 0
        var rows = Enumerable.Range(0, 22).Select(i => calc.Next(At(i, i % 2 == 0 ? 100 : 101))).ToList();
        Assert.True(double.IsNaN(rows[19]["rv_20"]));
        var expected = Math.Log(1.01) * Math.Sqrt(20.0 / 19) * 100; // 1.0208...
        Assert.Equal(expected, rows[20]["rv_20"], 12);
        Assert.Equal(1.0209, rows[20]["rv_20"], 4);
    }

    [Fact]
    public void Atr_percent_and_ema_distance_follow_their_definitions()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        FeatureVector row = null!;
        foreach (var b in SkenderData.Quotes) row = calc.Next(b);
        var close = SkenderData.Quotes[^1].Close;
        Assert.Equal(row["atr_14"] / close * 100, row["atr_pct_14"], 12);
        Assert.Equal(close / row["ema_20"] - 1, row["ema_dist_20"], 12);
        Assert.Equal(2.5072359294860176, row["atr_pct_14"], 9);
    }

    [Fact]
    public void Row_is_warm_from_bar_34_exactly_when_every_feature_is_defined()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        var rows = SkenderData.Quotes.Select(calc.Next).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var allDefined = rows[i].Values.All(double.IsFinite);
            Assert.Equal(i >= 33, rows[i].IsWarm);
            Assert.Equal(rows[i].IsWarm, allDefined);
            Assert.Equal(SkenderData.Quotes[i].Time, rows[i].Time);
            Assert.Same(FeatureCalculator.Set, rows[i].Set);
        }
        Assert.True(double.IsNaN(rows[32]["macd_signal_9"]));
        Assert.False(double.IsNaN(rows[32]["rv_20"]));
        Assert.Equal(502, calc.BarCount);
        Assert.True(calc.IsWarm);
    }

    public static TheoryData<string, Bar, string> BadBars => new()
    {
        { "another symbol", At(1, 100, symbol: "ETHUSDT"), "field Symbol" },
        { "same time again", At(0, 100), "field Time" },
        { "time going back", At(-1, 100), "field Time" },
        { "NaN close", At(1, 100) with { Close = double.NaN }, "field Close" },
        { "zero open", At(1, 100) with { Open = 0 }, "field Open" },
        { "high below low", At(1, 100) with { High = 98, Low = 99 }, "field High" },
        { "negative volume", At(1, 100, volume: -1), "field Volume" },
    };

    [Theory]
    [MemberData(nameof(BadBars))]
    public void Bad_bar_is_rejected_naming_bar_and_field_and_leaves_state_unchanged(string why, Bar bad, string field)
    {
        var calc = new FeatureCalculator("BTCUSDT");
        calc.Next(At(0, 100));
        var before = JsonSerializer.Serialize(calc.ExportState());
        var ex = Assert.Throws<ArgumentException>(() => calc.Next(bad));
        Assert.True(ex.Message.Contains(field) && ex.Message.Contains("bar " + bad.Symbol), $"{why}: {ex.Message}");
        Assert.Equal(before, JsonSerializer.Serialize(calc.ExportState()));
        Assert.Equal(0.01, calc.Next(At(1, 101))["ret_1"], 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(300)]
    public void State_exported_through_json_resumes_bit_identically(int cut)
    {
        var bars = SkenderData.Quotes.Take(cut + 200).ToList();
        var straight = new FeatureCalculator(SkenderData.Symbol);
        var expected = bars.Select(straight.Next).ToList();

        var first = new FeatureCalculator(SkenderData.Symbol);
        foreach (var b in bars.Take(cut)) first.Next(b);
        var json = JsonSerializer.Serialize(first.ExportState());
        var restored = FeatureCalculator.FromState(JsonSerializer.Deserialize<FeatureCalculatorState>(json)!);
        Assert.Equal(json, JsonSerializer.Serialize(restored.ExportState()));
        Assert.Equal(cut, restored.BarCount);

        for (var i = cut; i < bars.Count; i++)
        {
            var row = restored.Next(bars[i]);
            Assert.Equal(expected[i].IsWarm, row.IsWarm);
            for (var k = 0; k < row.Values.Length; k++)
                Assert.True(
                    BitConverter.DoubleToInt64Bits(expected[i].Values[k]) == BitConverter.DoubleToInt64Bits(row.Values[k]),
                    $"bar {i} {FeatureCalculator.Set.Names[k]}: {expected[i].Values[k]:R} vs {row.Values[k]:R}");
        }
        Assert.Equal(JsonSerializer.Serialize(straight.ExportState()), JsonSerializer.Serialize(restored.ExportState()));
    }

    [Fact]
    public void Exported_state_is_not_changed_by_later_bars()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        foreach (var b in SkenderData.Quotes.Take(50)) calc.Next(b);
        var state = calc.ExportState();
        var json = JsonSerializer.Serialize(state);
        foreach (var b in SkenderData.Quotes.Skip(50).Take(30)) calc.Next(b);
        Assert.Equal(json, JsonSerializer.Serialize(state));

        var (_, again) = FeatureCalculator.Step(state, SkenderData.Quotes[50]);
        var (_, twice) = FeatureCalculator.Step(state, SkenderData.Quotes[50]);
        Assert.Equal(again.Values, twice.Values);
    }

    [Fact]
    public void Import_rejects_a_state_of_another_version_or_with_a_broken_window()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        foreach (var b in SkenderData.Quotes.Take(40)) calc.Next(b);
        var state = calc.ExportState();

        var ex = Assert.Throws<ArgumentException>(() => FeatureCalculator.FromState(state with { FeatureSetVersion = "fs-0" }));
        Assert.Contains("FeatureSetVersion", ex.Message);

        var shortWindow = state.Volumes with { Items = new double[19] };
        ex = Assert.Throws<ArgumentException>(() => FeatureCalculator.FromState(state with { Volumes = shortWindow }));
        Assert.Contains("Volumes.Items: length 19, expected 20", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => FeatureCalculator.FromState(state with { Rsi14 = Rsi.Create(7) }));
        Assert.Contains("Rsi14.Period", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => FeatureCalculator.FromState(state with { LastTime = null }));
        Assert.Contains("LastTime", ex.Message);
    }
}
