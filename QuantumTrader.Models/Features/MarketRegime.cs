namespace QuantumTrader.Models.Features;

public enum MarketRegime
{
    Ranging,
    TrendingUp,
    TrendingDown,
    HighVolatility,
    Crash,
}

/// <summary>
/// Thresholds of <see cref="RegimeClassifier"/>, in the units of feature set fs-1 (returns and EMA distance as
/// fractions, ATR% and realised volatility in percent). Defaults are set for crypto hourly bars; on Binance
/// BTC/USDT and ETH/USDT 1h (Nov 2020 - May 2021) atr_pct_14 had median 1.3 / 1.6 and 97th / 92nd percentile
/// about 3.0, rv_20 had median 0.8 / 1.0 and 97th / 93rd percentile about 2.0, |ema_dist_20| had median about 1%,
/// and a 5-bar fall of 8% happened in 0.2% / 0.6% of hours.
/// </summary>
/// <param name="CrashReturn5">ret_5 at or below this is a crash (a fall of 8% within five bars).</param>
/// <param name="CrashBarReturn">A one-bar return at or below this ...</param>
/// <param name="CrashBarMinAtrPct">... is a crash when atr_pct_14 is at least this: an already agitated market
/// (about the 85th percentile of BTC hourly ATR%), not a lone print in a calm one.</param>
/// <param name="HighVolAtrPct">atr_pct_14 at or above this is high volatility (the 3% ATR of the signal filter).</param>
/// <param name="HighVolRealisedVol">rv_20 at or above this is high volatility (same rarity as the ATR threshold).</param>
/// <param name="TrendMinEmaDistance">|ema_dist_20| at or above this, with the MACD histogram of the same sign, is a trend.</param>
public sealed record RegimeThresholds(
    double CrashReturn5 = -0.08,
    double CrashBarReturn = -0.05,
    double CrashBarMinAtrPct = 2.0,
    double HighVolAtrPct = 3.0,
    double HighVolRealisedVol = 2.0,
    double TrendMinEmaDistance = 0.01)
{
    public static RegimeThresholds Default { get; } = new();

    public void Validate()
    {
        if (!(CrashReturn5 < 0)) throw new ArgumentException($"RegimeThresholds.CrashReturn5: {CrashReturn5} must be negative");
        if (!(CrashBarReturn < 0)) throw new ArgumentException($"RegimeThresholds.CrashBarReturn: {CrashBarReturn} must be negative");
        if (!(CrashBarMinAtrPct >= 0)) throw new ArgumentException($"RegimeThresholds.CrashBarMinAtrPct: {CrashBarMinAtrPct} must be non-negative");
        if (!(HighVolAtrPct > 0)) throw new ArgumentException($"RegimeThresholds.HighVolAtrPct: {HighVolAtrPct} must be positive");
        if (!(HighVolRealisedVol > 0)) throw new ArgumentException($"RegimeThresholds.HighVolRealisedVol: {HighVolRealisedVol} must be positive");
        if (!(TrendMinEmaDistance > 0)) throw new ArgumentException($"RegimeThresholds.TrendMinEmaDistance: {TrendMinEmaDistance} must be positive");
    }
}

/// <summary>
/// Labels a warm feature row, first matching rule wins:
/// 1. Crash: ret_5 ≤ CrashReturn5, or ret_1 ≤ CrashBarReturn while atr_pct_14 ≥ CrashBarMinAtrPct.
/// 2. HighVolatility: atr_pct_14 ≥ HighVolAtrPct or rv_20 ≥ HighVolRealisedVol.
/// 3. TrendingUp / TrendingDown: |ema_dist_20| ≥ TrendMinEmaDistance and the MACD histogram has the same sign.
/// 4. Ranging otherwise.
/// Stateless: the label depends on the row alone, so a replay relabels identically.
/// </summary>
public sealed class RegimeClassifier
{
    public RegimeClassifier(RegimeThresholds? thresholds = null)
    {
        Thresholds = thresholds ?? RegimeThresholds.Default;
        Thresholds.Validate();
    }

    public RegimeThresholds Thresholds { get; }

    public MarketRegime Classify(FeatureVector row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!row.IsWarm)
            throw new ArgumentException($"feature row at {row.Time:O} is not warm: its indicators lack their full window, so it has no regime");
        var t = Thresholds;
        var ret1 = row["ret_1"];
        var ret5 = row["ret_5"];
        var atrPct = row["atr_pct_14"];
        var rv = row["rv_20"];
        var emaDist = row["ema_dist_20"];
        var hist = row["macd_hist_12_26_9"];

        if (ret5 <= t.CrashReturn5 || (ret1 <= t.CrashBarReturn && atrPct >= t.CrashBarMinAtrPct)) return MarketRegime.Crash;
        if (atrPct >= t.HighVolAtrPct || rv >= t.HighVolRealisedVol) return MarketRegime.HighVolatility;
        if (Math.Abs(emaDist) >= t.TrendMinEmaDistance)
        {
            if (emaDist > 0 && hist > 0) return MarketRegime.TrendingUp;
            if (emaDist < 0 && hist < 0) return MarketRegime.TrendingDown;
        }
        return MarketRegime.Ranging;
    }
}
