using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>Regime names as the regime detector publishes them (strings, so this area does not depend on its enum).</summary>
public static class RegimeNames
{
    public const string Ranging = "Ranging";
    public const string TrendingUp = "TrendingUp";
    public const string TrendingDown = "TrendingDown";
    public const string HighVolatility = "HighVolatility";
    public const string Crash = "Crash";
}

/// <summary>
/// Overlay a market regime puts on the mode limits: the minimum confidence is raised by MinConfidenceRaise
/// (capped at 1), an order's notional is multiplied by SizeMultiplier before the limits are checked, and
/// BlocksNewEntries refuses every order that adds exposure.
/// </summary>
public sealed record RegimePolicy
{
    public RegimePolicy(string regime, double minConfidenceRaise, double sizeMultiplier, bool blocksNewEntries)
    {
        const string T = nameof(RegimePolicy);
        Regime = Guard.NotEmpty(T, nameof(Regime), regime);
        MinConfidenceRaise = Guard.InRange(T, nameof(MinConfidenceRaise), minConfidenceRaise, 0, 1);
        SizeMultiplier = Guard.InRange(T, nameof(SizeMultiplier), sizeMultiplier, 0, 1);
        BlocksNewEntries = blocksNewEntries;
    }

    /// <summary>No adjustment: used for a regime without an overlay and when no regime is known yet.</summary>
    public static RegimePolicy Neutral(string regime) => new(regime, 0, 1, false);

    public string Regime { get; }
    public double MinConfidenceRaise { get; }
    public double SizeMultiplier { get; }
    public bool BlocksNewEntries { get; }
}
