using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// How a closed trade's reward was reached: the policy version that sized it, whether its choice was applied, the
/// trade's PnL, the PnL at the policy's quantity, the risk unit, the drawdown after the trade, and the reward.
/// </summary>
public sealed record SizingRewardEvidence(int PolicyVersion, bool Applied, double TradePnl, double PolicyPnl, double RiskUnit, double DrawdownAfterPct, double Reward);

/// <summary>
/// The sizing learner recorded a closed trade: its R-multiple for the symbol and each model (the performance table),
/// and, when a policy sized it, the experience and the evidence of its reward.
/// </summary>
public sealed record SizingOutcomeRecorded(
    string TradeId, string Symbol, DateTimeOffset ExitTime, double RMultiple, IReadOnlyList<ModelR> Models,
    Experience? Experience, SizingRewardEvidence? Reward) : IDomainEvent;

/// <summary>
/// A closed trade as the sizing learner's experience. The PnL is taken at the policy's own quantity
/// (pnl × policy quantity / traded quantity, exact because fees and PnL are linear in quantity at the same exits), so
/// in shadow mode the size the agent asked for is what it is rewarded for; the exits are the ones traded, so in shadow
/// mode the take-profit and stop-loss outputs learn nothing from the outcome. The drawdown after the trade and the next
/// state follow from the state at entry plus that PnL; the transition continues (Done false) unless it empties the account.
/// </summary>
public static class SizingOutcome
{
    public static SizingOutcomeRecorded Of(ClosedTrade trade)
    {
        ArgumentNullException.ThrowIfNull(trade);
        var models = ModelAttribution.Outcomes(trade).Select(o => new ModelR(o.ModelId, o.RMultiple)).ToArray();
        var sizing = trade.Decision.Sizing;
        if (sizing is not { Policy: { } choice, LogProb: { } logProb, Value: { } value })
            return new SizingOutcomeRecorded(trade.TradeId, trade.Symbol, trade.ExitTime, trade.RMultiple, models, null, null);

        var policyPnl = trade.Quantity > 0 ? trade.Pnl * choice.Quantity / trade.Quantity : 0;
        var input = choice.Input;
        var peak = input.Equity / (1 - input.DrawdownPct / 100);
        var equityAfter = input.Equity + policyPnl;
        var peakAfter = Math.Max(peak, equityAfter);
        var drawdownAfter = equityAfter > 0 ? (peakAfter - equityAfter) / peakAfter * 100 : 100;
        var reward = SizingReward.Compute(policyPnl, choice.RiskUnit, drawdownAfter);
        var done = equityAfter <= 0;
        var next = done ? Array.Empty<double>() : (input with { Equity = equityAfter, DrawdownPct = drawdownAfter }).ToVector();

        var experience = new Experience(input.ToVector(), (double[])sizing.Action.Clone(), logProb, value, reward, next, done);
        var evidence = new SizingRewardEvidence(choice.Version, choice.Applied, trade.Pnl, policyPnl, choice.RiskUnit, drawdownAfter, reward);
        return new SizingOutcomeRecorded(trade.TradeId, trade.Symbol, trade.ExitTime, trade.RMultiple, models, experience, evidence);
    }
}
