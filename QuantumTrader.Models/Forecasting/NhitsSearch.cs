using System.Globalization;

namespace QuantumTrader.Models.Forecasting;

/// <summary>One point of <see cref="NhitsSearchSpace"/>: the hyperparameters a trial trains N-HiTS with.</summary>
public sealed record NhitsTrial(double LearningRate, int MaxSteps, int[] PoolKernels, int[] FreqDownsample, long Seed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"learning rate {LearningRate:0.###e+0}, {MaxSteps} steps, kernels [{string.Join(", ", PoolKernels)}], downsampling [{string.Join(", ", FreqDownsample)}], seed {Seed}");

    public bool Equals(NhitsTrial? other) =>
        other is not null && LearningRate.Equals(other.LearningRate) && MaxSteps == other.MaxSteps && PoolKernels.SequenceEqual(other.PoolKernels)
        && FreqDownsample.SequenceEqual(other.FreqDownsample) && Seed == other.Seed;

    public override int GetHashCode() => HashCode.Combine(LearningRate, MaxSteps, PoolKernels.Length, FreqDownsample.Length, Seed);
}

/// <summary>
/// Where a random search for N-HiTS draws its trials: learning rate log-uniform in [<see cref="MinLearningRate"/>, <see cref="MaxLearningRate"/>],
/// and uniformly one of the step counts, pooling kernels and downsampling ratios, and a weight seed in [<see cref="MinSeed"/>, <see cref="MaxSeed"/>].
/// </summary>
public sealed record NhitsSearchSpace(
    double MinLearningRate, double MaxLearningRate, int[] MaxSteps, int[][] PoolKernels, int[][] FreqDownsample, int MinSeed, int MaxSeed)
{
    /// <summary>
    /// neuralforecast's long-horizon ETT experiment (experiments/long_horizon/run_nhits.py): learning rate in [1e-5, 5e-3], 200 or 1000 steps,
    /// kernels [2, 2, 2] or [16, 8, 1], downsampling by half a week and half a day of 15-minute rows [336, 48, 1], of hours [84, 12, 1], or none
    /// [1, 1, 1], seed 1 to 9. The experiment ran 20 trials per horizon.
    /// </summary>
    public static readonly NhitsSearchSpace LongHorizon =
        new(1e-5, 5e-3, [200, 1000], [[2, 2, 2], [16, 8, 1]], [[336, 48, 1], [84, 12, 1], [1, 1, 1]], 1, 9);

    public IReadOnlyList<NhitsTrial> Sample(int count, Random random)
    {
        if (count < 1) throw new ArgumentException($"a search needs at least one trial, got {count}");
        var trials = new NhitsTrial[count];
        for (var i = 0; i < count; i++)
        {
            var learningRate = Math.Exp(Math.Log(MinLearningRate) + random.NextDouble() * (Math.Log(MaxLearningRate) - Math.Log(MinLearningRate)));
            trials[i] = new NhitsTrial(learningRate, MaxSteps[random.Next(MaxSteps.Length)], PoolKernels[random.Next(PoolKernels.Length)],
                FreqDownsample[random.Next(FreqDownsample.Length)], random.Next(MinSeed, MaxSeed + 1));
        }
        return trials;
    }
}

/// <summary>What one trial of a search scored on the validation months (infinite when its training diverged), and how long it trained.</summary>
public sealed record SearchTrialResult(NhitsTrial Trial, double ValidationMse, double ValidationMae, double TrainSeconds);
