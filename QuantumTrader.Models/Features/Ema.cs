using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Exponential moving average as Stock.Indicators defines it: the first value is the simple average of the
/// first Period inputs, then EMA += k (x - EMA) with k = 2 / (Period + 1).
/// Count is the number of inputs seen, saturating at Period; Sum accumulates the seed inputs.
/// </summary>
public sealed record Ema(int Period, int Count, double Sum, double Last)
{
    public static Ema Create(int period)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "EMA period must be at least 1");
        return new Ema(period, 0, 0, 0);
    }

    [JsonIgnore] public bool IsReady => Count >= Period;

    /// <summary>The current average, NaN until Period inputs were seen.</summary>
    [JsonIgnore] public double Value => IsReady ? Last : double.NaN;

    public Ema Next(double value)
    {
        if (IsReady) return this with { Last = Last + 2.0 / (Period + 1) * (value - Last) };
        var sum = Sum + value;
        var count = Count + 1;
        return count == Period ? this with { Count = count, Sum = sum, Last = sum / Period } : this with { Count = count, Sum = sum };
    }

    public void Validate(string field, int expectedPeriod)
    {
        if (Period != expectedPeriod) throw new ArgumentException($"{field}.Period: {Period}, expected {expectedPeriod}");
        if (Count < 0 || Count > Period) throw new ArgumentException($"{field}.Count: {Count} is outside 0..{Period}");
        if (!double.IsFinite(Sum) || !double.IsFinite(Last)) throw new ArgumentException($"{field}: Sum and Last must be finite");
    }
}
