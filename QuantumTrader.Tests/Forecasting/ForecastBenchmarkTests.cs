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
        Assert.Equal([2, 2, 1], n.PoolKernels);
        Assert.Equal([4, 2, 1], n.FreqDownsample);
        Assert.Equal([512, 512], n.HiddenUnits);
        Assert.Equal(0.375, ForecastBenchmark.PublishedFor("ETTh1", ModelSlots.PatchTst, 96)!.Mse);
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
