using QuantumTrader.Models.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class PatchTstTests
{
    [Fact]
    public void PatchTst42_and_64_have_42_and_64_patches()
    {
        Assert.Equal(42, PatchTstConfig.PatchTst42(96).PatchCount);
        Assert.Equal(336, PatchTstConfig.PatchTst42(96).Lookback);
        Assert.Equal(64, PatchTstConfig.PatchTst64(96).PatchCount);
        Assert.Equal(41, PatchTstConfig.PatchCountFor(336, 16, 8, padEnd: false));
    }

    [Fact]
    public void Patchify_cuts_336_values_into_42_patches_of_16_padding_with_the_last_value()
    {
        using var scope = NewDisposeScope();
        var series = arange(336, dtype: ScalarType.Float32).reshape(1, 1, 336).expand(2, 3, 336);
        var patches = PatchTstNetwork.Patchify(series, 16, 8, padEnd: true);
        Assert.Equal(new long[] { 2, 3, 42, 16 }, patches.shape);
        Assert.Equal(0f, patches[1, 2, 0, 0].item<float>());
        Assert.Equal(15f, patches[1, 2, 0, 15].item<float>());
        Assert.Equal(8f, patches[0, 0, 1, 0].item<float>());
        Assert.Equal(320f, patches[0, 0, 40, 0].item<float>());
        // last patch: values 328..335, then 335 repeated 8 times
        Assert.Equal(328f, patches[0, 1, 41, 0].item<float>());
        Assert.Equal(335f, patches[0, 1, 41, 7].item<float>());
        Assert.Equal(335f, patches[0, 1, 41, 8].item<float>());
        Assert.Equal(335f, patches[0, 1, 41, 15].item<float>());
    }

    [Fact]
    public void Forward_maps_lookback_by_channels_to_horizon_by_channels_independently_per_channel()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var net = new PatchTstConfig(32, 6, PatchLength: 8, Stride: 4, Layers: 2).Build(channels: 3);
            net.eval();
            using var noGrad = no_grad();
            var x = randn(5, 32, 3);
            var y = net.call(x);
            Assert.Equal(new long[] { 5, 6, 3 }, y.shape);

            // changing channel 2 must not move the forecasts of channels 0 and 1
            var changed = x.clone();
            changed[.., .., 2] = randn(5, 32) * 10;
            var y2 = net.call(changed);
            Assert.True(allclose(y[.., .., ..2], y2[.., .., ..2], rtol: 1e-5, atol: 1e-5));
            Assert.False(allclose(y[.., .., 2], y2[.., .., 2], rtol: 1e-3, atol: 1e-3));
        }, seed: 1);
    }

    [Fact]
    public void Wrong_input_shape_is_rejected_with_the_expected_shape()
    {
        using var scope = NewDisposeScope();
        using var net = new PatchTstConfig(32, 6, PatchLength: 8, Stride: 4, Layers: 1).Build(channels: 2);
        var ex = Assert.Throws<ArgumentException>(() => net.call(zeros(1, 30, 2)));
        Assert.Contains("[batch, 32, 2]", ex.Message);
    }

    [Fact]
    public void Config_rejects_a_model_dimension_that_heads_do_not_divide()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PatchTstConfig(336, 96, ModelDim: 18, Heads: 4).Validate());
        Assert.Contains("d_model 18", ex.Message);
    }
}
