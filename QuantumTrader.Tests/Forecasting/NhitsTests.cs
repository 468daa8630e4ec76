using QuantumTrader.Models.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class NhitsTests
{
    [Fact]
    public void Pooled_lengths_and_knot_counts_follow_kernels_and_downsampling()
    {
        Assert.Equal(240, NhitsBlock.PooledLength(480, 2));
        Assert.Equal(4, NhitsBlock.PooledLength(10, 3)); // ceil mode keeps the partial window
        Assert.Equal(480, NhitsBlock.PooledLength(480, 1));
        Assert.Equal(24, NhitsBlock.KnotCount(96, 4));
        Assert.Equal(48, NhitsBlock.KnotCount(96, 2));
        Assert.Equal(96, NhitsBlock.KnotCount(96, 1));
        Assert.Equal(1, NhitsBlock.KnotCount(96, 168));
    }

    [Fact]
    public void Interpolation_is_linear_between_knot_centres()
    {
        using var scope = NewDisposeScope();
        // 2 knots spread over 4 steps: sample points at -0.25, 0.25, 0.75, 1.25 in knot units, clamped at the ends
        var y = NhitsBlock.Interpolate(tensor(new float[] { 0, 1, 10, 30 }, [2, 2]), 4);
        Assert.Equal(new long[] { 2, 4 }, y.shape);
        Assert.Equal(new[] { 0f, 0.25f, 0.75f, 1f }, y[0].data<float>().ToArray());
        Assert.Equal(new[] { 10f, 15f, 25f, 30f }, y[1].data<float>().ToArray());
        // a single knot is a constant forecast
        var flat = NhitsBlock.Interpolate(tensor(new float[] { 2.5f }, [1, 1]), 5);
        Assert.All(flat.data<float>().ToArray(), v => Assert.Equal(2.5f, v));
    }

    [Fact]
    public void Blocks_produce_full_backcasts_and_coarse_knots_interpolated_to_the_horizon()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            var config = new NhitsConfig(40, 12, [2, 2, 1], [4, 2, 1], [32, 32]);
            using var net = (NhitsNetwork)config.Build(channels: 1);
            var blocks = net.Blocks;
            Assert.Equal(new[] { 3, 6, 12 }, blocks.Select(b => b.Knots).ToArray());
            var series = randn(5, 40);
            foreach (var block in blocks)
            {
                var (backcast, knots) = block.Theta(series);
                Assert.Equal(new long[] { 5, 40 }, backcast.shape);
                Assert.Equal(new long[] { 5, block.Knots }, knots.shape);
                var (_, forecast) = block.call(series);
                Assert.Equal(new long[] { 5, 12 }, forecast.shape);
            }
        }, seed: 2);
    }

    [Fact]
    public void Each_block_removes_its_backcast_from_the_input_and_forecasts_add_up_on_the_last_value()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var net = (NhitsNetwork)new NhitsConfig(24, 6, [2, 2, 1], [3, 2, 1], [16]).Build(channels: 1);
            net.eval();
            using var noGrad = no_grad();
            var series = randn(3, 24);
            var d = net.Decompose(series);
            Assert.Equal(3, d.Backcasts.Count);
            var explained = d.Backcasts.Aggregate(zeros(3, 24), (acc, b) => acc + b);
            Assert.True(allclose(d.Residual, series - explained, atol: 1e-5));
            var summed = d.BlockForecasts.Aggregate(series[.., ^1..].expand(3, 6), (acc, f) => acc + f);
            Assert.True(allclose(d.Forecast, summed, atol: 1e-5));
        }, seed: 4);
    }

    [Fact]
    public void Forward_keeps_channels_independent()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var net = NhitsConfig.Default(20, 4).Build(channels: 2);
            net.eval();
            using var noGrad = no_grad();
            var x = randn(3, 20, 2);
            var y = net.call(x);
            Assert.Equal(new long[] { 3, 4, 2 }, y.shape);
            var solo = net.call(x[.., .., 1..].expand(3, 20, 2).contiguous());
            Assert.True(allclose(y[.., .., 1], solo[.., .., 0], atol: 1e-5));
        }, seed: 5);
    }

    [Fact]
    public void An_input_projection_adds_a_linear_layer_without_activation_before_the_hidden_layers()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            // pooled input 20, hidden [16, 16], 20 backcast values + 5 knots
            long Parameters(bool projection)
            {
                using var block = new NhitsBlock("b", 40, 10, 2, 2, [16, 16], 0.0, projection);
                return block.parameters().Sum(p => p.numel());
            }
            Assert.Equal((20 * 16 + 16) + (16 * 16 + 16) + (16 * 45 + 45), Parameters(false));
            Assert.Equal((20 * 16 + 16) + 2 * (16 * 16 + 16) + (16 * 45 + 45), Parameters(true));
            // linear, linear + ReLU, linear + ReLU, linear: a negative pre-activation of the projection passes through
            using var projected = new NhitsBlock("p", 40, 10, 2, 2, [16, 16], 0.0, inputProjection: true);
            var layers = projected.named_modules().Select(m => m.module.GetType().Name).Where(n => n is "Linear" or "ReLU").ToArray();
            Assert.Equal(new[] { "Linear", "Linear", "ReLU", "Linear", "ReLU", "Linear" }, layers);
        });
    }

    [Fact]
    public void Single_series_forecasts_match_the_channels_of_the_multichannel_forward()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var net = (NhitsNetwork)NhitsConfig.Default(20, 4).Build(channels: 3);
            net.eval();
            using var noGrad = no_grad();
            var x = randn(2, 20, 3);
            var y = net.call(x);
            var single = net.ForecastSeries(x.permute(0, 2, 1).reshape(6, 20));
            Assert.True(allclose(y.permute(0, 2, 1).reshape(6, 4), single, atol: 1e-5));
            Assert.Throws<ArgumentException>(() => net.ForecastSeries(randn(2, 19)));
        }, seed: 6);
    }

    [Fact]
    public void Config_needs_one_kernel_and_one_ratio_per_stack()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NhitsConfig(20, 4, [2, 2], [4, 2, 1], [8]).Validate());
        Assert.Contains("2 pooling kernels but 3 downsampling ratios", ex.Message);
    }
}
