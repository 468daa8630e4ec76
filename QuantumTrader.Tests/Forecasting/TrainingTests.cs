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
    public void Final_weights_are_kept_when_asked_and_scored_by_the_last_validation()
    {
        var rng = new Random(7);
        var noise = new ChannelSeries(["n"], Enumerable.Range(0, 300).Select(_ => (float)rng.NextDouble()).ToArray());
        var validation = new RowRange(184, 300);
        var options = new ForecastTrainingOptions(Epochs: 40, BatchSize: 8, LearningRate: 1e-2, Patience: 2);
        var config = new NhitsConfig(16, 4, [2, 1], [2, 1], [64]);
        using var best = ForecasterTrainer.Train(config, noise, new RowRange(0, 200), validation, options);
        using var final = ForecasterTrainer.Train(config, noise, new RowRange(0, 200), validation, options with { KeepFinalWeights = true });
        var t = final.Manifest.Training;
        // the same seed runs the same epochs; only the kept weights differ: the last epoch's, two epochs past the best
        Assert.Equal(best.Manifest.Training.Epochs, t.Epochs);
        Assert.Equal(t.Epochs, t.BestEpoch);
        Assert.Equal(t.Steps, t.BestStep);
        Assert.True(t.ValidationMse > best.Manifest.Training.ValidationMse, $"final {t.ValidationMse}, best {best.Manifest.Training.ValidationMse}");
        Assert.NotEqual(best.Version, final.Version);
        var again = final.Evaluate(noise, validation);
        Assert.Equal(t.ValidationMse, again.Mse, 5);
        Assert.Equal(t.ValidationMae, again.Mae, 5);
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
    public void Max_steps_caps_training_and_validation_runs_every_interval_and_after_the_last_step()
    {
        var lines = new List<string>();
        // 281 windows in batches of 16 make 18 steps per epoch; 7 steps end inside the first epoch
        using var f = ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 1], [2, 1], [16]), Sine, Train, Validation,
            new ForecastTrainingOptions(Epochs: 10, BatchSize: 16, LearningRate: 1e-3, Patience: 5, MaxSteps: 7, ValidationInterval: 3), lines.Add);
        var t = f.Manifest.Training;
        Assert.Equal((7, 1), (t.Steps, t.Epochs));
        Assert.Equal(3, lines.Count);
        Assert.Contains("step 3/7", lines[0]);
        Assert.Contains("step 6/7", lines[1]);
        Assert.Contains("step 7/7", lines[2]);
        Assert.Contains(t.BestStep, new[] { 3, 6, 7 });
    }

    [Fact]
    public void Step_decay_halves_the_learning_rate_evenly_over_the_planned_steps()
    {
        var options = new ForecastTrainingOptions(Epochs: 10, MaxSteps: 1000, LearningRateDecays: 3);
        Assert.Equal(1000, options.PlannedSteps(stepsPerEpoch: 250));
        Assert.Equal(333, options.DecayInterval(1000));
        // without a step cap the plan is every batch of every epoch
        Assert.Equal(150, (options with { MaxSteps = null }).PlannedSteps(stepsPerEpoch: 15));
        Assert.Equal(int.MaxValue, (options with { LearningRateDecays = 0 }).DecayInterval(1000));
        Assert.Equal(1, (options with { LearningRateDecays = 5 }).DecayInterval(3));
    }

    [Fact]
    public void Partial_horizons_add_the_windows_cut_short_by_the_end_of_the_training_rows()
    {
        // rows [0, 44) with lookback 32 and horizon 8: 5 whole windows, and 12 whose look-back fits and whose horizon has at least one row
        var rows = new RowRange(0, 44);
        Assert.Equal((5, 12), (rows.WindowCount(32, 8), rows.PartialWindowCount(32)));
        var config = new NhitsConfig(32, 8, [2, 1], [2, 1], [16]);
        int StepsOfOneEpoch(bool partial)
        {
            using var f = ForecasterTrainer.Train(config, Sine, rows, Validation,
                new ForecastTrainingOptions(Epochs: 1, BatchSize: 1, LearningRate: 1e-3, PartialHorizons: partial));
            Assert.True(double.IsFinite(f.Manifest.Training.TrainMse));
            return f.Manifest.Training.Steps;
        }
        Assert.Equal(5, StepsOfOneEpoch(false));
        Assert.Equal(12, StepsOfOneEpoch(true));
        // rows [0, 36) hold no whole window but 4 partial ones
        Assert.Contains("hold no window", Assert.Throws<ArgumentException>(() => ForecasterTrainer.Train(config, Sine, new RowRange(0, 36), Validation,
            new ForecastTrainingOptions(Epochs: 1, BatchSize: 4))).Message);
        using var shortRows = ForecasterTrainer.Train(config, Sine, new RowRange(0, 36), Validation,
            new ForecastTrainingOptions(Epochs: 1, BatchSize: 4, PartialHorizons: true));
        Assert.Equal(1, shortRows.Manifest.Training.Steps);
    }

    [Fact]
    public void A_masked_loss_scores_only_the_rows_the_mask_keeps()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        // two windows of horizon 2, one channel: errors (1, 5) and (2, 3); the mask drops the second row of the first window
        var forecast = TorchSharp.torch.tensor(new float[] { 1, 5, 2, 3 }, [2, 2, 1]);
        var target = TorchSharp.torch.zeros(2, 2, 1);
        var mask = TorchSharp.torch.tensor(new float[] { 1, 0, 1, 1 }, [2, 2, 1]);
        Assert.Equal((1 + 4 + 9) / 3.0, ForecastLoss.Compute(ForecastLoss.Mse, 1, forecast, target, mask).item<float>(), 5);
        Assert.Equal((1 + 2 + 3) / 3.0, ForecastLoss.Compute(ForecastLoss.Mae, 1, forecast, target, mask).item<float>(), 5);
        // Huber with delta 1: 0.5 * 1, then 1 * (2 - 0.5) and 1 * (3 - 0.5)
        Assert.Equal((0.5 + 1.5 + 2.5) / 3, ForecastLoss.Compute(ForecastLoss.Huber, 1, forecast, target, mask).item<float>(), 5);
    }

    [Fact]
    public void Schedule_options_are_validated_with_their_names()
    {
        Assert.Contains("max steps must be at least 1", Assert.Throws<ArgumentException>(() => new ForecastTrainingOptions(MaxSteps: 0).Validate()).Message);
        Assert.Contains("validation interval must be at least 1", Assert.Throws<ArgumentException>(() => new ForecastTrainingOptions(ValidationInterval: 0).Validate()).Message);
        Assert.Contains("learning rate decays must be zero or more", Assert.Throws<ArgumentException>(() => new ForecastTrainingOptions(LearningRateDecays: -1).Validate()).Message);
    }

    [Fact]
    public void The_trainer_minimises_the_loss_the_nhits_config_names()
    {
        // one step from the same seed: same initial weights and first batch, so the recorded losses are three views of the same errors e
        double FirstLoss(string loss)
        {
            using var f = ForecasterTrainer.Train(new NhitsConfig(32, 8, [2, 1], [2, 1], [16], Loss: loss, HuberDelta: 0.5), Sine, Train, Validation,
                new ForecastTrainingOptions(Epochs: 1, BatchSize: 16, LearningRate: 1e-3, MaxSteps: 1));
            return f.Manifest.Training.TrainMse;
        }
        var mse = FirstLoss(ForecastLoss.Mse);
        var mae = FirstLoss(ForecastLoss.Mae);
        var huber = FirstLoss(ForecastLoss.Huber);
        Assert.True(mae * mae <= mse + 1e-9, $"mean |e| = {mae} squared exceeds mean e^2 = {mse}");
        Assert.True(huber <= mse / 2 + 1e-9, $"huber {huber} above mean e^2 / 2 = {mse / 2}");
        // with delta 0.5 the Huber loss of any non-zero error is below |e| / 2
        Assert.True(huber < mae / 2, $"huber {huber} not below mean |e| / 2 = {mae / 2}");
        Assert.Equal(3, new[] { mse, mae, huber }.Distinct().Count());
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
