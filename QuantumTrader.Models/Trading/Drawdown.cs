namespace QuantumTrader.Models.Trading;

/// <summary>How far equity stands below its peak, the one definition the ledger, the portfolio view and the account share.</summary>
public static class Drawdown
{
    /// <summary>Percent below <paramref name="peak"/> (0 or negative); 0 when the peak is not positive.</summary>
    public static double Percent(double equity, double peak) => peak > 0 ? Math.Min(0, (equity - peak) / peak * 100) : 0;
}
