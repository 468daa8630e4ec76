namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Reward of one closed trade: reward = clamp(pnl / risk, −5, 5) − (drawdownAfterPct / 10)².
/// <c>risk</c> is one risk unit in currency (for example equity × the mode's per-trade risk limit) and must not
/// depend on the chosen size or stop, otherwise the first term would be blind to the size (a trade's own R-multiple
/// is the same at any size). The clamp keeps a single outlier trade from dominating an update. The drawdown term
/// costs nothing near the peak and a full risk unit at 10 % below it (where ESS turns EMERGENCY), growing
/// quadratically so deep drawdowns dominate.
/// </summary>
public static class SizingReward
{
    public const double MaxRiskUnits = 5;
    public const double DrawdownScalePct = 10;

    public static double Compute(double pnl, double risk, double drawdownAfterPct)
    {
        if (!double.IsFinite(pnl)) throw new ArgumentOutOfRangeException(nameof(pnl), pnl, "pnl must be finite");
        if (!(double.IsFinite(risk) && risk > 0)) throw new ArgumentOutOfRangeException(nameof(risk), risk, "risk unit must be positive and finite");
        if (!(double.IsFinite(drawdownAfterPct) && drawdownAfterPct >= 0)) throw new ArgumentOutOfRangeException(nameof(drawdownAfterPct), drawdownAfterPct, "drawdown must be a finite percent ≥ 0");
        var penalty = drawdownAfterPct / DrawdownScalePct;
        return Math.Clamp(pnl / risk, -MaxRiskUnits, MaxRiskUnits) - penalty * penalty;
    }
}
