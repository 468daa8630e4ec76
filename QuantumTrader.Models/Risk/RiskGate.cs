using System.Globalization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// The gate's answer. Approved: ApprovedNotional is what may be sent (the regime overlay may have scaled it
/// down) and Reasons lists the adjustments made, if any. Rejected: ApprovedNotional is 0 and Reasons holds one
/// sentence, with its numbers, per failed check.
/// </summary>
public sealed record RiskVerdict
{
    public RiskVerdict(bool approved, double approvedNotional, IReadOnlyList<string> reasons)
    {
        const string T = nameof(RiskVerdict);
        Guard.NotNull(T, nameof(Reasons), reasons);
        Guard.NonNegative(T, nameof(ApprovedNotional), approvedNotional);
        Guard.That(approved ? approvedNotional > 0 : approvedNotional == 0, T, nameof(ApprovedNotional),
            "is positive exactly when approved", approvedNotional);
        Guard.That(approved || reasons.Count > 0, T, nameof(Reasons), "a rejection gives at least one reason", reasons.Count);
        Approved = approved;
        ApprovedNotional = approvedNotional;
        Reasons = reasons.Select(r => Guard.NotEmpty(T, nameof(Reasons), r)).ToArray();
    }

    public bool Approved { get; }
    public double ApprovedNotional { get; }
    public IReadOnlyList<string> Reasons { get; }
}

/// <summary>
/// The one risk check before every order. Policy, in order:
/// <list type="number">
/// <item>An order that only shrinks an open position (opposite side, notional ≤ the position) is always approved:
/// EMERGENCY must be able to close positions, and a reduction never adds risk.</item>
/// <item>EMERGENCY, or a regime overlay that blocks entries, rejects everything else with that single reason.</item>
/// <item>Otherwise the regime's size multiplier scales the order first, then every check below runs and each failure
/// adds its reason: confidence ≥ mode minimum + regime raise; order notional ≤ MaxPositionUsd; resulting |exposure|
/// in the symbol ≤ MaxPositionUsd; open positions (when the order opens a new one) ≤ MaxOpenPositions; gross exposure
/// after the order ≤ MaxGrossExposureUsd; leverage = gross exposure after the order / equity ≤ MaxLeverage; and, when
/// other open symbols correlate with the order's symbol at |ρ| ≥ CorrelationThreshold, the sum of their |exposure| and
/// the symbol's resulting |exposure| ≤ MaxCorrelatedExposureUsd (absolute values: a correlated hedge is not trusted).</item>
/// </list>
/// An order over a cap is rejected, not clipped: the sizing step that chose the size gets the reason and decides.
/// A pair whose correlation is undefined (too little shared history) is not grouped.
/// </summary>
public static class RiskGate
{
    public static RiskVerdict Check(OrderRequest req, PortfolioExposure exposure, EssMode mode, RiskPolicy policy, string? regime, ReturnCorrelation corr)
    {
        const string T = nameof(RiskGate);
        Guard.NotNull(T, "req", req);
        Guard.NotNull(T, "exposure", exposure);
        Guard.Defined(T, "mode", mode);
        Guard.NotNull(T, "policy", policy);
        Guard.NotNull(T, "corr", corr);

        var symbol = req.Symbol;
        var existing = exposure.NotionalOf(symbol);
        if (existing != 0 && Math.Sign(existing) != Math.Sign(req.SignedNotional) && req.NotionalUsd <= Math.Abs(existing))
        {
            return new RiskVerdict(true, req.NotionalUsd,
                [F($"reduces the open {symbol} position ({Usd(existing)} USD) to {Usd(existing + req.SignedNotional)} USD; reductions pass in every mode")]);
        }

        var label = mode.Label();
        if (mode == EssMode.Emergency)
            return Reject(F($"EMERGENCY mode blocks every new entry; only reductions of open positions pass ({symbol} {Usd(req.NotionalUsd)} USD refused)"));

        var overlay = policy.OverlayFor(regime);
        if (overlay.BlocksNewEntries)
            return Reject(F($"{overlay.Regime} regime blocks new entries ({symbol} {Usd(req.NotionalUsd)} USD refused)"));

        var limits = policy.LimitsFor(mode);
        var notes = new List<string>();
        var notional = req.NotionalUsd * overlay.SizeMultiplier;
        if (overlay.SizeMultiplier != 1.0)
            notes.Add(F($"{overlay.Regime} regime scales size by {overlay.SizeMultiplier:0.##}: {Usd(req.NotionalUsd)} -> {Usd(notional)} USD"));
        if (notional <= 0)
            return Reject(F($"{overlay.Regime} regime scales {symbol} {Usd(req.NotionalUsd)} USD to nothing"));

        var reasons = new List<string>();
        var sign = Math.Sign(req.SignedNotional);
        var after = existing + sign * notional;

        var minConfidence = Math.Min(1.0, limits.MinConfidence + overlay.MinConfidenceRaise);
        if (req.Confidence < minConfidence)
        {
            var source = overlay.MinConfidenceRaise > 0
                ? F($"{label} {limits.MinConfidence:0.00} + {overlay.Regime} {overlay.MinConfidenceRaise:0.00}")
                : label;
            reasons.Add(F($"confidence {req.Confidence:0.00##} is below the minimum {minConfidence:0.00##} ({source})"));
        }

        if (notional > limits.MaxPositionUsd)
            reasons.Add(F($"order notional {Usd(notional)} USD exceeds the {label} max position {Usd(limits.MaxPositionUsd)} USD"));

        if (existing != 0 && Math.Abs(after) > limits.MaxPositionUsd)
            reasons.Add(F($"{symbol} exposure after the order {Usd(Math.Abs(after))} USD would exceed the {label} per-symbol cap {Usd(limits.MaxPositionUsd)} USD"));

        if (existing == 0 && exposure.OpenPositions + 1 > limits.MaxOpenPositions)
            reasons.Add(F($"opening {symbol} would make {exposure.OpenPositions + 1} open positions, above the {label} limit of {limits.MaxOpenPositions}"));

        var grossAfter = exposure.GrossUsd - Math.Abs(existing) + Math.Abs(after);
        if (grossAfter > limits.MaxGrossExposureUsd)
            reasons.Add(F($"gross exposure after the order {Usd(grossAfter)} USD would exceed the {label} cap {Usd(limits.MaxGrossExposureUsd)} USD"));

        if (exposure.EquityUsd <= 0)
            reasons.Add(F($"account equity is {Usd(exposure.EquityUsd)} USD: no leverage is available"));
        else if (grossAfter / exposure.EquityUsd > limits.MaxLeverage)
            reasons.Add(F($"leverage after the order {grossAfter / exposure.EquityUsd:0.00}x (gross {Usd(grossAfter)} / equity {Usd(exposure.EquityUsd)} USD) exceeds the {label} max {limits.MaxLeverage:0.##}x"));

        var group = exposure.Positions
            .Where(p => p.NotionalUsd != 0 && !string.Equals(p.Symbol, symbol, StringComparison.Ordinal))
            .Select(p => (p.Symbol, Exposure: Math.Abs(p.NotionalUsd), Rho: corr.Correlation(symbol, p.Symbol)))
            .Where(x => x.Rho is { } rho && Math.Abs(rho) >= limits.CorrelationThreshold)
            .ToList();
        if (group.Count > 0)
        {
            var correlated = Math.Abs(after) + group.Sum(x => x.Exposure);
            if (correlated > limits.MaxCorrelatedExposureUsd)
            {
                var parts = string.Join(" + ", group.Select(x => F($"{x.Symbol} {Usd(x.Exposure)} (rho {x.Rho:0.00})")));
                reasons.Add(F($"correlated exposure {Usd(correlated)} USD ({symbol} {Usd(Math.Abs(after))} + {parts}) would exceed the {label} cap {Usd(limits.MaxCorrelatedExposureUsd)} USD at |rho| >= {limits.CorrelationThreshold:0.00}"));
            }
        }

        return reasons.Count > 0 ? new RiskVerdict(false, 0, reasons) : new RiskVerdict(true, notional, notes);
    }

    private static RiskVerdict Reject(string reason) => new(false, 0, [reason]);

    private static string Usd(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
