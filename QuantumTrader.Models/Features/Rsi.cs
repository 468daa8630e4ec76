using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Relative strength index with Wilder smoothing, as Stock.Indicators defines it: the first averages are the
/// simple means of the first Period gains and losses, then avg = (avg (Period - 1) + x) / Period.
/// RSI = 100 - 100 / (1 + avgGain / avgLoss), and 100 when avgLoss is 0.
/// Count is the number of closes seen, saturating at Period + 1 (the first close has no change).
/// </summary>
public sealed record Rsi(int Period, int Count, double PrevClose, double GainSum, double LossSum, double AvgGain, double AvgLoss)
{
    public static Rsi Create(int period)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "RSI period must be at least 1");
        return new Rsi(period, 0, 0, 0, 0, 0, 0);
    }

    [JsonIgnore] public bool IsReady => Count > Period;

    [JsonIgnore]
    public double Value => !IsReady ? double.NaN : AvgLoss > 0 ? 100 - 100 / (1 + AvgGain / AvgLoss) : 100;

    public Rsi Next(double close)
    {
        if (Count == 0) return this with { Count = 1, PrevClose = close };
        var change = close - PrevClose;
        var gain = change > 0 ? change : 0;
        var loss = change < 0 ? -change : 0;
        if (IsReady)
            return this with
            {
                PrevClose = close,
                AvgGain = (AvgGain * (Period - 1) + gain) / Period,
                AvgLoss = (AvgLoss * (Period - 1) + loss) / Period,
            };
        var next = this with { Count = Count + 1, PrevClose = close, GainSum = GainSum + gain, LossSum = LossSum + loss };
        return next.IsReady ? next with { AvgGain = next.GainSum / Period, AvgLoss = next.LossSum / Period } : next;
    }

    public void Validate(string field, int expectedPeriod)
    {
        if (Period != expectedPeriod) throw new ArgumentException($"{field}.Period: {Period}, expected {expectedPeriod}");
        if (Count < 0 || Count > Period + 1) throw new ArgumentException($"{field}.Count: {Count} is outside 0..{Period + 1}");
        if (!double.IsFinite(PrevClose)) throw new ArgumentException($"{field}.PrevClose: must be finite");
        foreach (var x in new[] { GainSum, LossSum, AvgGain, AvgLoss })
            if (!double.IsFinite(x) || x < 0) throw new ArgumentException($"{field}: gain and loss sums and averages must be finite and non-negative");
    }
}
