namespace QuantumTrader.Models.Execution;

/// <summary>
/// Paper execution costs and fixed-fraction sizing. Fees are basis points of notional charged on entry and exit;
/// slippage is basis points moved against the trader on market and stop fills.
/// </summary>
public sealed record ExecutionOptions(
    double FeeBps = 10,
    double SlippageBps = 5,
    double StopAtrMultiple = 1.5,
    double TakeProfitAtrMultiple = 3.0,
    double RiskFraction = 0.01,
    double MaxNotionalFraction = 1.0)
{
    public void Validate()
    {
        Require(FeeBps >= 0, nameof(FeeBps), FeeBps, "must be >= 0");
        Require(SlippageBps >= 0, nameof(SlippageBps), SlippageBps, "must be >= 0");
        Require(StopAtrMultiple > 0, nameof(StopAtrMultiple), StopAtrMultiple, "must be > 0");
        Require(TakeProfitAtrMultiple > 0, nameof(TakeProfitAtrMultiple), TakeProfitAtrMultiple, "must be > 0");
        Require(RiskFraction > 0 && RiskFraction <= 1, nameof(RiskFraction), RiskFraction, "must be in (0, 1]");
        Require(MaxNotionalFraction > 0, nameof(MaxNotionalFraction), MaxNotionalFraction, "must be > 0");
    }

    private static void Require(bool ok, string field, double value, string rule)
    {
        if (!ok || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(field, value, $"execution options: {field} {rule} and finite");
    }
}

public enum TradeSide { Long, Short }
