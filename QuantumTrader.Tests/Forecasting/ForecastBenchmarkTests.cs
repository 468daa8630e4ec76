using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class ForecastBenchmarkTests
{
    /// <summary>20 months of daily rows (the split is 360/480/600 rows), seven smooth channels with different scales.</summary>
    private static EttData Synthetic()
    {
        var sines = SyntheticSeries.Sines(600, 7, 24);
        var values = sines.Values.Select((v, i) => v * (1 + i % 7) + 10 * (i % 7)).ToArray();
        return new EttData("ETTsynthetic", new ChannelSeries(EttDataset.Channels, values), new DateTime(2016, 7, 1), TimeSpan.FromDays(1));
    }

    [Fact]
    public void Runs_the_protocol_and_reports_standardised_test_errors()
    {
        var log = new List<string>();
        var bench = new ForecastBenchmark(new ForecastBenchmarkOptions(Epochs: 3, BatchSize: 16, LearningRate: 1e-3, MaxTrainWindows: 128), log.Add);
        var result = bench.Run(Synthetic(), [2], [ModelSlots.Nhits]);
        Assert.Equal("ETTsynthetic", result.Dataset);
        var r = Assert.Single(result.Results);
        Assert.Equal((ModelSlots.Nhits, 2, 3), (r.Model, r.Horizon, r.Epochs));
        // repeating the last value scores 4 sin^2(pi h / 24) on a standardised sine, 0.068 and 0.268 for h = 1, 2; the model must do far better
        var naive = (4 * Math.Pow(Math.Sin(Math.PI / 24), 2) + 4 * Math.Pow(Math.Sin(2 * Math.PI / 24), 2)) / 2;
        Assert.InRange(r.Mse, 0, naive / 10);
        Assert.InRange(r.Mae, 0, Math.Sqrt(naive) / 3);
        Assert.True(r.TrainSeconds > 0);
        Assert.Contains(log, l => l.Contains("test mse"));
        Assert.Equal(NaiveForecasts.Names, r.Baselines!.Select(b => b.Forecast));
        Assert.Equal(naive, r.Baselines!.Single(b => b.Forecast == "last").TestMse, 2);
    }

    [Fact]
    public void Protocol_configs_are_patchtst42_and_nhits_as_neuralforecasts_experiment()
    {
        var p = Assert.IsType<PatchTstConfig>(ForecastBenchmark.ProtocolConfig(ModelSlots.PatchTst, 192));
        Assert.Equal((336, 192, 16, 8, 3, 16, 4, 128, 0.3), (p.Lookback, p.Horizon, p.PatchLength, p.Stride, p.Layers, p.ModelDim, p.Heads, p.FeedForwardDim, p.Dropout));
        var n = Assert.IsType<NhitsConfig>(ForecastBenchmark.ProtocolConfig(ModelSlots.Nhits, 96));
        Assert.Equal(672, n.Lookback);
        Assert.Equal([2, 2, 2], n.PoolKernels);
        Assert.Equal([84, 12, 1], n.FreqDownsample);
        Assert.Equal([512, 512, 512], n.HiddenUnits);
        Assert.True(n.InputProjection);
        Assert.Equal((0.5, WindowScaler.Identity, ForecastLoss.Huber, 0.5), (n.Dropout, n.ScalerType, n.Loss, n.HuberDelta));
        // the first stack of the 720 run forecasts 8 knots, one per 3.5 days
        Assert.Equal([8, 60, 720], ((NhitsConfig)ForecastBenchmark.ProtocolConfig(ModelSlots.Nhits, 720)).FreqDownsample.Select(d => NhitsBlock.KnotCount(720, d)));
        Assert.Equal(0.375, ForecastBenchmark.PublishedFor("ETTh1", ModelSlots.PatchTst, 96)!.Mse);
    }

    [Fact]
    public void Nhits_trains_by_steps_on_drawn_windows_and_patchtst_by_epochs_unless_the_options_say_otherwise()
    {
        Assert.Equal(new TrainingSchedule(1000, 100, 3, true, 1e-3, Patience: 10, WindowsPerStep: 256, ScaleOnValidationMonths: true, Epochs: 1000),
            ForecastBenchmark.ProtocolSchedule(ModelSlots.Nhits));
        Assert.Equal(new TrainingSchedule(null, null, 0, false, Patience: 3), ForecastBenchmark.ProtocolSchedule(ModelSlots.PatchTst));
        var defaults = new ForecastBenchmark().TrainingOptionsFor(ModelSlots.Nhits);
        Assert.Equal((1000, 100, 3, true, 1e-3, 2021L, 256), (defaults.MaxSteps, defaults.ValidationInterval, defaults.LearningRateDecays, defaults.PartialHorizons,
            defaults.LearningRate, defaults.Seed, defaults.WindowsPerStep));
        // 7 channels x 3600 windows at horizon 720 make 99 steps of 256 an epoch: ten epochs would stop N-HiTS at 990 of its 1000 steps
        Assert.Equal(1000, defaults.PlannedSteps(stepsPerEpoch: 99));
        Assert.Equal(10, new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).Epochs);
        Assert.Equal(3, new ForecastBenchmark(new ForecastBenchmarkOptions(Epochs: 3)).TrainingOptionsFor(ModelSlots.Nhits).Epochs);
        // the benchmark standardises the series itself (on the months the protocol names), so the trainer must not again
        Assert.False(defaults.Standardize);
        Assert.Null(new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).LearningRate);
        Assert.Null(new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).WindowsPerStep);
        Assert.Equal((10, 3), (defaults.Patience, new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).Patience));
        Assert.Equal(2, new ForecastBenchmark(new ForecastBenchmarkOptions(Patience: 2)).TrainingOptionsFor(ModelSlots.Nhits).Patience);
        Assert.Equal(1e-4, new ForecastBenchmark(new ForecastBenchmarkOptions(LearningRate: 1e-4)).TrainingOptionsFor(ModelSlots.Nhits).LearningRate);
        Assert.Equal(64, new ForecastBenchmark(new ForecastBenchmarkOptions(BatchSize: 64)).TrainingOptionsFor(ModelSlots.Nhits).WindowsPerStep);
        var patch = new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst);
        Assert.Equal((null, null, 0, false), (patch.MaxSteps, patch.ValidationInterval, patch.LearningRateDecays, patch.PartialHorizons));
        var set = new ForecastBenchmark(new ForecastBenchmarkOptions(MaxSteps: 50, ValidationInterval: 10, LearningRateDecays: 0, PartialHorizons: false)).TrainingOptionsFor(ModelSlots.Nhits);
        Assert.Equal((50, 10, 0, false), (set.MaxSteps, set.ValidationInterval, set.LearningRateDecays, set.PartialHorizons));
    }

    [Fact]
    public void Nhits_errors_are_also_given_in_units_of_the_training_months()
    {
        // channels standardised on rows [0, 480) for N-HiTS, [0, 360) for the conversion: the ratio of the two variances per channel
        var data = Synthetic();
        var split = EttSplit.Standard(data.Interval);
        Assert.Equal(new RowRange(0, 480), split.BeforeTest);
        var result = new ForecastBenchmark(new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64)).Run(data, [2], [ModelSlots.Nhits]);
        var r = Assert.Single(result.Results);
        var before = ChannelScaling.Fit(data.Series, split.BeforeTest);
        var training = ChannelScaling.Fit(data.Series, split.Train);
        var ratios = before.Std.Select((s, c) => Math.Pow(s / training.Std[c], 2)).ToArray();
        Assert.InRange(r.TrainingUnitsMse, r.Mse * ratios.Min() - 1e-12, r.Mse * ratios.Max() + 1e-12);
        Assert.True(double.IsFinite(r.ValidationMse));
        Assert.Null(r.Search);
    }

    /// <summary>The literal protocol: look-back 5 x horizon, channels standardised on the training months alone.</summary>
    [Fact]
    public void The_look_back_factor_and_the_scaling_months_can_be_set()
    {
        var data = Synthetic();
        var split = EttSplit.Standard(data.Interval);
        var options = new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64);
        var protocol = Assert.Single(new ForecastBenchmark(options).Run(data, [2], [ModelSlots.Nhits]).Results);
        Assert.Equal((14, split.BeforeTest), (protocol.Lookback, protocol.ScaledOn));

        var literal = Assert.Single(new ForecastBenchmark(options with { NhitsLookbackFactor = 5, ScaleOnValidationMonths = false })
            .Run(data, [2], [ModelSlots.Nhits]).Results);
        Assert.Equal((10, split.Train), (literal.Lookback, literal.ScaledOn));
        // standardised on the training months, its errors already are in training-month units
        Assert.Equal(literal.Mse, literal.TrainingUnitsMse, 12);
        Assert.Equal(literal.Mae, literal.TrainingUnitsMae, 12);
        Assert.Contains("look-back factor must be at least 1",
            Assert.Throws<ArgumentException>(() => new ForecastBenchmark(options with { NhitsLookbackFactor = 0 }).Run(data, [2], [ModelSlots.Nhits])).Message);
    }

    [Fact]
    public void The_search_draws_trials_from_neuralforecasts_space_reproducibly()
    {
        var space = NhitsSearchSpace.LongHorizon;
        var trials = space.Sample(200, new Random(5));
        Assert.All(trials, t =>
        {
            Assert.InRange(t.LearningRate, 1e-5, 5e-3);
            Assert.Contains(t.MaxSteps, new[] { 200, 1000 });
            Assert.Contains(space.PoolKernels, k => k.SequenceEqual(t.PoolKernels));
            Assert.Contains(space.FreqDownsample, d => d.SequenceEqual(t.FreqDownsample));
            Assert.InRange(t.Seed, 1, 9);
        });
        // log-uniform: about as many draws below the geometric middle of the range as above it
        Assert.InRange(trials.Count(t => t.LearningRate < Math.Sqrt(1e-5 * 5e-3)), 70, 130);
        Assert.Equal(space.Sample(6, new Random(5)), trials.Take(6));
        Assert.Throws<ArgumentException>(() => space.Sample(0, new Random(5)));
    }

    [Fact]
    public void The_search_keeps_the_trial_with_the_lowest_validation_error()
    {
        var log = new List<string>();
        // one epoch of 64 drawn windows caps every trial at 4 steps, whatever steps the trial asks for
        var bench = new ForecastBenchmark(new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64, SearchTrials: 3), log.Add);
        var r = Assert.Single(bench.Run(Synthetic(), [3], [ModelSlots.Nhits]).Results); // look-back 21 fits the longest kernel, 16
        Assert.Equal(3, r.Search!.Count);
        var best = r.Search.MinBy(t => t.ValidationMse)!;
        Assert.Equal(best.Trial, r.Selected);
        Assert.Equal(best.ValidationMse, r.ValidationMse);
        Assert.Equal(NhitsSearchSpace.LongHorizon.Sample(3, new Random(2021)), r.Search.Select(t => t.Trial));
        Assert.True(r.SearchSeconds >= r.Search.Sum(t => t.TrainSeconds) - 1e-9);
        // only the selected model meets the test months
        Assert.Single(log, l => l.Contains("test mse"));
        Assert.Equal(3, log.Count(l => l.Contains("trial") && l.Contains("validation mse")));
    }

    [Fact]
    public void Neuralforecasts_rule_selects_on_validation_mae_and_keeps_the_final_weights()
    {
        var options = new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64, SearchTrials: 4, SelectOn: ValidationMetric.Mae, KeepFinalWeights: true);
        var r = Assert.Single(new ForecastBenchmark(options).Run(Synthetic(), [3], [ModelSlots.Nhits]).Results);
        var byMae = r.Search!.MinBy(t => t.ValidationMae)!;
        Assert.Equal(byMae.Trial, r.Selected);
        Assert.Equal(byMae.ValidationMse, r.ValidationMse);
        Assert.True(new ForecastBenchmark(options).TrainingOptionsFor(ModelSlots.Nhits).KeepFinalWeights);
        Assert.False(new ForecastBenchmark().TrainingOptionsFor(ModelSlots.Nhits).KeepFinalWeights);
    }

    [Fact]
    public void A_refit_trains_the_selected_trial_on_the_training_and_validation_months()
    {
        var log = new List<string>();
        var data = Synthetic();
        var split = EttSplit.Standard(data.Interval);
        var options = new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64, SearchTrials: 3, SelectOn: ValidationMetric.Mae, KeepFinalWeights: true);
        var searched = Assert.Single(new ForecastBenchmark(options).Run(data, [3], [ModelSlots.Nhits]).Results);
        var refitted = Assert.Single(new ForecastBenchmark(options with { RefitWithValidation = true }, log.Add).Run(data, [3], [ModelSlots.Nhits]).Results);

        Assert.Equal(split.Train, searched.TrainRows);
        Assert.Equal(split.BeforeTest, refitted.TrainRows);
        // the same search selects the same trial; the validation error reported is the search's, not the refit's in-sample one
        Assert.Equal(searched.Selected, refitted.Selected);
        Assert.Equal(searched.ValidationMse, refitted.ValidationMse);
        Assert.NotEqual(searched.Mse, refitted.Mse);
        Assert.Single(log, l => l.Contains("refitting the selected trial on rows [0, " + split.ValidationEnd + ")"));
        Assert.Contains("needs a search", Assert.Throws<ArgumentException>(() =>
            new ForecastBenchmarkOptions(RefitWithValidation: true).Validate()).Message);
    }

    [Fact]
    public void A_search_split_across_processes_runs_the_same_draws_in_parts()
    {
        // the draws are a prefix-stable sequence: the first 3 of a 5-trial search are a 3-trial search
        Assert.Equal(NhitsSearchSpace.LongHorizon.Sample(3, new Random(2021)), NhitsSearchSpace.LongHorizon.Sample(5, new Random(2021)).Take(3));
        var options = new ForecastBenchmarkOptions(Epochs: 1, BatchSize: 16, MaxTrainWindows: 64, SearchTrials: 3, SearchFirstTrial: 2);
        var r = Assert.Single(new ForecastBenchmark(options).Run(Synthetic(), [3], [ModelSlots.Nhits]).Results);
        Assert.Equal(NhitsSearchSpace.LongHorizon.Sample(3, new Random(2021)).Skip(1), r.Search!.Select(t => t.Trial));
        Assert.Equal(r.Search!.MinBy(t => t.ValidationMse)!.Trial, r.Selected);
        Assert.Contains("1 to 3, got 4", Assert.Throws<ArgumentException>(() => (options with { SearchFirstTrial = 4 }).Validate()).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentException>(() => (options with { SearchFirstTrial = 0 }).Validate()).Message);
    }

    [Fact]
    public void A_search_leaves_the_learning_rate_and_steps_to_itself()
    {
        Assert.Contains("leave them unset", Assert.Throws<ArgumentException>(() =>
            new ForecastBenchmark(new ForecastBenchmarkOptions(SearchTrials: 2, LearningRate: 1e-3)).Run(Synthetic(), [2], [ModelSlots.Nhits])).Message);
        Assert.Contains("at least one trial", Assert.Throws<ArgumentException>(() =>
            new ForecastBenchmark(new ForecastBenchmarkOptions(SearchTrials: 0)).Run(Synthetic(), [2], [ModelSlots.Nhits])).Message);
    }

    [Fact]
    public void Unknown_models_and_short_files_are_refused()
    {
        var bench = new ForecastBenchmark();
        Assert.Contains("unknown forecasting model 'lstm'", Assert.Throws<ArgumentException>(() => bench.Run(Synthetic(), [96], ["lstm"])).Message);
        // PatchTST's look-back of 336 does not fit 360 training rows with horizon 96
        Assert.Contains("needs look-back 336", Assert.Throws<ArgumentException>(() => bench.Run(Synthetic(), [96], [ModelSlots.PatchTst])).Message);
        var shortData = new EttData("short", SyntheticSeries.Sines(1000, 7, 24), DateTime.UnixEpoch, TimeSpan.FromHours(1));
        Assert.Contains("short has 1000 rows; the 12/4/4-month split needs 14400", Assert.Throws<ArgumentException>(() => bench.Run(shortData, [96])).Message);
    }
}
