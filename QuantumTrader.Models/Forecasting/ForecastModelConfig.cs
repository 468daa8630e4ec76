using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using TorchSharp;

namespace QuantumTrader.Models.Forecasting;

/// <summary>The hyperparameters of one forecasting network; the JSON sidecar of an artifact stores it with a "model" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "model")]
[JsonDerivedType(typeof(NhitsConfig), ModelSlots.Nhits)]
[JsonDerivedType(typeof(PatchTstConfig), ModelSlots.PatchTst)]
public abstract record ForecastModelConfig(int Lookback, int Horizon)
{
    [JsonIgnore] public abstract string ModelId { get; }
    [JsonIgnore] public abstract double DefaultLearningRate { get; }
    [JsonIgnore] public abstract int DefaultBatchSize { get; }

    /// <summary>The loss the trainer minimises, over the values a 0/1 mask keeps when given; the MSE unless the model's config asks for another.</summary>
    public virtual torch.Tensor TrainingLoss(torch.Tensor forecast, torch.Tensor target, torch.Tensor? mask = null) =>
        ForecastLoss.Compute(ForecastLoss.Mse, 1.0, forecast, target, mask);

    /// <summary>Throws ArgumentException naming the first inconsistent hyperparameter.</summary>
    public virtual void Validate()
    {
        if (Lookback < 1) throw new ArgumentException($"{ModelId}: lookback must be at least 1, got {Lookback}");
        if (Horizon < 1) throw new ArgumentException($"{ModelId}: horizon must be at least 1, got {Horizon}");
    }

    /// <summary>A freshly initialised network (initial weights come from torch's global generator, so seed it first).</summary>
    public abstract ForecastNetwork Build(int channels);
}

/// <summary>
/// N-HiTS (Challu et al., AAAI 2023). One entry of <see cref="PoolKernels"/> and <see cref="FreqDownsample"/> per stack:
/// a stack max-pools its input with its kernel and predicts max(Horizon / downsample, 1) knots that are linearly interpolated to the horizon.
/// Each block's MLP has one ReLU layer (with <see cref="Dropout"/>) per entry of <see cref="HiddenUnits"/>, after a linear projection without
/// activation when <see cref="InputProjection"/> is set. <see cref="ScalerType"/> normalises each input window on its own (<see cref="WindowScaler"/>);
/// <see cref="Loss"/> is the training loss (<see cref="ForecastLoss"/>), with <see cref="HuberDelta"/> for the Huber loss. Manifests written before
/// these fields existed load with the defaults, which are the behaviour of that time (no window scaling, MSE, no projection).
/// </summary>
public sealed record NhitsConfig(
    int Lookback,
    int Horizon,
    int[] PoolKernels,
    int[] FreqDownsample,
    int[] HiddenUnits,
    int BlocksPerStack = 1,
    double Dropout = 0.0,
    string ScalerType = WindowScaler.Identity,
    string Loss = ForecastLoss.Mse,
    double HuberDelta = 1.0,
    bool InputProjection = false) : ForecastModelConfig(Lookback, Horizon)
{
    public override string ModelId => ModelSlots.Nhits;
    public override double DefaultLearningRate => 1e-3;
    public override int DefaultBatchSize => 32;

    /// <summary>The defaults of Nixtla's neuralforecast NHITS: 3 stacks of 1 block, MLP 512x512, kernels [2,2,1], downsampling [4,2,1].</summary>
    public static NhitsConfig Default(int lookback, int horizon) =>
        new(lookback, horizon, [2, 2, 1], [4, 2, 1], [512, 512]);

    /// <summary>How many horizons of look-back the long-horizon runs give N-HiTS (neuralforecast's ETT experiment; the paper's search also tried 2, 3 and 5).</summary>
    public const int LongHorizonLookbackFactor = 7;

    /// <summary>
    /// N-HiTS for long horizons on hourly data, as neuralforecast's long-horizon ETT experiment (experiments/long_horizon/run_nhits.py) builds it:
    /// look-back <see cref="LongHorizonLookbackFactor"/> x horizon (unless told another factor), 3 stacks of one block, each block's MLP a 512-wide linear projection and three
    /// 512-wide ReLU layers with dropout 0.5 (the experiment passes three [512, 512] layer pairs to every block), Huber loss with delta 0.5,
    /// no window scaling. Pooling kernels [2, 2, 2] and downsampling [84, 12, 1] (half a week and half a day of hours) are one point of the
    /// experiment's search space (<see cref="NhitsSearchSpace"/>), used when no search runs.
    /// </summary>
    public static NhitsConfig LongHorizon(int horizon, int lookbackFactor = LongHorizonLookbackFactor) =>
        new(lookbackFactor * horizon, horizon, [2, 2, 2], [84, 12, 1], [512, 512, 512],
            Dropout: 0.5, ScalerType: WindowScaler.Identity, Loss: ForecastLoss.Huber, HuberDelta: 0.5, InputProjection: true);

    [JsonIgnore] public int Stacks => PoolKernels.Length;

    public override torch.Tensor TrainingLoss(torch.Tensor forecast, torch.Tensor target, torch.Tensor? mask = null) =>
        ForecastLoss.Compute(Loss, HuberDelta, forecast, target, mask);

    public override void Validate()
    {
        base.Validate();
        if (PoolKernels.Length == 0) throw new ArgumentException("nhits: at least one stack is needed (PoolKernels is empty)");
        if (FreqDownsample.Length != PoolKernels.Length)
            throw new ArgumentException($"nhits: {PoolKernels.Length} pooling kernels but {FreqDownsample.Length} downsampling ratios; one of each per stack");
        if (PoolKernels.Any(k => k < 1)) throw new ArgumentException("nhits: pooling kernels must be at least 1");
        if (PoolKernels.Any(k => k > Lookback)) throw new ArgumentException($"nhits: a pooling kernel is longer than the lookback {Lookback}");
        if (FreqDownsample.Any(f => f < 1)) throw new ArgumentException("nhits: downsampling ratios must be at least 1");
        if (HiddenUnits.Length == 0 || HiddenUnits.Any(u => u < 1)) throw new ArgumentException("nhits: HiddenUnits needs at least one positive layer width");
        if (BlocksPerStack < 1) throw new ArgumentException("nhits: BlocksPerStack must be at least 1");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"nhits: dropout must be in [0, 1), got {Dropout}");
        if (!WindowScaler.IsKnown(ScalerType))
            throw new ArgumentException($"nhits: ScalerType '{ScalerType}' is unknown; expected one of {string.Join(", ", WindowScaler.All)}");
        if (!ForecastLoss.IsKnown(Loss)) throw new ArgumentException($"nhits: Loss '{Loss}' is unknown; expected one of {string.Join(", ", ForecastLoss.All)}");
        if (!(HuberDelta > 0) || !double.IsFinite(HuberDelta)) throw new ArgumentException($"nhits: HuberDelta must be positive and finite, got {HuberDelta}");
    }

    public override ForecastNetwork Build(int channels)
    {
        Validate();
        return new NhitsNetwork(this, channels);
    }

    public bool Equals(NhitsConfig? other) =>
        other is not null && base.Equals(other) && PoolKernels.SequenceEqual(other.PoolKernels) && FreqDownsample.SequenceEqual(other.FreqDownsample)
        && HiddenUnits.SequenceEqual(other.HiddenUnits) && BlocksPerStack == other.BlocksPerStack && Dropout.Equals(other.Dropout)
        && ScalerType == other.ScalerType && Loss == other.Loss && HuberDelta.Equals(other.HuberDelta) && InputProjection == other.InputProjection;

    public override int GetHashCode() =>
        HashCode.Combine(base.GetHashCode(), PoolKernels.Length, FreqDownsample.Length, HiddenUnits.Length, BlocksPerStack, Dropout, ScalerType, HashCode.Combine(Loss, InputProjection));
}

/// <summary>
/// PatchTST (Nie et al., ICLR 2023), supervised, channel independent, with RevIN and a flatten head.
/// Defaults are PatchTST/42: look-back 336 cut into 42 patches of 16 with stride 8 (one extra patch from end padding).
/// </summary>
public sealed record PatchTstConfig(
    int Lookback,
    int Horizon,
    int PatchLength = 16,
    int Stride = 8,
    bool PadEnd = true,
    int Layers = 3,
    int ModelDim = 16,
    int Heads = 4,
    int FeedForwardDim = 128,
    double Dropout = 0.3,
    double HeadDropout = 0.0,
    bool AffineRevIn = true) : ForecastModelConfig(Lookback, Horizon)
{
    public override string ModelId => ModelSlots.PatchTst;
    public override double DefaultLearningRate => 1e-4;
    public override int DefaultBatchSize => 128;

    /// <summary>The paper's PatchTST/42: L = 336, P = 16, S = 8, 3 layers, d_model 16, 4 heads, d_ff 128, dropout 0.3.</summary>
    public static PatchTstConfig PatchTst42(int horizon) => new(336, horizon);

    /// <summary>The paper's PatchTST/64: L = 512 (64 patches), otherwise as PatchTST/42.</summary>
    public static PatchTstConfig PatchTst64(int horizon) => new(512, horizon);

    [JsonIgnore] public int PatchCount => PatchCountFor(Lookback, PatchLength, Stride, PadEnd);

    public static int PatchCountFor(int lookback, int patchLength, int stride, bool padEnd) =>
        (lookback - patchLength) / stride + 1 + (padEnd ? 1 : 0);

    public override void Validate()
    {
        base.Validate();
        if (PatchLength < 1 || PatchLength > Lookback) throw new ArgumentException($"patchtst: patch length must be in [1, {Lookback}], got {PatchLength}");
        if (Stride < 1) throw new ArgumentException($"patchtst: stride must be at least 1, got {Stride}");
        if (Layers < 1) throw new ArgumentException($"patchtst: at least one encoder layer is needed, got {Layers}");
        if (Heads < 1 || ModelDim % Heads != 0) throw new ArgumentException($"patchtst: d_model {ModelDim} must be a multiple of the head count {Heads}");
        if (FeedForwardDim < 1) throw new ArgumentException($"patchtst: d_ff must be at least 1, got {FeedForwardDim}");
        if (Dropout is < 0 or >= 1 || HeadDropout is < 0 or >= 1) throw new ArgumentException("patchtst: dropout rates must be in [0, 1)");
    }

    public override ForecastNetwork Build(int channels)
    {
        Validate();
        return new PatchTstNetwork(this, channels);
    }
}
