using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// One N-HiTS block: max-pool the residual input (multi-rate sampling), an MLP with ReLU produces a full-resolution backcast
/// and a few forecast knots, and the knots are linearly interpolated to the horizon (hierarchical interpolation).
/// With an input projection the pooled input first passes a linear layer of the first hidden width without activation,
/// as neuralforecast's NHITSBlock builds its MLP.
/// </summary>
public sealed class NhitsBlock : Module<Tensor, (Tensor Backcast, Tensor Forecast)>
{
    private readonly Sequential mlp;
    private readonly int _lookback;
    private readonly int _horizon;
    private readonly int _poolKernel;

    public NhitsBlock(string name, int lookback, int horizon, int poolKernel, int freqDownsample, IReadOnlyList<int> hiddenUnits, double dropout,
        bool inputProjection = false)
        : base(name)
    {
        _lookback = lookback;
        _horizon = horizon;
        _poolKernel = poolKernel;
        Knots = KnotCount(horizon, freqDownsample);
        var layers = new List<Module<Tensor, Tensor>>();
        var width = PooledLength(lookback, poolKernel);
        if (inputProjection)
        {
            layers.Add(Linear(width, hiddenUnits[0]));
            width = hiddenUnits[0];
        }
        foreach (var units in hiddenUnits)
        {
            layers.Add(Linear(width, units));
            layers.Add(ReLU());
            if (dropout > 0) layers.Add(Dropout(dropout));
            width = units;
        }
        layers.Add(Linear(width, lookback + Knots));
        mlp = Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Number of forecast knots: the expressiveness ratio 1/downsample of the horizon, at least one.</summary>
    public int Knots { get; }

    /// <summary>Length after max pooling with kernel = stride = k; the last window may be partial (ceil mode).</summary>
    public static int PooledLength(int lookback, int kernel) => (lookback + kernel - 1) / kernel;

    public static int KnotCount(int horizon, int freqDownsample) => Math.Max(horizon / freqDownsample, 1);

    /// <summary>Linear interpolation of knots [batch, K] to [batch, horizon] (half-pixel centres, as torch's interpolate without align_corners).</summary>
    public static Tensor Interpolate(Tensor knots, int horizon) =>
        functional.interpolate(knots.unsqueeze(1), size: [horizon], mode: InterpolationMode.Linear, align_corners: false).squeeze(1);

    /// <summary>Backcast [batch, Lookback] and forecast knots [batch, Knots] for a residual input [batch, Lookback].</summary>
    public (Tensor Backcast, Tensor Knots) Theta(Tensor residual)
    {
        var pooled = _poolKernel == 1
            ? residual
            : functional.max_pool1d(residual.unsqueeze(1), _poolKernel, _poolKernel, ceil_mode: true).squeeze(1);
        var theta = mlp.call(pooled);
        return (theta[.., .._lookback], theta[.., _lookback..]);
    }

    public override (Tensor Backcast, Tensor Forecast) forward(Tensor residual)
    {
        var (backcast, knots) = Theta(residual);
        return (backcast, Interpolate(knots, _horizon));
    }
}

/// <summary>
/// N-HiTS: stacks of blocks in doubly residual order. Each block removes its backcast from the input the next block sees and
/// adds its forecast to the output. As in the authors' implementation the forecast starts from the last observed value (naive level),
/// and the input is reversed in time so the most recent value comes first and an incomplete pooling window falls on the oldest values.
/// With a window scaler each series' window is normalised before the blocks and the forecast mapped back after them.
/// </summary>
public sealed class NhitsNetwork : ForecastNetwork, ISeriesForecaster
{
    private readonly ModuleList<NhitsBlock> blocks;
    private readonly string _scalerType;

    public NhitsNetwork(NhitsConfig config, int channels) : base("nhits", config.Lookback, config.Horizon, channels)
    {
        _scalerType = config.ScalerType;
        blocks = new ModuleList<NhitsBlock>();
        for (var s = 0; s < config.Stacks; s++)
            for (var b = 0; b < config.BlocksPerStack; b++)
                blocks.Add(new NhitsBlock($"stack{s}_block{b}", config.Lookback, config.Horizon, config.PoolKernels[s], config.FreqDownsample[s], config.HiddenUnits, config.Dropout, config.InputProjection));
        RegisterComponents();
    }

    public IReadOnlyList<NhitsBlock> Blocks => [.. blocks];

    /// <summary>
    /// Per-series decomposition for univariate inputs [series, Lookback] (time order, oldest first), in the frame the blocks see:
    /// with a window scaler, pass the normalised series (<see cref="WindowScaler.Normalize"/>).
    /// </summary>
    public NhitsDecomposition Decompose(Tensor series)
    {
        var residual = series.flip(-1);
        var forecast = series[.., ^1..].expand(-1, Horizon);
        var backcasts = new List<Tensor>();
        var forecasts = new List<Tensor>();
        foreach (var block in blocks)
        {
            var (backcast, blockForecast) = block.call(residual);
            residual = residual - backcast;
            forecast = forecast.Plus(blockForecast);
            backcasts.Add(backcast.flip(-1));
            forecasts.Add(blockForecast);
        }
        return new NhitsDecomposition(backcasts, forecasts, residual.flip(-1), forecast);
    }

    public override Tensor forward(Tensor x)
    {
        EnsureInputShape(x);
        var batch = x.shape[0];
        var forecast = ForecastSeries(x.permute(0, 2, 1).reshape(batch * Channels, Lookback));
        return forecast.reshape(batch, Channels, Horizon).permute(0, 2, 1);
    }

    public Tensor ForecastSeries(Tensor series)
    {
        if (series.dim() != 2 || series.shape[1] != Lookback)
            throw new ArgumentException($"{GetName()}: expected series [rows, {Lookback}], got [{string.Join(", ", series.shape)}]");
        if (_scalerType == WindowScaler.Identity) return Decompose(series).Forecast; // no statistics to compute on the serving path
        var (normalized, statistics) = WindowScaler.Normalize(_scalerType, series);
        return WindowScaler.Denormalize(Decompose(normalized).Forecast, statistics);
    }
}

/// <summary>What each block took out of the input (backcasts, time order), what it forecast, the input left over, and the total forecast.</summary>
public sealed record NhitsDecomposition(IReadOnlyList<Tensor> Backcasts, IReadOnlyList<Tensor> BlockForecasts, Tensor Residual, Tensor Forecast);
