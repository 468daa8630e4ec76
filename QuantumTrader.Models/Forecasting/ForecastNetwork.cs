using TorchSharp;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// A forecasting network: input [batch, Lookback, Channels], output [batch, Horizon, Channels].
/// Both N-HiTS and PatchTST are channel independent: every channel is forecast from its own past with shared weights.
/// </summary>
public abstract class ForecastNetwork : nn.Module<Tensor, Tensor>
{
    protected ForecastNetwork(string name, int lookback, int horizon, int channels) : base(name)
    {
        if (channels < 1) throw new ArgumentException($"{name}: at least one channel is needed, got {channels}");
        Lookback = lookback;
        Horizon = horizon;
        Channels = channels;
    }

    public int Lookback { get; }
    public int Horizon { get; }
    public int Channels { get; }

    /// <summary>
    /// Takes the weights out of any dispose scope that was open while they were created, so a forecaster built inside
    /// a caller's <c>NewDisposeScope()</c> keeps working after that scope ends; the network is disposed with its owner instead.
    /// </summary>
    internal void DetachFromDisposeScopes()
    {
        foreach (var p in parameters()) p.DetachFromDisposeScope();
        foreach (var b in buffers()) b.DetachFromDisposeScope();
    }

    protected void EnsureInputShape(Tensor x)
    {
        if (x.dim() != 3 || x.shape[1] != Lookback || x.shape[2] != Channels)
            throw new ArgumentException($"{GetName()}: expected input [batch, {Lookback}, {Channels}], got [{string.Join(", ", x.shape)}]");
    }
}

/// <summary>
/// A channel-independent network that forecasts single series: [rows, Lookback] to [rows, Horizon] with the weights every channel shares,
/// so training can draw windows of single channels (<see cref="ForecastTrainingOptions.WindowsPerStep"/>).
/// </summary>
public interface ISeriesForecaster
{
    Tensor ForecastSeries(Tensor series);
}
