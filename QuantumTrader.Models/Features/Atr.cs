using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Average true range with Wilder smoothing, as Stock.Indicators defines it. The true range needs the previous
/// close, so the first bar has none; the first ATR is the mean of the first Period true ranges, then
/// ATR = (ATR (Period - 1) + TR) / Period. Count is the number of bars seen, saturating at Period + 1.
/// </summary>
public sealed record Atr(int Period, int Count, double PrevClose, double TrSum, double LastTrueRange, double Last)
{
    public static Atr Create(int period)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "ATR period must be at least 1");
        return new Atr(period, 0, 0, 0, 0, 0);
    }

    [JsonIgnore] public bool IsReady => Count > Period;

    [JsonIgnore] public double Value => IsReady ? Last : double.NaN;

    /// <summary>The latest bar's true range, NaN on the first bar.</summary>
    [JsonIgnore] public double TrueRange => Count >= 2 ? LastTrueRange : double.NaN;

    public Atr Next(double high, double low, double close)
    {
        if (Count == 0) return this with { Count = 1, PrevClose = close };
        var tr = Math.Max(high - low, Math.Max(Math.Abs(high - PrevClose), Math.Abs(low - PrevClose)));
        if (IsReady) return this with { PrevClose = close, LastTrueRange = tr, Last = (Last * (Period - 1) + tr) / Period };
        var next = this with { Count = Count + 1, PrevClose = close, LastTrueRange = tr, TrSum = TrSum + tr };
        return next.IsReady ? next with { Last = next.TrSum / Period } : next;
    }

    public void Validate(string field, int expectedPeriod)
    {
        if (Period != expectedPeriod) throw new ArgumentException($"{field}.Period: {Period}, expected {expectedPeriod}");
        if (Count < 0 || Count > Period + 1) throw new ArgumentException($"{field}.Count: {Count} is outside 0..{Period + 1}");
        if (!double.IsFinite(PrevClose)) throw new ArgumentException($"{field}.PrevClose: must be finite");
        foreach (var x in new[] { TrSum, LastTrueRange, Last })
            if (!double.IsFinite(x) || x < 0) throw new ArgumentException($"{field}: true ranges and their sums must be finite and non-negative");
    }
}
