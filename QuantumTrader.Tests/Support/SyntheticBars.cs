using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Support;

/// <summary>Hourly bars of a gently oscillating market, valid in every field, for entity tests.</summary>
public static class SyntheticBars
{
    public static readonly DateTimeOffset Start = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<Bar> Make(string symbol, int count, double basePrice = 100)
    {
        var bars = new List<Bar>(count);
        var close = basePrice;
        for (var i = 0; i < count; i++)
        {
            var open = close;
            close = basePrice * (1 + 0.02 * Math.Sin(i / 5.0) + 0.0005 * i);
            var high = Math.Max(open, close) * 1.004;
            var low = Math.Min(open, close) * 0.996;
            bars.Add(new Bar(symbol, Start.AddHours(i), open, high, low, close, 1000 + 100 * Math.Cos(i)));
        }
        return bars;
    }

    /// <summary>The same bar with its low pushed far down, to trigger any long stop-loss.</summary>
    public static Bar Crash(Bar bar) => bar with { Low = bar.Low * 0.8 };
}
