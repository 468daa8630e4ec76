using System.Globalization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Drawdown thresholds (percent, negative) and recovery damping of the emergency stop system.
/// A drawdown d selects: d &lt; Emergency → EMERGENCY; Emergency ≤ d &lt; Protective → PROTECTIVE;
/// Protective ≤ d &lt; Cautious → CAUTIOUS; d ≥ Cautious → NORMAL (seed 003's boundaries).
/// Leaving a mode for the next looser one needs d ≥ (that mode's upper threshold + Hysteresis) held, without
/// a break, for ConfirmationPeriod of market time (the timestamps of the observations, not the wall clock).
/// Time rather than an observation count, so the damping does not depend on how often equity is sampled.
/// <see cref="AutoRecovery"/> false is seed 003's rollback switch: a tightened mode stays until an operator's reset.
/// </summary>
public sealed record EssOptions
{
    public static readonly EssOptions Default = new(-10.0, -4.0, -2.0, 0.5, TimeSpan.FromHours(6));

    public EssOptions(double emergencyThreshold, double protectiveThreshold, double cautiousThreshold, double hysteresis, TimeSpan confirmationPeriod)
    {
        const string T = nameof(EssOptions);
        EmergencyThreshold = Guard.Negative(T, nameof(EmergencyThreshold), emergencyThreshold);
        ProtectiveThreshold = Guard.Negative(T, nameof(ProtectiveThreshold), protectiveThreshold);
        CautiousThreshold = Guard.Negative(T, nameof(CautiousThreshold), cautiousThreshold);
        Guard.That(emergencyThreshold < protectiveThreshold, T, nameof(ProtectiveThreshold),
            "must be above EmergencyThreshold", protectiveThreshold);
        Guard.That(protectiveThreshold < cautiousThreshold, T, nameof(CautiousThreshold),
            "must be above ProtectiveThreshold", cautiousThreshold);
        Hysteresis = Guard.NonNegative(T, nameof(Hysteresis), hysteresis);
        // NORMAL must stay reachable: its entry level CautiousThreshold + Hysteresis may not exceed 0.
        Guard.That(hysteresis <= -cautiousThreshold, T, nameof(Hysteresis),
            string.Create(CultureInfo.InvariantCulture, $"must be at most {-cautiousThreshold:R} points so NORMAL stays reachable"), hysteresis);
        ConfirmationPeriod = Guard.NonNegative(T, nameof(ConfirmationPeriod), confirmationPeriod);
    }

    public double EmergencyThreshold { get; }
    public double ProtectiveThreshold { get; }
    public double CautiousThreshold { get; }
    public double Hysteresis { get; }
    public TimeSpan ConfirmationPeriod { get; }
    public bool AutoRecovery { get; init; } = true;

    /// <summary>The mode a drawdown supports on the thresholds alone (no hysteresis): what tightening uses.</summary>
    public EssMode ModeFor(double drawdownPercent) =>
        drawdownPercent < EmergencyThreshold ? EssMode.Emergency
        : drawdownPercent < ProtectiveThreshold ? EssMode.Protective
        : drawdownPercent < CautiousThreshold ? EssMode.Cautious
        : EssMode.Normal;

    /// <summary>The threshold a drawdown must fall below to enter <paramref name="mode"/> (its upper bound).</summary>
    public double UpperThreshold(EssMode mode) => mode switch
    {
        EssMode.Emergency => EmergencyThreshold,
        EssMode.Protective => ProtectiveThreshold,
        EssMode.Cautious => CautiousThreshold,
        _ => 0.0,
    };

    /// <summary>Drawdown at or above which <paramref name="mode"/> may start relaxing one step; null for NORMAL.</summary>
    public double? RelaxLevel(EssMode mode) => mode == EssMode.Normal ? null : UpperThreshold(mode) + Hysteresis;
}
