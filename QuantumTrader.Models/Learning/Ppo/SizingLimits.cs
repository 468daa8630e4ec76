using QuantumTrader.Models.Features;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// How much notional a learned sizer may put into one new position, with the numbers that set it:
/// the ESS mode and its MaxPositionUsd, the equity scale, the regime overlay's and the signal filter's multipliers,
/// the exposure already open, and the resulting <see cref="Notional"/> (USD, ≥ 0).
/// </summary>
public sealed record SizingCap(
    string EssMode, double MaxPositionUsd, double EquityScale, double RegimeMultiplier, double FilterMultiplier, double OpenNotional, double Notional);

/// <summary>
/// The active risk limits as a bound on a learned sizer. <see cref="RiskPolicy"/> states its limits in USD for an account of
/// <c>ReferenceEquity</c>; they scale linearly with equity, so seed 003's NORMAL $500 per position is 50 % of equity
/// in notional (about what the fixed-fraction sizer takes at 1 % risk and a 1.5 ATR stop with ATR near 1.3 % of price),
/// CAUTIOUS 30 %, PROTECTIVE 10 %, EMERGENCY nothing. Cap = min(MaxPositionUsd·scale·regime·filter − open in the symbol,
/// MaxGrossExposureUsd·scale − open in all symbols, MaxLeverage·equity − open in all symbols), and 0 once
/// MaxOpenPositions symbols are open or the regime blocks new entries.
/// </summary>
public sealed class SizingLimits
{
    public const double DefaultReferenceEquity = 1_000;

    public SizingLimits(RiskPolicy? policy = null, double referenceEquity = DefaultReferenceEquity)
    {
        if (!(double.IsFinite(referenceEquity) && referenceEquity > 0))
            throw new ArgumentOutOfRangeException(nameof(referenceEquity), referenceEquity, "sizing limits: reference equity must be positive and finite");
        Policy = policy ?? RiskPolicy.Default;
        ReferenceEquity = referenceEquity;
    }

    public RiskPolicy Policy { get; }
    public double ReferenceEquity { get; }

    public SizingCap CapFor(PortfolioView portfolio, string symbol, MarketRegime regime, double filterMultiplier)
    {
        var mode = ParseMode(portfolio.EssMode);
        var limits = Policy.LimitsFor(mode);
        var equity = Math.Max(0, portfolio.Equity);
        var scale = equity / ReferenceEquity;
        var overlay = Policy.OverlayFor(regime.ToString());
        var regimeMultiplier = overlay.BlocksNewEntries ? 0 : overlay.SizeMultiplier;
        var filter = Math.Clamp(filterMultiplier, 0, 1);

        var openHere = Math.Abs(portfolio.OpenNotional.GetValueOrDefault(symbol));
        var openAll = portfolio.OpenNotional.Values.Sum(Math.Abs);
        var openCount = portfolio.OpenNotional.Count(kv => kv.Value != 0 && kv.Key != symbol);

        var perSymbol = limits.MaxPositionUsd * scale * regimeMultiplier * filter - openHere;
        var gross = limits.MaxGrossExposureUsd * scale - openAll;
        var leverage = limits.MaxLeverage * equity - openAll;
        var notional = openCount >= limits.MaxOpenPositions ? 0 : Math.Max(0, Math.Min(perSymbol, Math.Min(gross, leverage)));
        return new SizingCap(mode.Label(), limits.MaxPositionUsd, scale, regimeMultiplier, filter, openAll, notional);
    }

    /// <summary>The ESS mode of a portfolio label (EMERGENCY, PROTECTIVE, CAUTIOUS, NORMAL; case ignored).</summary>
    public static EssMode ParseMode(string label) =>
        label is { Length: > 0 } && char.IsLetter(label[0]) && Enum.TryParse<EssMode>(label, ignoreCase: true, out var mode)
            ? mode
            : throw new ArgumentException($"PortfolioView.EssMode '{label}': not one of EMERGENCY, PROTECTIVE, CAUTIOUS, NORMAL", nameof(label));
}
