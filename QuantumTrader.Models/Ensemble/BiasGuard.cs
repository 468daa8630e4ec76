namespace QuantumTrader.Models.Ensemble;

/// <summary>ENFORCED blocks a biased signal; OBSERVE only flags it.</summary>
public enum BiasGuardMode { Enforced, Observe }

/// <summary>Seed 001's model supervisor: over the last Window BUY/SELL signals, block a direction holding more than Threshold of them once MinSamples exist.</summary>
public sealed record BiasGuardOptions(
    BiasGuardMode Mode = BiasGuardMode.Enforced,
    int Window = 50,
    int MinSamples = 20,
    double Threshold = 0.70)
{
    public void Validate()
    {
        if (Window < 1) throw new ArgumentOutOfRangeException(nameof(Window), Window, "bias guard window must be at least 1");
        if (MinSamples < 1 || MinSamples > Window)
            throw new ArgumentOutOfRangeException(nameof(MinSamples), MinSamples, $"bias guard min samples must be in [1, window {Window}]");
        if (!double.IsFinite(Threshold) || Threshold <= 0 || Threshold >= 1)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "bias guard threshold must be in (0, 1)");
    }
}

/// <summary>
/// Outcome for one signal. BiasDetected: the history (before this signal) leans past the threshold towards this
/// signal's direction. Allowed is false only when bias is detected in ENFORCED mode. Shares and Samples describe that history.
/// </summary>
public sealed record BiasCheck(bool Allowed, bool BiasDetected, double BuyShare, double SellShare, int Samples, string Reason);

/// <summary>
/// Immutable bias guard. Every BUY/SELL signal is recorded, blocked or not: the guard measures the model's output,
/// so a model that keeps pushing a blocked direction stays flagged. HOLD is neither checked nor recorded.
/// </summary>
public sealed record BiasGuardState(BiasGuardOptions Options, IReadOnlyList<TradeAction> Recent)
{
    public static BiasGuardState Start(BiasGuardOptions? options = null)
    {
        var o = options ?? new BiasGuardOptions();
        o.Validate();
        return new BiasGuardState(o, []);
    }

    public (BiasCheck Result, BiasGuardState Next) Check(TradeAction action)
    {
        var samples = Recent.Count;
        var buyShare = samples == 0 ? 0.0 : Recent.Count(a => a == TradeAction.Buy) / (double)samples;
        var sellShare = samples == 0 ? 0.0 : Recent.Count(a => a == TradeAction.Sell) / (double)samples;

        if (action == TradeAction.Hold)
            return (new BiasCheck(true, false, buyShare, sellShare, samples, "hold is not tracked"), this);

        var next = this with { Recent = Recent.Skip(Math.Max(0, samples + 1 - Options.Window)).Append(action).ToArray() };

        if (samples < Options.MinSamples)
            return (new BiasCheck(true, false, buyShare, sellShare, samples,
                $"insufficient samples ({samples} < {Options.MinSamples})"), next);

        var share = action == TradeAction.Buy ? buyShare : sellShare;
        if (!Tolerance.Above(share, Options.Threshold))
            return (new BiasCheck(true, false, buyShare, sellShare, samples, "no bias detected"), next);

        var side = action == TradeAction.Buy ? "LONG" : "SHORT";
        var enforced = Options.Mode == BiasGuardMode.Enforced;
        var reason = $"excessive {side} bias: {share:P0} of the last {samples} signals" + (enforced ? ", blocked" : ", observed only");
        return (new BiasCheck(!enforced, true, buyShare, sellShare, samples, reason), next);
    }
}
