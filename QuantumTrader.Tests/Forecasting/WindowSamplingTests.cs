using QuantumTrader.Models.Forecasting;
using QuantumTrader.Tests.Support;
using static TorchSharp.torch;

namespace QuantumTrader.Tests.Forecasting;

/// <summary>Training on single-channel windows drawn at random each step, as neuralforecast samples <c>windows_batch_size</c> windows.</summary>
[Collection(TorchCollection.Name)]
public class WindowSamplingTests
{
    [Fact]
    public void A_draw_holds_distinct_windows_and_draws_cover_the_population()
    {
        var sampler = new WindowSampler(50, new Random(3));
        var seen = new HashSet<int>();
        for (var i = 0; i < 40; i++)
        {
            var drawn = sampler.Draw(20);
            Assert.Equal(20, drawn.Distinct().Count());
            Assert.All(drawn, d => Assert.InRange(d, 0, 49));
            seen.UnionWith(drawn);
        }
        Assert.Equal(50, seen.Count);
    }

    [Fact]
    public void A_draw_larger_than_the_population_repeats_windows()
    {
        var drawn = new WindowSampler(5, new Random(1)).Draw(12);
        Assert.Equal(12, drawn.Length);
        Assert.All(drawn, d => Assert.InRange(d, 0, 4));
        Assert.Throws<ArgumentException>(() => new WindowSampler(0, new Random(1)));
        Assert.Throws<ArgumentException>(() => new WindowSampler(5, new Random(1)).Draw(0));
    }

    [Fact]
    public void A_series_batch_takes_one_channel_per_window_and_masks_rows_past_the_available_ones()
    {
        using var scope = NewDisposeScope();
        // row t, channel c holds 10 t + c
        var series = tensor(Enumerable.Range(0, 20 * 3).Select(i => (float)(10 * (i / 3) + i % 3)).ToArray(), [20, 3]);
        var (x, y, mask) = WindowBatches.SeriesBatch(series, [2, 5], [1, 2], [3, 1], lookback: 4, horizon: 3);
        Assert.Equal(new long[] { 2, 4 }, x.shape);
        Assert.Equal(new[] { 21f, 31f, 41f, 51f }, x[0].data<float>().ToArray());
        Assert.Equal(new[] { 61f, 71f, 81f }, y[0].data<float>().ToArray());
        Assert.Equal(new[] { 52f, 62f, 72f, 82f }, x[1].data<float>().ToArray());
        // window 1 has one target row: the rest repeat it and the mask drops them
        Assert.Equal(new[] { 92f, 92f, 92f }, y[1].data<float>().ToArray());
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 0f, 0f }, mask.data<float>().ToArray());
    }

    [Fact]
    public void Nhits_learns_sines_from_single_channel_windows_and_counts_epochs_in_channel_windows()
    {
        var sines = SyntheticSeries.Sines(400, 3, 16);
        var lines = new List<string>();
        // 281 windows x 3 channels = 843 single-channel windows, 27 steps of 32 to an epoch
        using var f = ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 2, 1], [4, 2, 1], [64, 64]), sines, new RowRange(0, 320), new RowRange(288, 400),
            new ForecastTrainingOptions(Epochs: 6, LearningRate: 5e-3, Patience: 10, WindowsPerStep: 32), lines.Add);
        var t = f.Manifest.Training;
        Assert.Equal((6 * 27, 6), (t.Steps, t.Epochs));
        Assert.True(t.ValidationMse < 0.02, $"validation mse {t.ValidationMse}");
    }

    [Fact]
    public void Single_channel_windows_need_a_network_that_forecasts_single_series()
    {
        var ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.Train(new PatchTstConfig(16, 4, PatchLength: 8, Stride: 4, Layers: 1),
            SyntheticSeries.Sines(200, 2, 16), new RowRange(0, 150), new RowRange(134, 200),
            new ForecastTrainingOptions(Epochs: 1, WindowsPerStep: 8)));
        Assert.Contains("channel-independent network", ex.Message);
        Assert.Contains("windows per step must be at least 1", Assert.Throws<ArgumentException>(() => new ForecastTrainingOptions(WindowsPerStep: 0).Validate()).Message);
    }
}
