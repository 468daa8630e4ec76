using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Reversible instance normalisation (Kim et al., ICLR 2022) as PatchTST uses it: each series of each instance is standardised with its own
/// mean and standard deviation over time, optionally followed by a learnable per-channel affine map; the forecast goes back through the inverse.
/// Inputs are [batch, time, channels].
/// </summary>
public sealed class RevIn : nn.Module
{
    public const double Epsilon = 1e-5;

    private readonly Parameter? affine_weight;
    private readonly Parameter? affine_bias;

    public RevIn(int channels, bool affine) : base("revin")
    {
        if (affine)
        {
            affine_weight = new Parameter(ones(channels));
            affine_bias = new Parameter(zeros(channels));
        }
        RegisterComponents();
    }

    public Parameter? Weight => affine_weight;
    public Parameter? Bias => affine_bias;

    /// <summary>The normalised input and the statistics that <see cref="Denormalize"/> needs. Statistics are detached: gradients flow only through the data path.</summary>
    public (Tensor Normalized, RevInStatistics Statistics) Normalize(Tensor x)
    {
        var mean = x.mean([1L], keepdim: true).detach();
        var std = x.var(1L, unbiased: false, keepdim: true).Plus(Epsilon).sqrt().detach();
        var normalized = (x - mean) / std;
        if (affine_weight is not null && affine_bias is not null) normalized = (normalized * affine_weight).Plus(affine_bias);
        return (normalized, new RevInStatistics(mean, std));
    }

    public Tensor Denormalize(Tensor y, RevInStatistics statistics)
    {
        if (affine_weight is not null && affine_bias is not null) y = (y - affine_bias) / affine_weight.Plus(Epsilon * Epsilon);
        return (y * statistics.Std).Plus(statistics.Mean);
    }
}

/// <summary>Per-instance, per-channel mean and standard deviation, shaped [batch, 1, channels].</summary>
public sealed record RevInStatistics(Tensor Mean, Tensor Std);
