using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Features;

public class IndicatorBaselineTests
{
    private static IReadOnlyList<QuantumTrader.Models.Market.Bar> Bars => SkenderData.Quotes;

    [Fact]
    public void Quote_file_has_the_502_bars_the_baselines_were_computed_on()
    {
        Assert.Equal(502, Bars.Count);
        Assert.Equal(502, SkenderData.Baseline("ema", "ema").Count);
        Assert.Equal(212.8, Bars[0].Close);
        Assert.Equal(new DateTimeOffset(2018, 12, 31, 0, 0, 0, TimeSpan.Zero), Bars[^1].Time);
    }

    [Fact]
    public void Ema_20_matches_stock_indicators()
    {
        var ema = Ema.Create(20);
        var values = Bars.Select(b => (ema = ema.Next(b.Close)).Value).ToList();
        Assert.Equal(19, SkenderData.AssertMatches("ema", "ema", values));
        Assert.Equal(Bars.Take(20).Average(b => b.Close), values[19], 12);
    }

    [Fact]
    public void Rsi_14_matches_stock_indicators()
    {
        var rsi = Rsi.Create(14);
        var values = Bars.Select(b => (rsi = rsi.Next(b.Close)).Value).ToList();
        Assert.Equal(14, SkenderData.AssertMatches("rsi", "rsi", values));
    }

    [Fact]
    public void Atr_14_true_range_and_atr_percent_match_stock_indicators()
    {
        var atr = Atr.Create(14);
        var tr = new List<double>();
        var values = new List<double>();
        var pct = new List<double>();
        foreach (var b in Bars)
        {
            atr = atr.Next(b.High, b.Low, b.Close);
            tr.Add(atr.TrueRange);
            values.Add(atr.Value);
            pct.Add(atr.Value / b.Close * 100);
        }
        Assert.Equal(1, SkenderData.AssertMatches("atr", "tr", tr));
        Assert.Equal(14, SkenderData.AssertMatches("atr", "atr", values));
        Assert.Equal(14, SkenderData.AssertMatches("atr", "atrp", pct));
        Assert.Equal(6.1497482878433045, values[^1], 9);
    }

    [Fact]
    public void Macd_12_26_9_matches_stock_indicators()
    {
        var macd = Macd.Create(12, 26, 9);
        var line = new List<double>();
        var signal = new List<double>();
        var hist = new List<double>();
        var fast = new List<double>();
        var slow = new List<double>();
        foreach (var b in Bars)
        {
            macd = macd.Next(b.Close);
            line.Add(macd.Line);
            signal.Add(macd.SignalLine);
            hist.Add(macd.Histogram);
            fast.Add(macd.Fast.Value);
            slow.Add(macd.Slow.Value);
        }
        Assert.Equal(25, SkenderData.AssertMatches("macd", "macd", line));
        Assert.Equal(33, SkenderData.AssertMatches("macd", "signal", signal));
        Assert.Equal(33, SkenderData.AssertMatches("macd", "histogram", hist));
        Assert.Equal(11, SkenderData.AssertMatches("macd", "fastEma", fast));
        Assert.Equal(25, SkenderData.AssertMatches("macd", "slowEma", slow));
        Assert.Equal(34, macd.WarmUpBars);
    }

    [Fact]
    public void Bollinger_20_2_matches_stock_indicators()
    {
        var bb = BollingerBands.Create(20, 2);
        var cols = new Dictionary<string, List<double>>
        {
            ["sma"] = new(), ["upperBand"] = new(), ["lowerBand"] = new(), ["percentB"] = new(), ["zScore"] = new(), ["width"] = new(),
        };
        foreach (var b in Bars)
        {
            bb = bb.Next(b.Close);
            cols["sma"].Add(bb.Middle);
            cols["upperBand"].Add(bb.Upper);
            cols["lowerBand"].Add(bb.Lower);
            cols["percentB"].Add(bb.PercentB);
            cols["zScore"].Add(bb.ZScore);
            cols["width"].Add(bb.Width);
        }
        foreach (var (field, values) in cols)
            Assert.Equal(19, SkenderData.AssertMatches("bb", field, values));
    }

    [Fact]
    public void Feature_columns_match_stock_indicators()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        var rows = Bars.Select(calc.Next).ToList();
        List<double> Col(string name) => rows.Select(r => r[name]).ToList();
        SkenderData.AssertMatches("ema", "ema", Col("ema_20"));
        SkenderData.AssertMatches("rsi", "rsi", Col("rsi_14"));
        SkenderData.AssertMatches("atr", "atr", Col("atr_14"));
        SkenderData.AssertMatches("atr", "atrp", Col("atr_pct_14"));
        SkenderData.AssertMatches("macd", "macd", Col("macd_12_26"));
        SkenderData.AssertMatches("macd", "signal", Col("macd_signal_9"));
        SkenderData.AssertMatches("macd", "histogram", Col("macd_hist_12_26_9"));
        SkenderData.AssertMatches("bb", "percentB", Col("bb_pos_20"));
        SkenderData.AssertMatches("bb", "width", Col("bb_width_20"));
    }

    [Fact]
    public void Flat_input_gives_defined_values_not_divisions_by_zero()
    {
        var rsi = Rsi.Create(3);
        var bb = BollingerBands.Create(3, 2);
        var atr = Atr.Create(3);
        for (var i = 0; i < 5; i++)
        {
            rsi = rsi.Next(50);
            bb = bb.Next(50);
            atr = atr.Next(50, 50, 50);
        }
        Assert.Equal(100, rsi.Value);
        Assert.Equal(0.5, bb.PercentB);
        Assert.Equal(0, bb.ZScore);
        Assert.Equal(0, bb.Width);
        Assert.Equal(0, atr.Value);
    }

    [Fact]
    public void Rolling_window_keeps_the_last_items_and_leaves_earlier_snapshots_untouched()
    {
        var w = RollingWindow.Create(3);
        var snapshots = new List<RollingWindow>();
        foreach (var x in new[] { 1.0, 2, 3, 4, 5 })
        {
            w = w.Push(x);
            snapshots.Add(w);
        }
        Assert.Equal(new[] { 5.0, 4, 3 }, new[] { w.Ago(0), w.Ago(1), w.Ago(2) });
        Assert.Equal(4, w.Mean());
        Assert.Equal(Math.Sqrt(2.0 / 3), w.PopulationStdDev(4), 15);
        Assert.Equal(1, w.SampleStdDev(4), 15);
        Assert.Equal(2, snapshots[1].Count);
        Assert.Equal(2, snapshots[1].Ago(0));
        Assert.Equal(1, snapshots[1].Ago(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshots[1].Ago(2));
    }
}
