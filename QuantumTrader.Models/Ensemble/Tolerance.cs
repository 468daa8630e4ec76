namespace QuantumTrader.Models.Ensemble;

/// <summary>
/// Thresholds are written as decimals (0.6, 0.70, 0.75) but reached through floating-point sums and products;
/// a value within this distance of a threshold counts as equal to it, so "0.6" means 0.6 and not 0.6000000000000001.
/// </summary>
internal static class Tolerance
{
    public const double Epsilon = 1e-9;

    public static bool AtLeast(double value, double threshold) => value >= threshold - Epsilon;

    public static bool Above(double value, double threshold) => value > threshold + Epsilon;
}
