using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Features;

public class RegimeClassifierTests
{
    private static readonly RegimeClassifier Classifier = new();

    /// <summary>A warm fs-1 row of a calm market, with the regime inputs overridable.</summary>
    private static FeatureVector Row(
        double ret1 = 0.001, double ret5 = 0.004, double atrPct = 1.2, double rv = 0.8,
        double emaDist = 0.002, double hist = 0.1, bool warm = true)
    {
        var set = FeatureCalculator.Set;
        var values = new double[set.Names.Count];
        values[set.IndexOf("ret_1")] = ret1;
        values[set.IndexOf("ret_5")] = ret5;
        values[set.IndexOf("atr_pct_14")] = atrPct;
        values[set.IndexOf("rv_20")] = rv;
        values[set.IndexOf("ema_dist_20")] = emaDist;
        values[set.IndexOf("macd_hist_12_26_9")] = hist;
        return new FeatureVector(set, new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero), values, warm);
    }

    [Fact]
    public void Calm_market_without_direction_is_ranging() =>
        Assert.Equal(MarketRegime.Ranging, Classifier.Classify(Row()));

    [Fact]
    public void Close_above_ema_with_rising_macd_is_trending_up() =>
        Assert.Equal(MarketRegime.TrendingUp, Classifier.Classify(Row(emaDist: 0.02, hist: 0.5)));

    [Fact]
    public void Close_below_ema_with_falling_macd_is_trending_down() =>
        Assert.Equal(MarketRegime.TrendingDown, Classifier.Classify(Row(emaDist: -0.015, hist: -0.2)));

    [Theory]
    [InlineData(0.02, -0.1)]
    [InlineData(-0.02, 0.1)]
    [InlineData(0.02, 0.0)]
    [InlineData(0.0099, 0.3)]
    public void Trend_needs_distance_and_agreeing_macd_else_ranging(double emaDist, double hist) =>
        Assert.Equal(MarketRegime.Ranging, Classifier.Classify(Row(emaDist: emaDist, hist: hist)));

    [Fact]
    public void Ema_distance_threshold_is_inclusive() =>
        Assert.Equal(MarketRegime.TrendingUp, Classifier.Classify(Row(emaDist: 0.01, hist: 0.3)));

    [Fact]
    public void Wide_atr_is_high_volatility_even_in_a_trend() =>
        Assert.Equal(MarketRegime.HighVolatility, Classifier.Classify(Row(atrPct: 3.5, emaDist: 0.03, hist: 1)));

    [Fact]
    public void High_realised_volatility_alone_is_high_volatility() =>
        Assert.Equal(MarketRegime.HighVolatility, Classifier.Classify(Row(rv: 2.2)));

    [Fact]
    public void Eight_percent_fall_in_five_bars_is_a_crash_before_high_volatility() =>
        Assert.Equal(MarketRegime.Crash, Classifier.Classify(Row(ret5: -0.09, atrPct: 4.0, rv: 3.0, emaDist: -0.05, hist: -2)));

    [Fact]
    public void Five_percent_bar_in_an_agitated_market_is_a_crash() =>
        Assert.Equal(MarketRegime.Crash, Classifier.Classify(Row(ret1: -0.06, ret5: -0.05, atrPct: 2.5)));

    [Fact]
    public void Five_percent_bar_in_a_calm_market_is_not_a_crash() =>
        Assert.Equal(MarketRegime.TrendingDown, Classifier.Classify(Row(ret1: -0.06, ret5: -0.05, atrPct: 1.5, emaDist: -0.04, hist: -0.5)));

    [Fact]
    public void Custom_thresholds_move_the_boundaries()
    {
        var strict = new RegimeClassifier(new RegimeThresholds(HighVolAtrPct: 1.0));
        Assert.Equal(MarketRegime.HighVolatility, strict.Classify(Row(atrPct: 1.2)));
        Assert.Equal(MarketRegime.Ranging, Classifier.Classify(Row(atrPct: 1.2)));
    }

    [Fact]
    public void Thresholds_with_the_wrong_sign_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RegimeClassifier(new RegimeThresholds(CrashReturn5: 0.08)));
        Assert.Contains("CrashReturn5", ex.Message);
    }

    [Fact]
    public void Cold_row_has_no_regime()
    {
        var ex = Assert.Throws<ArgumentException>(() => Classifier.Classify(Row(warm: false)));
        Assert.Contains("not warm", ex.Message);
    }

    [Fact]
    public void February_2018_selloff_is_labelled_a_crash_on_real_data()
    {
        var calc = new FeatureCalculator(SkenderData.Symbol);
        var labels = SkenderData.Quotes.Select(calc.Next).Where(r => r.IsWarm)
            .ToDictionary(r => r.Time.UtcDateTime.ToString("yyyy-MM-dd"), r => (Row: r, Regime: Classifier.Classify(r)));
        // SPY closed 271.20 on 2018-02-01 and 248.13 five sessions later: -8.5%
        Assert.Equal(248.13 / 271.2 - 1, labels["2018-02-08"].Row["ret_5"], 12);
        Assert.Equal(MarketRegime.Crash, labels["2018-02-08"].Regime);
    }
}
