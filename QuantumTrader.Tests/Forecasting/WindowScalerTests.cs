using QuantumTrader.Models.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class WindowScalerTests
{
    [Fact]
    public void Standard_shifts_by_the_mean_and_scales_by_the_population_std_of_each_row()
    {
        using var scope = NewDisposeScope();
        // row 0 = 1..6, row 1 = 10 * (1..6) + 5
        var x = tensor(new float[] { 1, 2, 3, 4, 5, 6, 15, 25, 35, 45, 55, 65 }, [2, 6]);
        var (n, stats) = WindowScaler.Normalize(WindowScaler.Standard, x);
        Assert.Equal(3.5, stats.Shift[0, 0].item<float>(), 5);
        Assert.Equal(40.0, stats.Shift[1, 0].item<float>(), 4);
        Assert.Equal(Math.Sqrt(35.0 / 12), stats.Scale[0, 0].item<float>(), 5);
        Assert.Equal(10 * Math.Sqrt(35.0 / 12), stats.Scale[1, 0].item<float>(), 4);
        Assert.Equal(-2.5 / Math.Sqrt(35.0 / 12), n[0, 0].item<float>(), 5);
        // both rows are the same shape, so they normalise to the same values
        Assert.True(allclose(n[0], n[1], atol: 1e-5));
    }

    [Fact]
    public void Robust_uses_the_median_and_the_median_absolute_deviation_so_a_spike_does_not_move_them()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, 2, 3, 4, 100 }, [1, 5]);
        var (n, stats) = WindowScaler.Normalize(WindowScaler.Robust, x);
        // median 3; deviations 2, 1, 0, 1, 97 have median 1
        Assert.Equal(3f, stats.Shift[0, 0].item<float>());
        Assert.Equal(1f, stats.Scale[0, 0].item<float>());
        Assert.Equal(new[] { -2f, -1f, 0f, 1f, 97f }, n[0].data<float>().ToArray());
        // an even length takes the lower of the two middle values: median of 1, 2, 10, 20 is 2, deviations 1, 0, 8, 18 give 1
        var (_, even) = WindowScaler.Normalize(WindowScaler.Robust, tensor(new float[] { 20, 1, 10, 2 }, [1, 4]));
        Assert.Equal((2f, 1f), (even.Shift[0, 0].item<float>(), even.Scale[0, 0].item<float>()));
    }

    [Theory]
    [InlineData(WindowScaler.Identity)]
    [InlineData(WindowScaler.Standard)]
    [InlineData(WindowScaler.Robust)]
    public void Denormalize_after_normalize_returns_the_input(string kind)
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            var x = randn(4, 30) * 7 + 100;
            var (n, stats) = WindowScaler.Normalize(kind, x);
            Assert.True(allclose(WindowScaler.Denormalize(n, stats), x, rtol: 1e-5, atol: 1e-3));
            if (kind == WindowScaler.Identity) Assert.Same(x, n);
            else Assert.True(n.abs().mean().item<float>() < 5, "normalised values are on a unit scale");
        }, seed: 8);
    }

    [Fact]
    public void A_flat_window_keeps_scale_one_so_its_forecast_is_not_squashed()
    {
        using var scope = NewDisposeScope();
        var (n, stats) = WindowScaler.Normalize(WindowScaler.Standard, full(1, 8, 4.5f));
        Assert.Equal(1f, stats.Scale[0, 0].item<float>());
        Assert.Equal(0f, n.abs().max().item<float>());
        Assert.Equal(new[] { 5.5f, 3.5f }, WindowScaler.Denormalize(tensor(new float[] { 1, -1 }, [1, 2]), stats).data<float>().ToArray());
    }

    [Fact]
    public void An_unknown_kind_or_a_wrong_shape_is_refused_with_the_reason()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("unknown kind 'minmax'", Assert.Throws<ArgumentException>(() => WindowScaler.Normalize("minmax", zeros(2, 3))).Message);
        Assert.Contains("expected series [rows, time], got [2, 3, 1]", Assert.Throws<ArgumentException>(() => WindowScaler.Normalize(WindowScaler.Standard, zeros(2, 3, 1))).Message);
    }

    [Fact]
    public void Nhits_with_a_window_scaler_forecasts_an_affine_copy_of_the_input_as_the_same_affine_copy()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            using var net = new NhitsConfig(24, 6, [2, 2, 1], [3, 2, 1], [16], ScalerType: WindowScaler.Standard).Build(channels: 2);
            net.eval();
            using var noGrad = no_grad();
            var x = randn(3, 24, 2);
            var y = net.call(x);
            var moved = net.call(x * 4 + 50);
            Assert.True(allclose(moved, y * 4 + 50, rtol: 1e-4, atol: 1e-3), $"max difference {(moved - (y * 4 + 50)).abs().max().item<float>()}");
        }, seed: 6);
    }

    [Fact]
    public void Losses_match_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        var forecast = tensor(new float[] { 0.2f, 1.0f });
        var target = zeros(2);
        Assert.Equal(0.52, ForecastLoss.Compute(ForecastLoss.Mse, 1.0, forecast, target).item<float>(), 5);
        Assert.Equal(0.6, ForecastLoss.Compute(ForecastLoss.Mae, 1.0, forecast, target).item<float>(), 5);
        // Huber with delta 0.5: 0.5 * 0.2^2 = 0.02 inside, 0.5 * (1.0 - 0.25) = 0.375 beyond; mean 0.1975
        Assert.Equal(0.1975, ForecastLoss.Compute(ForecastLoss.Huber, 0.5, forecast, target).item<float>(), 5);
        Assert.Contains("unknown training loss 'l3'", Assert.Throws<ArgumentException>(() => ForecastLoss.Compute("l3", 1.0, forecast, target)).Message);
    }

    [Fact]
    public void Nhits_config_refuses_unknown_scalers_and_losses_and_a_bad_huber_delta()
    {
        var ok = new NhitsConfig(20, 4, [2, 1], [2, 1], [8]);
        Assert.Contains("ScalerType 'revin' is unknown", Assert.Throws<ArgumentException>(() => (ok with { ScalerType = "revin" }).Validate()).Message);
        Assert.Contains("Loss 'quantile' is unknown", Assert.Throws<ArgumentException>(() => (ok with { Loss = "quantile" }).Validate()).Message);
        Assert.Contains("HuberDelta must be positive", Assert.Throws<ArgumentException>(() => (ok with { HuberDelta = 0 }).Validate()).Message);
        Assert.Contains("HuberDelta must be positive", Assert.Throws<ArgumentException>(() => (ok with { HuberDelta = double.NaN }).Validate()).Message);
        (ok with { ScalerType = WindowScaler.Robust, Loss = ForecastLoss.Huber, HuberDelta = 0.5 }).Validate();
    }
}
