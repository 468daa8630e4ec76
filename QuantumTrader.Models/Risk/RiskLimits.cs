using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Limits of one ESS mode. Amounts in USD of notional. MaxPositionUsd caps both one order and the resulting
/// exposure in one symbol; MaxLeverage caps gross exposure / equity; MaxCorrelatedExposureUsd caps the summed
/// exposure of a symbol and every open symbol whose return correlation with it has |ρ| ≥ CorrelationThreshold.
/// </summary>
public sealed record RiskLimits
{
    /// <summary>EMERGENCY: nothing may be opened.</summary>
    public static readonly RiskLimits None = new(0, 0, 1, 0, 0, 0, 1);

    public RiskLimits(double maxPositionUsd, double maxLeverage, double minConfidence, int maxOpenPositions,
        double maxGrossExposureUsd, double maxCorrelatedExposureUsd, double correlationThreshold)
    {
        const string T = nameof(RiskLimits);
        MaxPositionUsd = Guard.NonNegative(T, nameof(MaxPositionUsd), maxPositionUsd);
        MaxLeverage = Guard.NonNegative(T, nameof(MaxLeverage), maxLeverage);
        MinConfidence = Guard.InRange(T, nameof(MinConfidence), minConfidence, 0, 1);
        MaxOpenPositions = Guard.NonNegative(T, nameof(MaxOpenPositions), maxOpenPositions);
        MaxGrossExposureUsd = Guard.NonNegative(T, nameof(MaxGrossExposureUsd), maxGrossExposureUsd);
        MaxCorrelatedExposureUsd = Guard.NonNegative(T, nameof(MaxCorrelatedExposureUsd), maxCorrelatedExposureUsd);
        CorrelationThreshold = Guard.InRange(T, nameof(CorrelationThreshold), correlationThreshold, 0, 1);
    }

    public double MaxPositionUsd { get; }
    public double MaxLeverage { get; }
    public double MinConfidence { get; }
    public int MaxOpenPositions { get; }
    public double MaxGrossExposureUsd { get; }
    public double MaxCorrelatedExposureUsd { get; }
    public double CorrelationThreshold { get; }
}
