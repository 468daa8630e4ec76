using QuantumTrader.Models.Forecasting;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public sealed class TorchRandomTests
{
    /// <summary>
    /// A node trains a forecaster on the retraining driver's thread while its registry may open another for serving (an A/B
    /// test's end or a rollback comes from the trade feed): opening builds a module, which draws from torch's generator.
    /// </summary>
    [Fact]
    public async Task A_seeded_training_gives_the_same_weights_while_other_threads_open_forecasters()
    {
        var series = SyntheticSeries.Sines(400, 2, 10);
        var config = new NhitsConfig(32, 4, [2, 2, 1], [4, 2, 1], [64, 64], Dropout: 0.3);
        Forecaster Train() => ForecasterTrainer.Train(config, series, new RowRange(0, 320), new RowRange(320 - config.Lookback, 400),
            new ForecastTrainingOptions(Epochs: 4, BatchSize: 8, LearningRate: 1e-3, Seed: 11));

        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using var alone = Train();
            alone.Save(dir);
            using var stop = new CancellationTokenSource();
            var opened = 0;
            var openers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var forecaster = Forecaster.Load(dir);
                    Interlocked.Increment(ref opened);
                }
            })).ToArray();
            SpinWait.SpinUntil(() => Volatile.Read(ref opened) > 0);
            using var beside = Train();
            stop.Cancel();
            await Task.WhenAll(openers);

            Assert.Equal(alone.Version, beside.Version);
            Assert.True(opened > 1, $"{opened} forecasters opened");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
