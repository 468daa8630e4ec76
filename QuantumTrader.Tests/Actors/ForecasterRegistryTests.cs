using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>
/// The model registry singleton with real N-HiTS artifacts trained into the state directory: a forecaster version is
/// served, promoted, rolled back and cleaned up from its artifact directory as a tree version is from its files.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ForecasterRegistryTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset T0 = LearningTrades.Start;
    private readonly TempDir _dir = new();
    private NodeFixture _node = null!;

    public Task InitializeAsync()
    {
        _node = new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Nhits, T0)], dir: _dir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    private IActorRef Registry => _node.Registry.Get<ModelRegistrySingleton>();

    private async Task<T> Ask<T>(object message) => await Registry.Ask<T>(message, Timeout);

    /// <summary>Trains N-HiTS on a seeded random walk of closes, as a run trains it, and registers it; returns the version's record.</summary>
    private async Task<ForecastRegistration> Register(int seed, DateTimeOffset at)
    {
        var random = new Random(seed);
        var closes = new double[400];
        closes[0] = 100;
        for (var i = 1; i < closes.Length; i++) closes[i] = closes[i - 1] * Math.Exp(0.01 * (random.NextDouble() - 0.5) + 0.002 * Math.Sin(i / 5.0));
        var (predictor, directory, _) = ForecastBootstrap.LoadOrTrain(ModelSlots.Nhits, [closes], at, _dir.Path, ForecastBootstrap.TrainingFor(seed), _ => { });
        using (predictor)
        {
            var registration = new ForecastRegistration(ModelSlots.Nhits, predictor.Version, directory, predictor.Manifest, at.AddDays(-16), at);
            var reply = await Ask<ModelRegistryReply>(registration.Command(at, promoteIfFirst: true));
            Assert.True(reply.Succeeded, reply.Error);
            return registration;
        }
    }

    private string Served => _node.Serving.PredictorOf(ModelSlots.Nhits)!.Version;

    [Fact]
    public async Task A_forecaster_version_is_served_promoted_rolled_back_and_cleaned_up_from_its_directory()
    {
        var v1 = await Register(1, T0.AddDays(-2));
        Assert.Equal(v1.Version, Served);
        Assert.IsAssignableFrom<ForecastPredictor>(_node.Serving.PredictorOf(ModelSlots.Nhits));
        var v2 = await Register(2, T0.AddDays(-1));
        Assert.NotEqual(v1.Version, v2.Version);
        Assert.Equal(v1.Version, Served);

        var promoted = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Nhits, v2.Version, "better validation", T0));
        Assert.True(promoted.Succeeded, promoted.Error);
        Assert.Equal(v2.Version, Served);

        var rolledBack = await Ask<ModelRegistryReply>(new RollBackModelVersion(ModelSlots.Nhits, null, "operator", true, T0.AddHours(1)));
        Assert.True(rolledBack.Succeeded, rolledBack.Error);
        Assert.Equal(v1.Version, Served);

        var cleaned = await Ask<ModelRegistryReply>(new ApproveModelCleanup(ModelSlots.Nhits, v2.Version, "ops", T0.AddHours(2)));
        Assert.True(cleaned.Succeeded, cleaned.Error);
        Assert.Contains($"deleted {Forecaster.ManifestFileName}, {Forecaster.WeightsFileName}, {Path.GetFileName(v2.Directory)}/", cleaned.Message);
        Assert.False(Directory.Exists(v2.Directory));
        Assert.True(File.Exists(Path.Combine(v1.Directory, Forecaster.WeightsFileName)));
        Assert.True((await Ask<ModelRegistryView>(GetModelRegistry.Instance)).Versions.Single(v => v.Version == v2.Version).Deleted);
    }

    [Fact]
    public async Task A_forecaster_whose_weights_do_not_load_is_refused_and_the_champion_keeps_serving()
    {
        var v1 = await Register(1, T0.AddDays(-2));
        var v2 = await Register(2, T0.AddDays(-1));
        var weights = Path.Combine(v2.Directory, Forecaster.WeightsFileName);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);

        var reply = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Nhits, v2.Version, "try", T0));
        Assert.False(reply.Succeeded);
        Assert.StartsWith($"cannot serve nhits/{v2.Version} from ", reply.Error);
        Assert.Equal(v1.Version, Served);
        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        Assert.Equal(v1.Version, view.Versions.Single(v => v.Status == ModelVersionStatus.Champion).Version);
    }

    [Fact]
    public async Task A_forecaster_artifact_opens_only_in_its_own_slot()
    {
        var v1 = await Register(1, T0.AddDays(-2));
        Assert.Contains("a patchtst predictor cannot serve a nhits forecaster",
            Assert.Throws<ArgumentException>(() => ForecastPredictor.Open(ModelSlots.PatchTst, v1.Directory)).Message);
        Assert.Contains("'xgb' is not a forecasting slot", Assert.Throws<ArgumentException>(() => ForecastPredictor.Open(ModelSlots.Xgb, v1.Directory)).Message);
        using var opened = ForecastPredictor.Open(ModelSlots.Nhits, v1.Directory);
        Assert.Equal(v1.Version, opened.Version);
    }
}
