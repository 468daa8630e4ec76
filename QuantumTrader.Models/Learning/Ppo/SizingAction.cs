namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// The agent's decision: position size as a fraction of the ESS mode's cap in [0, 1], take-profit and stop-loss
/// in percent within <see cref="SizingBounds"/>. <c>Raw</c> is the policy's pre-squash sample (what an
/// <see cref="Experience"/> stores as its action), <c>LogProb</c> its log-density and <c>Value</c> the critic's estimate.
/// </summary>
public sealed record SizingAction(double SizeFraction, double TakeProfitPct, double StopLossPct, double[] Raw, double LogProb, double Value);
