namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>Ranges, in percent of the entry price, that the agent's take-profit and stop-loss stay within.</summary>
public sealed record SizingBounds(double TakeProfitMinPct = 0.5, double TakeProfitMaxPct = 6.0, double StopLossMinPct = 0.3, double StopLossMaxPct = 3.0)
{
    public void Validate()
    {
        if (!(double.IsFinite(TakeProfitMinPct) && double.IsFinite(TakeProfitMaxPct) && TakeProfitMinPct > 0 && TakeProfitMinPct < TakeProfitMaxPct))
            throw new ArgumentException($"SizingBounds take-profit range [{TakeProfitMinPct}, {TakeProfitMaxPct}]: needs 0 < min < max, finite");
        if (!(double.IsFinite(StopLossMinPct) && double.IsFinite(StopLossMaxPct) && StopLossMinPct > 0 && StopLossMinPct < StopLossMaxPct))
            throw new ArgumentException($"SizingBounds stop-loss range [{StopLossMinPct}, {StopLossMaxPct}]: needs 0 < min < max, finite");
    }

    /// <summary>Lower bounds of (size fraction, take-profit %, stop-loss %).</summary>
    public double[] Low => [0.0, TakeProfitMinPct, StopLossMinPct];

    /// <summary>Upper bounds of (size fraction, take-profit %, stop-loss %).</summary>
    public double[] High => [1.0, TakeProfitMaxPct, StopLossMaxPct];
}
