using System.Globalization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Risk;

/// <summary>
/// The node's one risk gate: <see cref="RiskGate"/> with the policy store's limits for the ESS mode in the portfolio
/// view, the regime overlay the coordinator applied for the symbol, and the board's return correlation.
/// <list type="bullet">
/// <item>Exposure is the view's open notional for the other symbols; the symbol's own is taken from the order
/// (a closing order reduces the position it closes, an opening order starts from flat).</item>
/// <item>The regime overlay is the one the regime coordinator applied for the symbol. The symbol entity replies to the
/// bar that changed its regime only after the coordinator applied it, so this is the symbol's own regime; right after a
/// restart, before the coordinator heard from the symbol, the policy's overlay for the proposal's regime is used,
/// which is the same overlay, so no decision depends on message timing.</item>
/// <item>An opening order over a size cap is offered again at the largest size every cap allows (position, gross,
/// leverage, correlated); <see cref="RiskGate"/> checks that smaller order in full and the verdict notes the clip.
/// Rejections that size cannot cure (mode, regime, confidence, open positions) stay rejections.</item>
/// </list>
/// </summary>
public sealed class RiskOrderGate(RiskBoard board) : IOrderGate
{
    /// <summary>Clipped sizes stay a hair inside the caps so rounding never fails the re-check.</summary>
    private const double ClipMargin = 1e-9;

    public RiskBoard Board { get; } = board ?? throw new ArgumentNullException(nameof(board));

    public GateVerdict Check(OrderProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var notional = proposal.Quantity * proposal.Price;
        if (!double.IsFinite(notional) || notional <= 0)
            return Reject(F($"the order has no size: quantity {proposal.Quantity:R} at price {proposal.Price:R}"));

        OrderRequest request;
        try
        {
            request = new OrderRequest(proposal.Symbol, proposal.Action, notional, proposal.Confidence, proposal.Time);
            if (Board.Market is { } market) request.ForMarket(market);
        }
        catch (DomainValidationException ex)
        {
            return Reject(ex.Message);
        }

        if (!EssModeExtensions.TryParseLabel(proposal.Portfolio.EssMode, out var mode))
            return Reject($"unknown ESS mode '{proposal.Portfolio.EssMode}'");
        var exposure = Exposure(proposal);
        var policy = EffectivePolicy(proposal);
        var regime = proposal.Regime.ToString();
        var correlation = Board.CorrelationAt(proposal.Time);

        var verdict = RiskGate.Check(request, exposure, mode, policy, regime, correlation);
        if (!verdict.Approved && proposal.Opening && Room(request, exposure, policy.LimitsFor(mode), policy.OverlayFor(regime), correlation) is { } room && room < notional)
        {
            var clipped = RiskGate.Check(new OrderRequest(request.Symbol, request.Side, room, request.Confidence, request.Time), exposure, mode, policy, regime, correlation);
            verdict = clipped.Approved
                ? new RiskVerdict(true, clipped.ApprovedNotional,
                    [F($"clipped from {notional:0.00} to {room:0.00} USD to fit the {mode.Label()} limits"), .. clipped.Reasons])
                : clipped;
        }

        if (!verdict.Approved) return new GateVerdict(false, 0, verdict.Reasons);
        var quantity = proposal.Opening ? verdict.ApprovedNotional / proposal.Price : proposal.Quantity;
        return new GateVerdict(true, quantity, verdict.Reasons);
    }

    private static PortfolioExposure Exposure(OrderProposal p)
    {
        var positions = p.Portfolio.OpenNotional
            .Where(kv => kv.Value != 0 && !string.Equals(kv.Key, p.Symbol, StringComparison.Ordinal))
            .Select(kv => new PositionExposure(kv.Key, kv.Value))
            .ToList();
        if (!p.Opening)
        {
            // Selling closes a long, buying closes a short: the position is the order's notional on the other side.
            var sign = p.Action == TradeAction.Sell ? 1.0 : -1.0;
            positions.Add(new PositionExposure(p.Symbol, sign * p.Quantity * p.Price));
        }
        return new PortfolioExposure(p.Portfolio.Equity, positions);
    }

    private RiskPolicy EffectivePolicy(OrderProposal p)
    {
        var policy = Board.Policy.Policy;
        return Board.Regimes.For(p.Symbol) is { } applied && applied.Regime == p.Regime.ToString()
            ? policy.WithRegime(applied.Overlay)
            : policy;
    }

    /// <summary>The largest order notional (before the regime's size multiplier) that every size cap allows; null when none.</summary>
    private static double? Room(OrderRequest request, PortfolioExposure exposure, RiskLimits limits, RegimePolicy overlay, ReturnCorrelation correlation)
    {
        if (overlay.SizeMultiplier <= 0) return null;
        var gross = exposure.GrossUsd;
        var room = Math.Min(limits.MaxPositionUsd, Math.Min(limits.MaxGrossExposureUsd - gross, limits.MaxLeverage * exposure.EquityUsd - gross));
        var correlated = exposure.Positions
            .Where(p => p.NotionalUsd != 0 && !string.Equals(p.Symbol, request.Symbol, StringComparison.Ordinal))
            .Where(p => correlation.Correlation(request.Symbol, p.Symbol) is { } rho && Math.Abs(rho) >= limits.CorrelationThreshold)
            .Sum(p => Math.Abs(p.NotionalUsd));
        if (correlated > 0) room = Math.Min(room, limits.MaxCorrelatedExposureUsd - correlated);
        var before = room / overlay.SizeMultiplier * (1 - ClipMargin);
        return before > 0 ? before : null;
    }

    private static GateVerdict Reject(string reason) => new(false, 0, [reason]);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
