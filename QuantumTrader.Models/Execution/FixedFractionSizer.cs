using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Models.Execution;

/// <summary>
/// How big a trade is and where its exits sit, as a learner sees it: State is what the sizer looked at,
/// Action what it chose. RiskFraction is the share of equity lost if the stop is hit (fees aside), after any cap.
/// StopDistance and TakeProfitDistance are price distances from the entry fill.
/// A learned sizer also records the log-probability of its action and its value estimate, and in
/// <paramref name="Policy"/> what the policy asked for, which in shadow mode differs from the order placed.
/// </summary>
public sealed record SizingDecision(
    string Sizer,
    double[] State,
    double[] Action,
    double Quantity,
    double RiskFraction,
    double StopDistance,
    double TakeProfitDistance,
    double? LogProb = null,
    double? Value = null,
    PolicyChoice? Policy = null);

/// <summary>
/// Risks a fixed fraction of equity per trade: quantity = risk fraction x equity / (stop multiple x ATR),
/// capped so that quantity x reference price stays within the max notional fraction of equity.
/// State = [equity, reference price, ATR]; Action = [risk fraction, stop ATR multiple, take-profit ATR multiple].
/// </summary>
public sealed class FixedFractionSizer
{
    public const string Name = "fixed_fraction";
    private readonly ExecutionOptions _options;

    public FixedFractionSizer(ExecutionOptions? options = null)
    {
        _options = options ?? new ExecutionOptions();
        _options.Validate();
    }

    /// <param name="referencePrice">The latest price when deciding (the decision bar's close); the fill comes a bar later.</param>
    public SizingDecision Size(double equity, double referencePrice, double atr)
    {
        if (!double.IsFinite(equity) || equity < 0)
            throw new ArgumentOutOfRangeException(nameof(equity), equity, "equity must be a finite number >= 0");
        if (!double.IsFinite(referencePrice) || referencePrice <= 0)
            throw new ArgumentOutOfRangeException(nameof(referencePrice), referencePrice, "reference price must be a finite number > 0");
        if (!double.IsFinite(atr) || atr <= 0)
            throw new ArgumentOutOfRangeException(nameof(atr), atr, "ATR must be a finite number > 0");

        var stopDistance = _options.StopAtrMultiple * atr;
        var takeProfitDistance = _options.TakeProfitAtrMultiple * atr;
        var riskQuantity = _options.RiskFraction * equity / stopDistance;
        var capQuantity = _options.MaxNotionalFraction * equity / referencePrice;
        var quantity = Math.Min(riskQuantity, capQuantity);
        var riskFraction = equity == 0 ? 0.0 : quantity * stopDistance / equity;

        return new SizingDecision(
            Name,
            [equity, referencePrice, atr],
            [_options.RiskFraction, _options.StopAtrMultiple, _options.TakeProfitAtrMultiple],
            quantity,
            riskFraction,
            stopDistance,
            takeProfitDistance);
    }
}
