using TorchSharp;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Temporal normalisation of each input window on its own (neuralforecast's <c>scaler_type</c>): every series of every window is shifted and
/// scaled with statistics of its own look-back, the network forecasts in that frame, and the forecast is mapped back with the same statistics.
/// It removes the level and spread a window starts from, so a level shift between training and test months does not look like a new pattern.
/// </summary>
public static class WindowScaler
{
    /// <summary>No temporal normalisation: the network sees the (globally standardised) values as they are.</summary>
    public const string Identity = "identity";

    /// <summary>Shift by the window's mean, scale by its population standard deviation.</summary>
    public const string Standard = "standard";

    /// <summary>Shift by the window's median, scale by its median absolute deviation from that median (insensitive to spikes).</summary>
    public const string Robust = "robust";

    public static readonly IReadOnlyList<string> All = [Identity, Standard, Robust];

    /// <summary>A scale below this (a flat window) is replaced by 1, so the forecast of a flat window stays in the data's units instead of collapsing.</summary>
    public const double MinScale = 1e-6;

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);

    /// <summary>
    /// Normalises series [rows, time] along time. Returns the normalised series and the shift and scale [rows, 1] that
    /// <see cref="Denormalize"/> needs. Statistics are taken from the data, not learned: gradients flow only through the data path.
    /// </summary>
    public static (Tensor Normalized, WindowStatistics Statistics) Normalize(string kind, Tensor series)
    {
        if (series.dim() != 2) throw new ArgumentException($"window scaler: expected series [rows, time], got [{string.Join(", ", series.shape)}]");
        Tensor shift, spread;
        switch (kind)
        {
            case Identity:
                return (series, new WindowStatistics(zeros(series.shape[0], 1, dtype: series.dtype), ones(series.shape[0], 1, dtype: series.dtype)));
            case Standard:
                shift = series.mean([1L], keepdim: true).detach();
                spread = series.var(1L, unbiased: false, keepdim: true).sqrt().detach();
                break;
            case Robust:
                shift = LowerMedian(series).detach();
                spread = LowerMedian((series - shift).abs()).detach();
                break;
            default:
                throw new ArgumentException($"window scaler: unknown kind '{kind}'; expected one of {string.Join(", ", All)}");
        }
        var scale = where(spread < MinScale, ones_like(spread), spread);
        return ((series - shift) / scale, new WindowStatistics(shift, scale));
    }

    /// <summary>The lower of the two middle values for an even length (as torch.median), per row, shaped [rows, 1].</summary>
    private static Tensor LowerMedian(Tensor series) => series.kthvalue((series.shape[1] + 1) / 2, 1L, keepdim: true).values;

    /// <summary>Maps values [rows, any length] in a window's normalised frame back to the data's units.</summary>
    public static Tensor Denormalize(Tensor normalized, WindowStatistics statistics) =>
        (normalized * statistics.Scale).Plus(statistics.Shift);
}

/// <summary>Per-row shift and scale [rows, 1] of a normalised window.</summary>
public sealed record WindowStatistics(Tensor Shift, Tensor Scale);

/// <summary>
/// Training losses a model config may ask for. N-HiTS' long-horizon runs train on the Huber loss (quadratic within
/// <c>delta</c> of the target, linear beyond), which lets rare spikes pull the fit less than the MSE does.
/// </summary>
public static class ForecastLoss
{
    public const string Mse = "mse";
    public const string Mae = "mae";
    public const string Huber = "huber";

    public static readonly IReadOnlyList<string> All = [Mse, Mae, Huber];

    public static bool IsKnown(string? loss) => loss is not null && All.Contains(loss);

    /// <summary>
    /// Mean loss over every value of the forecast, or with a 0/1 <paramref name="mask"/> (broadcast against the forecast) over the values it keeps.
    /// <paramref name="huberDelta"/> matters only for the Huber loss.
    /// </summary>
    public static Tensor Compute(string loss, double huberDelta, Tensor forecast, Tensor target, Tensor? mask = null)
    {
        var reduction = mask is null ? nn.Reduction.Mean : nn.Reduction.None;
        var values = loss switch
        {
            Mse => nn.functional.mse_loss(forecast, target, reduction),
            Mae => nn.functional.l1_loss(forecast, target, reduction),
            Huber => nn.functional.huber_loss(forecast, target, huberDelta, reduction),
            _ => throw new ArgumentException($"unknown training loss '{loss}'; expected one of {string.Join(", ", All)}"),
        };
        if (mask is null) return values;
        var kept = mask.expand_as(values);
        return (values * kept).sum() / kept.sum();
    }
}
