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
    }

    [Fact]
    public void Protocol_configs_are_patchtst42_and_nhits_with_five_horizons_of_lookback()
    {
        var p = Assert.IsType<PatchTstConfig>(ForecastBenchmark.ProtocolConfig(ModelSlots.PatchTst, 192));
        Assert.Equal((336, 192, 16, 8, 3, 16, 4, 128, 0.3), (p.Lookback, p.Horizon, p.PatchLength, p.Stride, p.Layers, p.ModelDim, p.Heads, p.FeedForwardDim, p.Dropout));
        var n = Assert.IsType<NhitsConfig>(ForecastBenchmark.ProtocolConfig(ModelSlots.Nhits, 96));
        Assert.Equal(480, n.Lookback);
        Assert.Equal([2, 2, 2], n.PoolKernels);
        Assert.Equal([84, 12, 1], n.FreqDownsample);
        Assert.Equal([512, 512], n.HiddenUnits);
        Assert.Equal((0.5, WindowScaler.Identity, ForecastLoss.Huber, 0.5), (n.Dropout, n.ScalerType, n.Loss, n.HuberDelta));
        // the first stack of the 720 run forecasts 8 knots, one per 3.5 days
        Assert.Equal([8, 60, 720], ((NhitsConfig)ForecastBenchmark.ProtocolConfig(ModelSlots.Nhits, 720)).FreqDownsample.Select(d => NhitsBlock.KnotCount(720, d)));
        Assert.Equal(0.375, ForecastBenchmark.PublishedFor("ETTh1", ModelSlots.PatchTst, 96)!.Mse);
    }

    [Fact]
    public void Nhits_trains_by_steps_with_a_step_decay_and_patchtst_by_epochs_unless_the_options_say_otherwise()
    {
        Assert.Equal(new TrainingSchedule(1000, 100, 3, true, 3e-4, Patience: 10), ForecastBenchmark.ProtocolSchedule(ModelSlots.Nhits));
        Assert.Equal(new TrainingSchedule(null, null, 0, false, Patience: 3), ForecastBenchmark.ProtocolSchedule(ModelSlots.PatchTst));
        var defaults = new ForecastBenchmark().TrainingOptionsFor(ModelSlots.Nhits);
        Assert.Equal((1000, 100, 3, true, 3e-4, 2021L), (defaults.MaxSteps, defaults.ValidationInterval, defaults.LearningRateDecays, defaults.PartialHorizons, defaults.LearningRate, defaults.Seed));
        Assert.Null(new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).LearningRate);
        Assert.Equal((10, 3), (defaults.Patience, new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst).Patience));
        Assert.Equal(2, new ForecastBenchmark(new ForecastBenchmarkOptions(Patience: 2)).TrainingOptionsFor(ModelSlots.Nhits).Patience);
        Assert.Equal(1e-3, new ForecastBenchmark(new ForecastBenchmarkOptions(LearningRate: 1e-3)).TrainingOptionsFor(ModelSlots.Nhits).LearningRate);
        var patch = new ForecastBenchmark().TrainingOptionsFor(ModelSlots.PatchTst);
        Assert.Equal((null, null, 0, false), (patch.MaxSteps, patch.ValidationInterval, patch.LearningRateDecays, patch.PartialHorizons));
        var set = new ForecastBenchmark(new ForecastBenchmarkOptions(MaxSteps: 50, ValidationInterval: 10, LearningRateDecays: 0, PartialHorizons: false)).TrainingOptionsFor(ModelSlots.Nhits);
        Assert.Equal((50, 10, 0, false), (set.MaxSteps, set.ValidationInterval, set.LearningRateDecays, set.PartialHorizons));
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
