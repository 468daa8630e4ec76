using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

/// <summary>One trading forecaster for several symbols: their return series laid end to end, no window mixing two of them.</summary>
[Collection(TorchCollection.Name)]
public class PooledTrainingTests
{
    private static readonly CloseTrainingOptions Tiny = new(Lookback: 16, Horizon: 4, ValidationFraction: 0.25,
        Training: ForecasterTrainer.TradingTraining with { Epochs = 2 });

    [Fact]
    public void Scaling_over_several_ranges_uses_exactly_their_rows()
    {
        var series = new ChannelSeries(["x"], [1, 2, 100, 10, 20]);
        var scaling = ChannelScaling.Fit(series, [new RowRange(0, 2), new RowRange(3, 5)]);
        // rows 1, 2, 10, 20: mean 8.25, population variance (7.25^2 + 6.25^2 + 1.75^2 + 11.75^2) / 4 = 232.75 / 4 = 58.1875
        Assert.Equal(8.25, scaling.Mean[0], 12);
        Assert.Equal(Math.Sqrt(58.1875), scaling.Std[0], 12);
        Assert.Equal(ChannelScaling.Fit(series, new RowRange(0, 5)), ChannelScaling.Fit(series, [new RowRange(0, 5)]));
    }

    [Fact]
    public void One_series_pooled_is_the_same_training_as_TrainOnCloses()
    {
        var closes = SyntheticSeries.Closes(200, 0.001, 0.01, 12);
        using var single = ForecasterTrainer.TrainOnCloses(closes, ModelSlots.Nhits, Tiny);
        using var pooled = ForecasterTrainer.TrainOnPooledCloses([closes], ModelSlots.Nhits, Tiny);
        Assert.Equal(single.Version, pooled.Version);
        Assert.Null(pooled.Manifest.Training.TrainRanges);
        Assert.Equal(new RowRange(0, 149), pooled.Manifest.Training.Train);
    }

    [Fact]
    public void Each_series_is_split_on_its_own_and_validation_counts_only_windows_inside_one_series()
    {
        var a = SyntheticSeries.Closes(201, 0.002, 0.01, 12);   // 200 returns: train 150, validation 50
        var b = SyntheticSeries.Closes(121, -0.002, 0.02, 8);   // 120 returns: train 90, validation 30
        using var f = ForecasterTrainer.TrainOnPooledCloses([a, b], ModelSlots.Nhits, Tiny);
        var t = f.Manifest.Training;
        Assert.Equal(320, t.SeriesRows);
        Assert.Equal([new RowRange(0, 150), new RowRange(200, 290)], t.TrainRanges!);
        Assert.Equal([new RowRange(150 - 16, 200), new RowRange(290 - 16, 320)], t.ValidationRanges!);
        Assert.Equal(new RowRange(0, 290), t.Train);

        // the recorded validation error is the window-weighted mean of each series' own windows (47 + 27 of them)
        var returns = ForecastSignal.LogReturns(a).Concat(ForecastSignal.LogReturns(b)).ToArray();
        var series = ChannelSeries.Univariate(ForecasterTrainer.LogReturnChannel, returns);
        var first = f.Evaluate(series, new RowRange(134, 200));
        var second = f.Evaluate(series, new RowRange(274, 320));
        Assert.Equal((47, 27), (first.Windows, second.Windows));
        Assert.Equal((first.Mse * 47 + second.Mse * 27) / 74, t.ValidationMse, 5);

        // the scaling comes from the training returns of both series and nothing else
        var trainReturns = returns[..150].Concat(returns[200..290]).ToArray();
        Assert.Equal(trainReturns.Average(), f.Manifest.Scaling.Mean[0], 6);
    }

    [Fact]
    public void A_series_too_short_to_train_is_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.TrainOnPooledCloses(
            [SyntheticSeries.Closes(200, 0, 0.01, 12), SyntheticSeries.Closes(20, 0, 0.01, 12)], ModelSlots.Nhits, Tiny));
        Assert.Contains("series 1: 20 closes are too few for lookback 16 and horizon 4", ex.Message);
        var bad = SyntheticSeries.Closes(200, 0, 0.01, 12);
        bad[7] = -1;
        ex = Assert.Throws<ArgumentException>(() => ForecasterTrainer.TrainOnPooledCloses([SyntheticSeries.Closes(200, 0, 0.01, 12), bad], ModelSlots.Nhits, Tiny));
        Assert.Contains("series 1: closes[7] = -1", ex.Message);
    }
}
