using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Ensemble;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>
/// The model registry singleton on a real SQLite journal with real ONNX artifacts on disk: promotions and rollbacks
/// switch what <see cref="EnsembleServing"/> serves, and the circuit breaker is fed injected closed trades.
/// </summary>
public sealed class ModelRegistryActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset T0 = LearningTrades.Start;
    private readonly TempDir _dir = new();
    private NodeFixture _node = null!;

    public Task InitializeAsync()
    {
        _node = new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, T0), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, T0)], dir: _dir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    private IActorRef Registry => _node.Registry.Get<ModelRegistrySingleton>();

    private async Task<T> Ask<T>(object message) => await Registry.Ask<T>(message, Timeout);

    /// <summary>A servable xgb version: hand-made trees exported to ONNX with their sidecar, as training would leave them.</summary>
    private static string Artifact(string stateDirectory, string version)
    {
        var onnx = OnnxTreeExporter.Export(TreeTestData.HandModel(), TreeTestData.HandSet, ModelSlots.Xgb, version, "hand");
        var artifact = new TreeModelArtifact(ModelSlots.Xgb, version, "hand", TreeTestData.HandSet, T0.AddDays(-30), T0.AddDays(-3), 100, null,
            TreeModelArtifact.OnnxFileName(version), TreeModelArtifact.Sha256Of(onnx));
        return artifact.Save(Path.Combine(stateDirectory, "models", ModelSlots.Xgb), onnx);
    }

    private Task Register(string version, DateTimeOffset at) => Register(Registry, _dir.Path, version, at);

    /// <summary>Registers a servable xgb version with the registry of a node whose state is in <paramref name="stateDirectory"/>.</summary>
    internal static async Task Register(IActorRef registry, string stateDirectory, string version, DateTimeOffset at)
    {
        var sidecar = Artifact(stateDirectory, version);
        var reply = await registry.Ask<ModelRegistryReply>(new RegisterModelVersion(ModelSlots.Xgb, version, new TrainingRange(T0.AddDays(-30), T0.AddDays(-3)),
            new Dictionary<string, double> { ["auc"] = 0.55 }, sidecar, new FileInfo(sidecar).Length, at, PromoteIfFirst: true), Timeout);
        Assert.True(reply.Succeeded, reply.Error);
    }

    /// <summary>v1 registered first (so champion), v2 registered and promoted over it at T0.</summary>
    private async Task PromoteOverChampion()
    {
        await Register("xgb-v1", T0.AddDays(-2));
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
        await Register("xgb-v2", T0.AddDays(-1));
        var promoted = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Xgb, "xgb-v2", "better auc", T0));
        Assert.True(promoted.Succeeded, promoted.Error);
        Assert.Equal("xgb-v2", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
    }

    private Task<CircuitBreakersFed> Feed(int n, double r) =>
        Ask<CircuitBreakersFed>(new FeedCircuitBreakers([LearningTrades.BothBuy(n, r, T0)]));

    [Fact]
    public async Task A_promotion_followed_by_ten_bad_trades_rolls_back_to_the_previous_champion_and_serves_it()
    {
        await PromoteOverChampion();
        for (var i = 1; i <= 9; i++) Assert.Empty((await Feed(i, -1)).Rollbacks);
        Assert.Equal("xgb-v2", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var tenth = await Feed(10, -1);
        var rollback = Assert.Single(tenth.Rollbacks);
        Assert.Equal(("xgb-v1", "xgb-v2", true), (rollback.Version, rollback.FromVersion, rollback.MarkedDegraded));
        Assert.Equal("circuit breaker: xgb-v2 after 10 trades: average R -1 < -0.3, win rate 0% < 35%", Assert.Single(tenth.Trips).Trip.Reason);
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        Assert.Equal(ModelVersionStatus.Champion, view.Versions.Single(v => v.Version == "xgb-v1").Status);
        Assert.Equal(ModelVersionStatus.Degraded, view.Versions.Single(v => v.Version == "xgb-v2").Status);
        var book = ModelRegistryBook.Empty with { Registry = view.ToRegistry() };
        Assert.Equal("xgb-v2", book.ChampionAt(ModelSlots.Xgb, T0.AddHours(9))!.Version);
        Assert.IsType<VersionRolledBack>(book.ChampionAt(ModelSlots.Xgb, T0.AddHours(10))!.Cause);
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_the_window_keeps_the_breaker_and_its_trades()
    {
        await PromoteOverChampion();
        for (var i = 1; i <= 5; i++) await Feed(i, -1);

        await _node.CrashAndStart();

        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        var breaker = Assert.Single(view.Breakers);
        Assert.Equal((BreakerStatus.Monitoring, 5, "xgb-v2"), (breaker.Status, breaker.Trades, breaker.NewVersion));
        Assert.Equal("xgb-v2", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        Assert.Empty((await Feed(5, -1)).Rollbacks);
        for (var i = 6; i <= 9; i++) Assert.Empty((await Feed(i, -1)).Rollbacks);
        var tenth = await Feed(10, -1);
        Assert.Equal("xgb-v1", Assert.Single(tenth.Rollbacks).Version);
        Assert.Equal(10, Assert.Single(tenth.Trips).Trip.Trades);
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
    }

    [Fact]
    public async Task Deleting_an_artifact_takes_an_approval_and_never_touches_the_champion()
    {
        await PromoteOverChampion();
        var v2 = Path.Combine(_dir.Path, "models", ModelSlots.Xgb, "xgb-v2.json");

        var champion = await Ask<ModelRegistryReply>(new ApproveModelCleanup(ModelSlots.Xgb, "xgb-v2", "ops", T0.AddHours(1)));
        Assert.False(champion.Succeeded);
        Assert.Equal("version xgb/xgb-v2 is the champion and can never be deleted", champion.Error);
        var target = await Ask<ModelRegistryReply>(new ApproveModelCleanup(ModelSlots.Xgb, "xgb-v1", "ops", T0.AddHours(1)));
        Assert.False(target.Succeeded);
        Assert.StartsWith("version xgb/xgb-v1 is what the circuit breaker on xgb-v2 rolls back to", target.Error);
        Assert.True(File.Exists(v2));

        var rolledBack = await Ask<ModelRegistryReply>(new RollBackModelVersion(ModelSlots.Xgb, null, "operator", true, T0.AddHours(2)) { Operator = "bob" });
        Assert.True(rolledBack.Succeeded, rolledBack.Error);
        Assert.Equal("bob", Assert.Single(rolledBack.Events.OfType<VersionRolledBack>()).Operator);
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        // The deletion an approval causes is journaled as given by the approving operator too.
        var approved = await Ask<ModelRegistryReply>(new ApproveModelCleanup(ModelSlots.Xgb, "xgb-v2", "ops", T0.AddHours(3)) { Operator = "alice" });
        Assert.True(approved.Succeeded, approved.Error);
        Assert.Equal([(typeof(CleanupApproved), "alice"), (typeof(VersionDeleted), "alice")], approved.Events.Select(e => (e.GetType(), e.Operator)));
        Assert.False(File.Exists(v2));
        Assert.False(File.Exists(Path.ChangeExtension(v2, ".onnx")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "models", ModelSlots.Xgb, "xgb-v1.onnx")));

        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        var deleted = view.Versions.Single(v => v.Version == "xgb-v2");
        Assert.True(deleted.Deleted);
        Assert.Equal(2, view.Versions.Count);
    }

    [Fact]
    public async Task A_promotion_whose_artifact_does_not_open_is_refused_and_nothing_changes()
    {
        await Register("xgb-v1", T0.AddDays(-2));
        await Register("xgb-v2", T0.AddDays(-1));
        File.Delete(Path.Combine(_dir.Path, "models", ModelSlots.Xgb, "xgb-v2.onnx"));

        var reply = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Xgb, "xgb-v2", "try", T0));
        Assert.False(reply.Succeeded);
        Assert.StartsWith("cannot serve xgb/xgb-v2 from ", reply.Error);
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        Assert.Equal("xgb-v1", view.Versions.Single(v => v.Status == ModelVersionStatus.Champion).Version);
        Assert.Empty(view.Breakers);
    }

    [Fact]
    public async Task An_operators_promotion_without_a_time_waits_for_the_decided_bars_and_is_dated_right_after_them()
    {
        await Register("xgb-v1", T0.AddDays(-2));
        await Register("xgb-v2", T0.AddDays(-1));
        var lastBar = T0.AddDays(10);
        _node.Services.Clock.Deciding(lastBar);

        var refused = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Xgb, "xgb-v2", "operator's pick", null));
        Assert.False(refused.Succeeded);
        Assert.Contains("deciding the bars of its start", refused.Error);
        var request = await Ask<ModelRegistryReply>(new RequestModelRetraining(ModelSlots.Xgb, "new listing", null));
        Assert.False(request.Succeeded);
        Assert.Contains("deciding the bars of its start", request.Error);
        Assert.Equal("xgb-v1", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        _node.Services.Clock.Decided(lastBar);
        var backDated = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Xgb, "xgb-v2", "operator's pick", lastBar.AddDays(-1)));
        Assert.False(backDated.Succeeded);
        Assert.Contains("is not after the node's bars", backDated.Error);
        var before = DateTimeOffset.UtcNow;
        var promoted = await Ask<ModelRegistryReply>(new PromoteModelVersion(ModelSlots.Xgb, "xgb-v2", "operator's pick", null));
        Assert.True(promoted.Succeeded, promoted.Error);
        var e = Assert.IsType<VersionPromoted>(Assert.Single(promoted.Events));
        Assert.Equal((lastBar.AddTicks(1), true), (e.Time, e.ByOperator));
        Assert.InRange(e.GivenAt!.Value, before, DateTimeOffset.UtcNow);
        Assert.Equal("xgb-v2", _node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
        // Journaled as given: the registry read back after a restart holds both clocks.
        await _node.Restart();
        var view = await Ask<ModelRegistryView>(GetModelRegistry.Instance);
        Assert.Equal((e.Time, e.GivenAt), view.History.OfType<VersionPromoted>().Where(p => p.ByOperator).Select(p => (p.Time, p.GivenAt)).Single());
    }
}
