using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// PPO loss terms, written as losses to minimise. The scalar forms are per sample; the tensor forms average a minibatch.
/// </summary>
public static class PpoLoss
{
    /// <summary>max(−A·r, −A·clip(r, 1−ε, 1+ε)): the negated clipped surrogate objective of one sample.</summary>
    public static double ClippedSurrogate(double ratio, double advantage, double clip)
    {
        var clipped = Math.Clamp(ratio, 1 - clip, 1 + clip);
        return Math.Max(-advantage * ratio, -advantage * clipped);
    }

    public static Tensor ClippedSurrogate(Tensor ratio, Tensor advantages, double clip)
    {
        var unclipped = -advantages * ratio;
        var clipped = -advantages * ratio.clamp(1 - clip, 1 + clip);
        return maximum(unclipped, clipped).mean();
    }

    /// <summary>
    /// ½·max((V−R)², (V_old + clip(V−V_old, −ε, ε) − R)²): the value may not profit from moving further than ε
    /// from its rollout-time estimate (the ½ follows CleanRL; SB3's unclipped MSE has none).
    /// </summary>
    public static double ClippedValue(double value, double oldValue, double target, double clip)
    {
        var clippedValue = oldValue + Math.Clamp(value - oldValue, -clip, clip);
        var a = value - target;
        var b = clippedValue - target;
        return 0.5 * Math.Max(a * a, b * b);
    }

    public static Tensor ClippedValue(Tensor values, Tensor oldValues, Tensor targets, double clip)
    {
        var clippedValues = oldValues + (values - oldValues).clamp(-clip, clip);
        var unclipped = (values - targets).square();
        var clipped = (clippedValues - targets).square();
        return 0.5 * maximum(unclipped, clipped).mean();
    }

    /// <summary>½·(V−R)².</summary>
    public static double Value(double value, double target) => 0.5 * (value - target) * (value - target);

    public static Tensor Value(Tensor values, Tensor targets) => 0.5 * (values - targets).square().mean();

    /// <summary>Low-variance estimate of KL(old‖new) from log r = log π_new − log π_old: mean((r − 1) − log r).</summary>
    public static Tensor ApproxKl(Tensor logRatio) => (logRatio.exp() - 1 - logRatio).mean();
}
