using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Bollinger Bands as Stock.Indicators defines them: middle = simple mean of the last Period closes,
/// bands = middle ± Multiplier × population standard deviation, %B = (close - lower) / (upper - lower),
/// width = (upper - lower) / middle. Mean and StdDev are computed when a close is pushed.
/// A flat window (no deviation) puts the close on the middle band: %B 0.5, z-score 0.
/// </summary>
public sealed record BollingerBands(RollingWindow Window, double Multiplier, double Mean, double StdDev)
{
    public static BollingerBands Create(int period = 20, double multiplier = 2)
    {
        if (!(multiplier > 0)) throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "Bollinger multiplier must be positive");
        return new BollingerBands(RollingWindow.Create(period), multiplier, 0, 0);
    }

    [JsonIgnore] public int Period => Window.Capacity;
    [JsonIgnore] public bool IsReady => Window.IsFull;
    [JsonIgnore] public double Middle => IsReady ? Mean : double.NaN;
    [JsonIgnore] public double Upper => IsReady ? Mean + Multiplier * StdDev : double.NaN;
    [JsonIgnore] public double Lower => IsReady ? Mean - Multiplier * StdDev : double.NaN;

    [JsonIgnore]
    public double PercentB => !IsReady ? double.NaN : StdDev > 0 ? (Window.Ago(0) - Lower) / (Upper - Lower) : 0.5;

    [JsonIgnore]
    public double ZScore => !IsReady ? double.NaN : StdDev > 0 ? (Window.Ago(0) - Mean) / StdDev : 0;

    [JsonIgnore] public double Width => IsReady ? (Upper - Lower) / Mean : double.NaN;

    public BollingerBands Next(double close)
    {
        var window = Window.Push(close);
        if (!window.IsFull) return this with { Window = window };
        var mean = window.Mean();
        return this with { Window = window, Mean = mean, StdDev = window.PopulationStdDev(mean) };
    }

    public void Validate(string field, int expectedPeriod, double expectedMultiplier)
    {
        if (Window is null) throw new ArgumentException($"{field}.Window: missing");
        Window.Validate($"{field}.Window", expectedPeriod);
        if (Multiplier != expectedMultiplier) throw new ArgumentException($"{field}.Multiplier: {Multiplier}, expected {expectedMultiplier}");
        if (!double.IsFinite(Mean) || !double.IsFinite(StdDev) || StdDev < 0)
            throw new ArgumentException($"{field}: Mean and StdDev must be finite, StdDev non-negative");
    }
}
