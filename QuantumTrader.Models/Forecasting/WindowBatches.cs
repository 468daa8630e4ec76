using TorchSharp;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>Cuts training and evaluation batches out of a [T, C] series tensor: window i covers rows start_i .. start_i + L + H - 1.</summary>
public static class WindowBatches
{
    /// <summary>Inputs [B, L, C] and targets [B, H, C] for the windows starting at the given rows.</summary>
    public static (Tensor X, Tensor Y) Batch(Tensor series, ReadOnlySpan<int> starts, int lookback, int horizon)
    {
        var span = lookback + horizon;
        var index = new long[starts.Length * span];
        for (var b = 0; b < starts.Length; b++)
            for (var j = 0; j < span; j++) index[b * span + j] = starts[b] + j;
        var rows = series.index_select(0, tensor(index)).view(starts.Length, span, series.shape[1]);
        return (rows.narrow(1, 0, lookback), rows.narrow(1, lookback, horizon));
    }

    /// <summary>
    /// As <see cref="Batch"/> for windows whose horizon may be cut short: window b has only its first available[b] target rows
    /// (rows past them repeat the last one) and the mask [B, H, 1] is 1 on those rows and 0 on the rest.
    /// </summary>
    public static (Tensor X, Tensor Y, Tensor Mask) Batch(Tensor series, ReadOnlySpan<int> starts, ReadOnlySpan<int> available, int lookback, int horizon)
    {
        var span = lookback + horizon;
        var index = new long[starts.Length * span];
        var mask = new float[starts.Length * horizon];
        for (var b = 0; b < starts.Length; b++)
        {
            var last = starts[b] + lookback + available[b] - 1;
            for (var j = 0; j < span; j++) index[b * span + j] = Math.Min(starts[b] + j, last);
            for (var j = 0; j < available[b]; j++) mask[b * horizon + j] = 1;
        }
        var rows = series.index_select(0, tensor(index)).view(starts.Length, span, series.shape[1]);
        return (rows.narrow(1, 0, lookback), rows.narrow(1, lookback, horizon), tensor(mask, [starts.Length, horizon, 1]));
    }

    /// <summary>
    /// Single-channel windows: window b is channel channels[b] of rows starts[b] .. starts[b] + L + H - 1, as inputs [B, L], targets [B, H] and a
    /// 0/1 mask [B, H] that keeps the first available[b] target rows (rows past them repeat the last one).
    /// </summary>
    public static (Tensor X, Tensor Y, Tensor Mask) SeriesBatch(
        Tensor series, ReadOnlySpan<int> starts, ReadOnlySpan<int> channels, ReadOnlySpan<int> available, int lookback, int horizon)
    {
        var span = lookback + horizon;
        var width = (int)series.shape[1];
        var index = new long[starts.Length * span];
        var mask = new float[starts.Length * horizon];
        for (var b = 0; b < starts.Length; b++)
        {
            var last = starts[b] + lookback + available[b] - 1;
            for (var j = 0; j < span; j++) index[b * span + j] = (long)Math.Min(starts[b] + j, last) * width + channels[b];
            for (var j = 0; j < available[b]; j++) mask[b * horizon + j] = 1;
        }
        var values = series.reshape(-1).index_select(0, tensor(index)).view(starts.Length, span);
        return (values.narrow(1, 0, lookback), values.narrow(1, lookback, horizon), tensor(mask, [starts.Length, horizon]));
    }

    public static ForecastMetrics Evaluate(ForecastNetwork network, Tensor series, RowRange rows, int batchSize) =>
        Evaluate(network, series, [rows], batchSize);

    /// <summary>Error over every window inside each of the ranges; no window crosses a range's edge.</summary>
    public static ForecastMetrics Evaluate(ForecastNetwork network, Tensor series, IReadOnlyList<RowRange> ranges, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentException($"evaluation batch size must be at least 1, got {batchSize}");
        var allStarts = ranges.SelectMany(r => Enumerable.Range(r.Start, r.WindowCount(network.Lookback, network.Horizon))).ToArray();
        var windows = allStarts.Length;
        if (windows == 0)
            throw new ArgumentException($"rows {string.Join(", ", ranges.Select(r => $"[{r.Start}, {r.End})"))} hold no window of {network.Lookback} + {network.Horizon} rows");
        network.eval();
        using var noGrad = no_grad();
        var squared = new double[network.Channels];
        var absolute = new double[network.Channels];
        for (var first = 0; first < windows; first += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, windows - first);
            var (x, y) = Batch(series, allStarts.AsSpan(first, n), network.Lookback, network.Horizon);
            var error = (network.call(x) - y).to_type(ScalarType.Float64);
            var sq = error.square().sum([0L, 1L]).data<double>().ToArray();
            var ab = error.abs().sum([0L, 1L]).data<double>().ToArray();
            for (var c = 0; c < squared.Length; c++)
            {
                squared[c] += sq[c];
                absolute[c] += ab[c];
            }
        }
        var perChannel = (double)windows * network.Horizon;
        var channelMse = squared.Select(v => v / perChannel).ToArray();
        var channelMae = absolute.Select(v => v / perChannel).ToArray();
        return new ForecastMetrics(channelMse.Average(), channelMae.Average(), windows, channelMse, channelMae);
    }
}
