using System.Globalization;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Everything a <see cref="FeatureCalculator"/> remembers between bars, as plain data that round-trips exactly
/// through System.Text.Json (no NaN inside: warm-up is told by the counts). The symbol actor snapshots it.
/// </summary>
public sealed record FeatureCalculatorState(
    string FeatureSetVersion,
    string Symbol,
    int BarCount,
    DateTimeOffset? LastTime,
    RollingWindow Closes,
    RollingWindow LogReturns,
    RollingWindow Volumes,
    Ema Ema20,
    Rsi Rsi14,
    Atr Atr14,
    Macd Macd,
    BollingerBands Bollinger20);

/// <summary>
/// Rolling features of one symbol, one bar at a time, feature set "fs-1".
/// Units: returns and ema_dist_20 are fractions (0.01 = 1%); atr_pct_14 and rv_20 are percent;
/// rv_20 is the sample standard deviation of the last 20 one-bar log returns (not annualised);
/// vol_z_20 is the z-score of the bar's volume against the last 20 volumes (population deviation, 0 when flat).
/// A feature is NaN until its own window is full; <see cref="FeatureVector.IsWarm"/> is true from bar
/// <see cref="WarmUpBars"/> on, when the MACD signal line, the longest window, exists.
/// </summary>
public sealed class FeatureCalculator
{
    public const string Version = "fs-1";
    /// <summary>Bars in the EMA, Bollinger, volume z-score and realised-volatility windows.</summary>
    public const int Window = 20;
    public const int RsiPeriod = 14;
    public const int AtrPeriod = 14;
    public const int MacdFast = 12;
    public const int MacdSlow = 26;
    public const int MacdSignal = 9;
    public const double BollingerMultiplier = 2;
    private const int ReturnLookback = 5;

    /// <summary>Bars needed before every feature has its full window (MACD signal: 26 + 9 - 1).</summary>
    public const int WarmUpBars = MacdSlow + MacdSignal - 1;

    public static FeatureSet Set { get; } = new(Version, new[]
    {
        "ret_1", "log_ret_1", "ret_5", "ema_20", "ema_dist_20", "rsi_14", "atr_14", "atr_pct_14",
        "macd_12_26", "macd_signal_9", "macd_hist_12_26_9", "bb_pos_20", "bb_width_20", "vol_z_20", "rv_20",
    });

    private FeatureCalculatorState _state;

    public FeatureCalculator(string symbol) => _state = InitialState(symbol);

    private FeatureCalculator(FeatureCalculatorState state) => _state = state;

    public string Symbol => _state.Symbol;
    public int BarCount => _state.BarCount;
    public bool IsWarm => _state.BarCount >= WarmUpBars;

    public FeatureVector Next(Bar bar)
    {
        var (state, features) = Step(_state, bar);
        _state = state;
        return features;
    }

    /// <summary>The state after the last bar; it is never mutated afterwards, so it can be stored as is.</summary>
    public FeatureCalculatorState ExportState() => _state;

    public static FeatureCalculator FromState(FeatureCalculatorState state)
    {
        Validate(state);
        return new FeatureCalculator(state);
    }

    public static FeatureCalculatorState InitialState(string symbol)
    {
        if (string.IsNullOrWhiteSpace(symbol)) throw new ArgumentException("symbol must not be empty", nameof(symbol));
        return new FeatureCalculatorState(
            Version, symbol, 0, null,
            RollingWindow.Create(ReturnLookback + 1),
            RollingWindow.Create(Window),
            RollingWindow.Create(Window),
            Ema.Create(Window),
            Rsi.Create(RsiPeriod),
            Atr.Create(AtrPeriod),
            Macd.Create(MacdFast, MacdSlow, MacdSignal),
            BollingerBands.Create(Window, BollingerMultiplier));
    }

    /// <summary>Pure step: the state after <paramref name="bar"/> and the bar's feature row.</summary>
    public static (FeatureCalculatorState State, FeatureVector Features) Step(FeatureCalculatorState state, Bar bar)
    {
        CheckBar(state, bar);
        var close = bar.Close;
        var closes = state.Closes.Push(close);
        var logReturns = state.LogReturns;
        double ret1 = double.NaN, logRet1 = double.NaN, ret5 = double.NaN;
        if (closes.Count >= 2)
        {
            var prev = closes.Ago(1);
            ret1 = close / prev - 1;
            logRet1 = Math.Log(close / prev);
            logReturns = logReturns.Push(logRet1);
        }
        if (closes.IsFull) ret5 = close / closes.Ago(ReturnLookback) - 1;

        var ema = state.Ema20.Next(close);
        var rsi = state.Rsi14.Next(close);
        var atr = state.Atr14.Next(bar.High, bar.Low, close);
        var macd = state.Macd.Next(close);
        var bands = state.Bollinger20.Next(close);
        var volumes = state.Volumes.Push(bar.Volume);

        var volZ = double.NaN;
        if (volumes.IsFull)
        {
            var mean = volumes.Mean();
            var sd = volumes.PopulationStdDev(mean);
            volZ = sd > 0 ? (bar.Volume - mean) / sd : 0;
        }
        var rv = logReturns.IsFull ? logReturns.SampleStdDev(logReturns.Mean()) * 100 : double.NaN;

        var values = new[]
        {
            ret1, logRet1, ret5,
            ema.Value, close / ema.Value - 1,
            rsi.Value,
            atr.Value, atr.Value / close * 100,
            macd.Line, macd.SignalLine, macd.Histogram,
            bands.PercentB, bands.Width,
            volZ, rv,
        };
        var next = new FeatureCalculatorState(
            state.FeatureSetVersion, state.Symbol, state.BarCount + 1, bar.Time,
            closes, logReturns, volumes, ema, rsi, atr, macd, bands);
        return (next, new FeatureVector(Set, bar.Time, values, next.BarCount >= WarmUpBars));
    }

    private static void CheckBar(FeatureCalculatorState state, Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        var where = $"bar {bar.Symbol} {bar.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}";
        if (bar.Symbol != state.Symbol)
            throw new ArgumentException($"{where}: field Symbol: this calculator computes features of '{state.Symbol}'");
        if (state.LastTime is { } last && bar.Time <= last)
            throw new ArgumentException(
                $"{where}: field Time: not after the previous bar {last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}");
        foreach (var (field, price) in new[] { ("Open", bar.Open), ("High", bar.High), ("Low", bar.Low), ("Close", bar.Close) })
            if (!double.IsFinite(price) || price <= 0)
                throw new ArgumentException($"{where}: field {field}: {price.ToString(CultureInfo.InvariantCulture)} is not a positive finite price");
        if (bar.High < bar.Low)
            throw new ArgumentException(
                $"{where}: field High: {bar.High.ToString(CultureInfo.InvariantCulture)} is below Low {bar.Low.ToString(CultureInfo.InvariantCulture)}");
        if (!double.IsFinite(bar.Volume) || bar.Volume < 0)
            throw new ArgumentException($"{where}: field Volume: {bar.Volume.ToString(CultureInfo.InvariantCulture)} is not a finite non-negative volume");
    }

    private static void Validate(FeatureCalculatorState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        const string f = "feature calculator state";
        if (s.FeatureSetVersion != Version)
            throw new ArgumentException($"{f}: field FeatureSetVersion: '{s.FeatureSetVersion}', this calculator computes '{Version}'");
        if (string.IsNullOrWhiteSpace(s.Symbol)) throw new ArgumentException($"{f}: field Symbol: empty");
        if (s.BarCount < 0) throw new ArgumentException($"{f}: field BarCount: {s.BarCount} is negative");
        if ((s.BarCount == 0) != (s.LastTime is null))
            throw new ArgumentException($"{f}: field LastTime: must be present exactly when BarCount > 0");
        if (s.Closes is null || s.LogReturns is null || s.Volumes is null || s.Ema20 is null || s.Rsi14 is null
            || s.Atr14 is null || s.Macd is null || s.Bollinger20 is null)
            throw new ArgumentException($"{f}: every window and indicator field is required");
        s.Closes.Validate($"{f}: field Closes", ReturnLookback + 1);
        s.LogReturns.Validate($"{f}: field LogReturns", Window);
        s.Volumes.Validate($"{f}: field Volumes", Window);
        s.Ema20.Validate($"{f}: field Ema20", Window);
        s.Rsi14.Validate($"{f}: field Rsi14", RsiPeriod);
        s.Atr14.Validate($"{f}: field Atr14", AtrPeriod);
        s.Macd.Validate($"{f}: field Macd", MacdFast, MacdSlow, MacdSignal);
        s.Bollinger20.Validate($"{f}: field Bollinger20", Window, BollingerMultiplier);
        if (s.Closes.Count != Math.Min(s.BarCount, s.Closes.Capacity))
            throw new ArgumentException($"{f}: field Closes.Count: {s.Closes.Count} does not match BarCount {s.BarCount}");
    }
}
