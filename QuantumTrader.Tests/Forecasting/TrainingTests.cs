using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class TrainingTests
{
    private static readonly ChannelSeries Sine = SyntheticSeries.Sines(400, 1, 16);
    private static readonly RowRange Train = new(0, 320);
    private static readonly RowRange Validation = new(320 - 32, 400);

    [Fact]
    public void Nhits_overfits_a_sine()
    {
        var config = new NhitsConfig(32, 8, [2, 2, 1], [4, 2, 1], [64, 64]);
        using var f = ForecasterTrainer.Train(config, Sine, Train, Validation,
            new ForecastTrainingOptions(Epochs: 10, BatchSize: 16, LearningRate: 5e-3, Patience: 10));
        // the standardised sine has variance 1, so 0.01 is 1% of it
        Assert.True(f.Manifest.Training.TrainMse < 0.01, $"train mse {f.Manifest.Training.TrainMse}");
        Assert.True(f.Manifest.Training.ValidationMse < 0.01, $"validation mse {f.Manifest.Training.ValidationMse}");
    }

    [Fact]
    public void PatchTst_overfits_a_sine()
    {
        var config = new PatchTstConfig(32, 8, PatchLength: 8, Stride: 4, Layers: 2, Dropout: 0.0);
        using var f = ForecasterTrainer.Train(config, Sine, Train, Validation,
            new ForecastTrainingOptions(Epochs: 10, BatchSize: 16, LearningRate: 5e-3, Patience: 10));
        Assert.True(f.Manifest.Training.TrainMse < 0.02, $"train mse {f.Manifest.Training.TrainMse}");
        Assert.True(f.Manifest.Training.ValidationMse < 0.02, $"validation mse {f.Manifest.Training.ValidationMse}");
    }

    [Fact]
    public void Forecast_continues_the_sine_in_raw_units()
    {
        var raw = SyntheticSeries.Sines(400, 1, 16);
        var shifted = new ChannelSeries(raw.Channels, raw.Values.Select(v => v * 5 + 100).ToArray());
        using var f = ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 2, 1], [4, 2, 1], [64, 64]), shifted, Train, Validation,
            new ForecastTrainingOptions(Epochs: 10, BatchSize: 16, LearningRate: 5e-3, Patience: 10));
        var window = Enumerable.Range(360, 32).Select(t => (double)shifted[t, 0]).ToArray();
        var forecast = f.ForecastUnivariate(window);
        for (var h = 0; h < 8; h++)
            Assert.InRange(forecast[h], 100 + 5 * Math.Sin(2 * Math.PI * (392 + h) / 16) - 0.5, 100 + 5 * Math.Sin(2 * Math.PI * (392 + h) / 16) + 0.5);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement_and_keeps_the_best()
    {
        // pure noise: validation cannot keep improving, and a high learning rate makes it worse quickly
        var rng = new Random(7);
        var noise = new ChannelSeries(["n"], Enumerable.Range(0, 300).Select(_ => (float)rng.NextDouble()).ToArray());
        var epochs = new List<string>();
        using var f = ForecasterTrainer.Train(new NhitsConfig(16, 4, [2, 1], [2, 1], [64]), noise, new RowRange(0, 200), new RowRange(184, 300),
            new ForecastTrainingOptions(Epochs: 40, BatchSize: 8, LearningRate: 1e-2, Patience: 2), epochs.Add);
        var t = f.Manifest.Training;
        Assert.True(t.Epochs < 40);
        Assert.Equal(t.BestEpoch + 2, t.Epochs);
        Assert.Equal(t.Epochs, epochs.Count);
        // the kept weights are the best epoch's: re-evaluating gives the recorded validation error
        var again = f.Evaluate(noise, new RowRange(184, 300));
        Assert.Equal(t.ValidationMse, again.Mse, 5);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_version_and_another_seed_does_not()
    {
        var config = new PatchTstConfig(16, 4, PatchLength: 8, Stride: 4, Layers: 1);
        var options = new ForecastTrainingOptions(Epochs: 2, BatchSize: 16, LearningRate: 1e-3, Seed: 11);
        using var a = ForecasterTrainer.Train(config, Sine, Train, Validation, options);
        using var b = ForecasterTrainer.Train(config, Sine, Train, Validation, options);
        using var c = ForecasterTrainer.Train(config, Sine, Train, Validation, options with { Seed = 12 });
        Assert.Equal(a.Version, b.Version);
        Assert.StartsWith("patchtst-", a.Version);
        Assert.NotEqual(a.Version, c.Version);
    }

    [Fact]
    public void Max_train_windows_limits_each_epoch()
    {
        var lines = new List<string>();
        using var f = ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 1], [2, 1], [16]), Sine, Train, Validation,
            new ForecastTrainingOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 20), lines.Add);
        Assert.Equal(1, f.Manifest.Training.Epochs);
        Assert.Equal(20, f.Manifest.Training.Options.MaxTrainWindows);
    }

    [Fact]
    public void A_diverging_training_fails_instead_of_keeping_broken_weights()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 1], [2, 1], [16]), Sine, Train, Validation,
            new ForecastTrainingOptions(Epochs: 2, BatchSize: 16, LearningRate: 1e30)));
        Assert.Contains("training diverged", ex.Message);
    }

    [Fact]
    public void Ranges_without_a_window_are_rejected_with_the_rows_and_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 1], [2, 1], [16]), Sine,
            new RowRange(0, 39), Validation));
        Assert.Contains("training rows [0, 39)", ex.Message);
        Assert.Contains("lookback 32 + horizon 8", ex.Message);
    }

    [Fact]
    public void TrainOnCloses_learns_log_returns_and_records_the_transform()
    {
        var closes = SyntheticSeries.Closes(600, 0.0, 0.01, 24);
        using var f = ForecasterTrainer.TrainOnCloses(closes, ModelSlots.Nhits,
            new CloseTrainingOptions(Lookback: 24, Horizon: 6, Training: ForecasterTrainer.TradingTraining with { Epochs = 8 }));
        Assert.Equal(SeriesTransforms.LogReturn, f.Manifest.Transform);
        Assert.Equal([ForecasterTrainer.LogReturnChannel], f.Manifest.Channels);
        Assert.Equal(599, f.Manifest.Training.SeriesRows);
        Assert.Equal(new RowRange(0, 479), f.Manifest.Training.Train);
        Assert.Equal(new RowRange(479 - 24, 599), f.Manifest.Training.Validation);
        Assert.True(f.Manifest.Training.ValidationMse < 0.1, $"validation mse {f.Manifest.Training.ValidationMse}");
    }

    [Fact]
    public void TrainOnCloses_rejects_a_non_positive_close_by_index()
    {
        var closes = SyntheticSeries.Closes(600, 0.0, 0.01, 24);
        closes[123] = 0;
        var ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.TrainOnCloses(closes, ModelSlots.PatchTst));
        Assert.Contains("closes[123] = 0", ex.Message);
    }

    [Fact]
    public void TrainOnCloses_rejects_too_few_closes()
    {
        var ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.TrainOnCloses(SyntheticSeries.Closes(60, 0, 0.01, 24), ModelSlots.Nhits));
        Assert.Contains("60 closes are too few for lookback 64 and horizon 8", ex.Message);
    }
}
