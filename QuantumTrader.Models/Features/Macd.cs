using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// MACD as Stock.Indicators defines it: line = EMA(fast) - EMA(slow), signal = EMA(signal period) of the line
/// (seeded with the mean of its first values, like any <see cref="Ema"/>), histogram = line - signal.
/// </summary>
public sealed record Macd(Ema Fast, Ema Slow, Ema Signal)
{
    public static Macd Create(int fastPeriod = 12, int slowPeriod = 26, int signalPeriod = 9)
    {
        if (fastPeriod >= slowPeriod)
            throw new ArgumentOutOfRangeException(nameof(fastPeriod), fastPeriod, $"MACD fast period must be below the slow period {slowPeriod}");
        return new Macd(Ema.Create(fastPeriod), Ema.Create(slowPeriod), Ema.Create(signalPeriod));
    }

    /// <summary>Bars needed before the signal line and histogram exist.</summary>
    [JsonIgnore] public int WarmUpBars => Slow.Period + Signal.Period - 1;

    [JsonIgnore] public double Line => Slow.IsReady ? Fast.Last - Slow.Last : double.NaN;
    [JsonIgnore] public double SignalLine => Signal.Value;
    [JsonIgnore] public double Histogram => Signal.IsReady ? Line - Signal.Last : double.NaN;

    public Macd Next(double close)
    {
        var fast = Fast.Next(close);
        var slow = Slow.Next(close);
        var signal = slow.IsReady ? Signal.Next(fast.Last - slow.Last) : Signal;
        return new Macd(fast, slow, signal);
    }

    public void Validate(string field, int fastPeriod, int slowPeriod, int signalPeriod)
    {
        if (Fast is null || Slow is null || Signal is null) throw new ArgumentException($"{field}: Fast, Slow and Signal are required");
        Fast.Validate($"{field}.Fast", fastPeriod);
        Slow.Validate($"{field}.Slow", slowPeriod);
        Signal.Validate($"{field}.Signal", signalPeriod);
        if (Signal.Count > 0 && !Slow.IsReady) throw new ArgumentException($"{field}.Signal: has inputs before the slow EMA is ready");
    }
}
