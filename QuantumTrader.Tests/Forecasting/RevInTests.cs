using QuantumTrader.Models.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class RevInTests
{
    [Fact]
    public void Normalize_gives_each_series_zero_mean_and_unit_std()
    {
        using var scope = NewDisposeScope();
        using var revin = new RevIn(channels: 2, affine: true);
        // channel 0 = 1..6, channel 1 = 10 * (1..6) + 5
        var x = tensor(new float[] { 1, 15, 2, 25, 3, 35, 4, 45, 5, 55, 6, 65 }, [1, 6, 2]);
        var (n, stats) = revin.Normalize(x);
        Assert.Equal(3.5, stats.Mean[0, 0, 0].item<float>(), 5);
        Assert.Equal(40.0, stats.Mean[0, 0, 1].item<float>(), 4);
        // population std of 1..6 is sqrt(35/12)
        Assert.Equal(Math.Sqrt(35.0 / 12 + RevIn.Epsilon), stats.Std[0, 0, 0].item<float>(), 5);
        Assert.Equal(-2.5 / Math.Sqrt(35.0 / 12 + RevIn.Epsilon), n[0, 0, 0].item<float>(), 5);
        Assert.Equal(-25 / Math.Sqrt(3500.0 / 12 + RevIn.Epsilon), n[0, 0, 1].item<float>(), 5);
        Assert.Equal(0.0, n.mean([1L]).abs().max().item<float>(), 5);
    }

    [Fact]
    public void Denormalize_after_normalize_returns_the_input_with_a_non_trivial_affine_map()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var revin = new RevIn(channels: 3, affine: true);
            using (no_grad())
            {
                revin.Weight!.copy_(tensor(new float[] { 2f, 0.5f, -1.5f }));
                revin.Bias!.copy_(tensor(new float[] { 0.5f, -3f, 1f }));
            }
            var x = randn(4, 20, 3) * 7 + 100;
            var (n, stats) = revin.Normalize(x);
            // the affine map moves the per-series mean to the bias
            Assert.Equal(-3.0, n.mean([1L])[2, 1].item<float>(), 4);
            var back = revin.Denormalize(n, stats);
            Assert.True(allclose(back, x, rtol: 1e-5, atol: 1e-3), $"max error {(back - x).abs().max().item<float>()}");
        }, seed: 3);
    }
}
