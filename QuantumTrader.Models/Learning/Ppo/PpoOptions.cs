namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Every PPO hyperparameter. Defaults are CleanRL's ppo.py for CartPole; <see cref="ZooCartPole"/> is the
/// rl-baselines3-zoo CartPole-v1 setting used by the benchmark.
/// </summary>
public sealed record PpoOptions
{
    public double LearningRate { get; init; } = 2.5e-4;
    public int NumEnvs { get; init; } = 4;
    /// <summary>Steps per environment in one rollout.</summary>
    public int NumSteps { get; init; } = 128;
    public double Gamma { get; init; } = 0.99;
    public double GaeLambda { get; init; } = 0.95;
    public int NumMinibatches { get; init; } = 4;
    public int UpdateEpochs { get; init; } = 4;
    public double ClipCoef { get; init; } = 0.2;
    /// <summary>Clip the value loss around the rollout-time value with the current <see cref="ClipCoef"/> (CleanRL); false gives plain ½·MSE (SB3 default).</summary>
    public bool ClipValueLoss { get; init; } = true;
    public double EntCoef { get; init; } = 0.01;
    public double VfCoef { get; init; } = 0.5;
    public double MaxGradNorm { get; init; } = 0.5;
    /// <summary>Learning rate falls linearly to zero over the training run.</summary>
    public bool AnnealLr { get; init; } = true;
    /// <summary>Clip range falls linearly to zero over the training run (SB3 zoo "lin_0.2").</summary>
    public bool AnnealClip { get; init; }
    /// <summary>Normalise advantages inside each minibatch (skipped for a minibatch of one sample).</summary>
    public bool NormalizeAdvantages { get; init; } = true;
    /// <summary>Stop the epochs of an update early once the approximate KL exceeds this; null never stops.</summary>
    public double? TargetKl { get; init; }
    /// <summary>
    /// At a time-limit truncation add γ·V(final observation) to the reward instead of treating the cut as terminal
    /// (SB3 does this; CleanRL treats truncation as termination).
    /// </summary>
    public bool BootstrapTruncation { get; init; } = true;
    public int[] HiddenSizes { get; init; } = [64, 64];
    public double AdamEps { get; init; } = 1e-5;
    /// <summary>Initial state-independent log standard deviation of a Gaussian policy.</summary>
    public double InitialLogStd { get; init; }
    public long Seed { get; init; } = 1;

    public int BatchSize => NumEnvs * NumSteps;

    public static PpoOptions CleanRlCartPole { get; } = new();

    /// <summary>
    /// rl-baselines3-zoo ppo.yml, CartPole-v1: 8 envs × 32 steps, batch 256 (one minibatch), λ 0.8, γ 0.98, 20 epochs,
    /// no entropy bonus, lr lin_0.001, clip lin_0.2, SB3's unclipped value loss. SB3 weighs a value MSE without the ½
    /// by 0.5; VfCoef 1 on this library's ½·MSE is the same gradient.
    /// </summary>
    public static PpoOptions ZooCartPole { get; } = new()
    {
        LearningRate = 1e-3,
        NumEnvs = 8,
        NumSteps = 32,
        Gamma = 0.98,
        GaeLambda = 0.8,
        NumMinibatches = 1,
        UpdateEpochs = 20,
        ClipCoef = 0.2,
        ClipValueLoss = false,
        EntCoef = 0.0,
        VfCoef = 1.0,
        AnnealLr = true,
        AnnealClip = true,
    };

    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, object value, string reason)
        {
            if (!ok) throw new ArgumentException($"PpoOptions.{field} = {value}: {reason}");
        }

        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive");
        Require(NumEnvs >= 1, nameof(NumEnvs), NumEnvs, "must be at least 1");
        Require(NumSteps >= 1, nameof(NumSteps), NumSteps, "must be at least 1");
        Require(Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "must be in [0, 1]");
        Require(GaeLambda is >= 0 and <= 1, nameof(GaeLambda), GaeLambda, "must be in [0, 1]");
        Require(NumMinibatches >= 1, nameof(NumMinibatches), NumMinibatches, "must be at least 1");
        Require(UpdateEpochs >= 1, nameof(UpdateEpochs), UpdateEpochs, "must be at least 1");
        Require(ClipCoef > 0 && double.IsFinite(ClipCoef), nameof(ClipCoef), ClipCoef, "must be positive");
        Require(EntCoef >= 0 && double.IsFinite(EntCoef), nameof(EntCoef), EntCoef, "must be non-negative");
        Require(VfCoef >= 0 && double.IsFinite(VfCoef), nameof(VfCoef), VfCoef, "must be non-negative");
        Require(MaxGradNorm > 0 && double.IsFinite(MaxGradNorm), nameof(MaxGradNorm), MaxGradNorm, "must be positive");
        Require(TargetKl is null || TargetKl > 0, nameof(TargetKl), TargetKl!, "must be positive when set");
        Require(HiddenSizes is { Length: > 0 } && HiddenSizes.All(h => h >= 1), nameof(HiddenSizes), HiddenSizes is null ? "null" : string.Join(",", HiddenSizes), "needs at least one layer, each of width ≥ 1");
        Require(AdamEps > 0, nameof(AdamEps), AdamEps, "must be positive");
        Require(double.IsFinite(InitialLogStd), nameof(InitialLogStd), InitialLogStd, "must be finite");
    }
}
