using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// What the sizing policy asked for on one entry, kept in the trade's <see cref="SizingDecision.Policy"/> whether or not
/// the order used it (<see cref="Applied"/> is false in shadow mode): the policy version, the raw state it saw, the
/// bounded action, the cap from the risk limits, the quantity and exit distances that follow, and the risk unit
/// (equity × the per-trade risk fraction) the reward divides the PnL by.
/// </summary>
public sealed record PolicyChoice(
    int Version,
    bool Applied,
    SizingState Input,
    double SizeFraction,
    double TakeProfitPct,
    double StopLossPct,
    SizingCap Cap,
    double Quantity,
    double StopDistance,
    double TakeProfitDistance,
    double RiskUnit);

/// <summary>
/// The PPO sizing agent in the cascade. quantity = size fraction × cap notional / price, stop and target at SL % and TP %
/// of the price; the cap comes from <see cref="SizingLimits"/>, so no action can exceed the active risk limits.
/// In shadow mode the order keeps the fixed-fraction size and exits while the record carries the agent's choice.
/// Sampling noise is drawn from a generator seeded by (seed, symbol, bar time): the same policy decides the same way
/// on the same bar however often the bar is re-run. The served policy (a <see cref="SizingPolicySnapshot"/>, so no
/// TorchSharp runs here) and the performance table are swapped by the sizing learner at fixed points of the bar sequence.
/// </summary>
public sealed class PpoSizing : ISizingPolicy
{
    public const string Name = "ppo";
    public const string ShadowName = "ppo_shadow";

    private readonly object _gate = new();
    private readonly FixedFractionSizing _fixed;
    private readonly double _riskFraction;
    private SizingPolicySnapshot? _policy;
    private SizingPerformance _performance = SizingPerformance.Empty;

    public PpoSizing(ExecutionOptions execution, SizingLimits limits, double startingEquity, bool shadow, long seed)
    {
        if (!(double.IsFinite(startingEquity) && startingEquity > 0))
            throw new ArgumentOutOfRangeException(nameof(startingEquity), startingEquity, "PPO sizing: starting equity must be positive and finite");
        execution.Validate();
        _fixed = new FixedFractionSizing(new FixedFractionSizer(execution));
        _riskFraction = execution.RiskFraction;
        Limits = limits;
        StartingEquity = startingEquity;
        Shadow = shadow;
        Seed = seed;
    }

    public SizingLimits Limits { get; }
    public double StartingEquity { get; }
    public bool Shadow { get; }
    public long Seed { get; }

    /// <summary>Version of the served policy; −1 until the learner serves one.</summary>
    public int Version { get; private set; } = -1;

    /// <summary>Serves <paramref name="policy"/> as policy <paramref name="version"/> from the next decision on.</summary>
    public void Serve(SizingPolicySnapshot policy, int version)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate)
        {
            _policy = policy;
            Version = version;
        }
    }

    public void Observe(SizingPerformance performance)
    {
        ArgumentNullException.ThrowIfNull(performance);
        lock (_gate) _performance = performance;
    }

    public SizingDecision Size(SizingInput input)
    {
        lock (_gate)
        {
            var policy = _policy ?? throw new InvalidOperationException(
                $"{input.Symbol} at {input.Time:O}: no PPO sizing policy is served yet; the sizing learner serves one once it has recovered");
            // An account without equity has no state to decide from and opens nothing.
            if (input.Portfolio.Equity <= 0) return _fixed.Size(input with { Portfolio = input.Portfolio with { Equity = 0 } });
            var fixedSize = _fixed.Size(input);

            var state = StateOf(input);
            var action = policy.Decide(state, NoiseFor(input.Symbol, input.Time));
            var cap = Limits.CapFor(input.Portfolio, input.Symbol, input.Regime, input.Filter.SizeMultiplier);
            var quantity = action.SizeFraction * cap.Notional / input.Price;
            var stop = action.StopLossPct / 100 * input.Price;
            var target = action.TakeProfitPct / 100 * input.Price;
            var equity = input.Portfolio.Equity;
            var choice = new PolicyChoice(Version, !Shadow, state, action.SizeFraction, action.TakeProfitPct, action.StopLossPct,
                cap, quantity, stop, target, equity * _riskFraction);

            var (orderQuantity, risk, orderStop, orderTarget) = Shadow
                ? (fixedSize.Quantity, fixedSize.RiskFraction, fixedSize.StopDistance, fixedSize.TakeProfitDistance)
                : (quantity, quantity * stop / equity, stop, target);
            return new SizingDecision(Shadow ? ShadowName : Name, state.ToVector(), action.Raw, orderQuantity, risk, orderStop, orderTarget,
                action.LogProb, action.Value, choice);
        }
    }

    /// <summary>
    /// The agent's view of the entry. Regime Crash shares HighVolatility's index, since the state has four regime
    /// slots; under the default risk policy a Crash entry is capped at zero anyway.
    /// </summary>
    public SizingState StateOf(SizingInput input)
    {
        var p = input.Portfolio;
        var (symbolWin, symbolR) = _performance.OfSymbol(input.Symbol);
        var (modelWin, modelR) = _performance.OfVoters(input.Ensemble);
        return new SizingState(
            Equity: p.Equity,
            StartingEquity: StartingEquity,
            DrawdownPct: -p.DrawdownPercent,
            EssMode: (int)SizingLimits.ParseMode(p.EssMode),
            VolatilityPct: Math.Max(0, input.AtrPercent),
            Regime: input.Regime == MarketRegime.Crash ? (int)MarketRegime.HighVolatility : (int)input.Regime,
            EnsembleConfidence: Math.Clamp(input.Ensemble.Confidence, 0, 1),
            EnsembleAgreement: Math.Clamp(input.Ensemble.Agreement, 0, 1),
            SymbolWinRate: symbolWin,
            SymbolAvgR: symbolR,
            ModelWinRate: modelWin,
            ModelAvgR: modelR);
    }

    private PpoRandom NoiseFor(string symbol, DateTimeOffset time)
    {
        // FNV-1a over the symbol (string.GetHashCode differs between processes), mixed with the bar time and the seed.
        unchecked
        {
            var h = 14695981039346656037UL;
            foreach (var c in symbol)
            {
                h ^= c;
                h *= 1099511628211UL;
            }
            h ^= (ulong)time.UtcTicks * 0x9E3779B97F4A7C15UL;
            h ^= (ulong)Seed * 0xBF58476D1CE4E5B9UL;
            return new PpoRandom((long)h);
        }
    }
}
