using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class ModelRegistryTests
{
    internal static readonly DateTimeOffset T0 = new(2025, 12, 1, 12, 0, 0, TimeSpan.Zero);

    internal static ModelRegistryState Run(ModelRegistryState state, RegistryCommand command)
    {
        var result = state.Process(command);
        Assert.True(result.Succeeded, result.Error);
        return result.Events.Aggregate(state, (s, e) => s.Apply(e));
    }

    internal static RegisterVersion Register(string version, DateTimeOffset time, double sharpe = 1.0, long size = 100_000_000, string slot = "xgb") =>
        new(slot, version, new TrainingRange(time.AddDays(-90), time.AddDays(-1)), new Dictionary<string, double> { ["sharpe"] = sharpe, ["win_rate"] = 0.55 },
            $"models/{slot}/{version}.onnx", size, time);

    private static ModelRegistryState ThreeVersions()
    {
        var s = ModelRegistryState.Empty;
        s = Run(s, Register("v1", T0));
        s = Run(s, Register("v2", T0.AddDays(1)));
        s = Run(s, Register("v3", T0.AddDays(2)));
        return s;
    }

    [Fact]
    public void Registered_version_keeps_its_training_range_metrics_and_artifact()
    {
        var s = ThreeVersions();

        var v2 = s.Find("xgb", "v2")!;
        Assert.Equal(ModelVersionStatus.Registered, v2.Status);
        Assert.Equal(new TrainingRange(T0.AddDays(-89), T0), v2.TrainingData);
        Assert.Equal(1.0, v2.Metrics["sharpe"]);
        Assert.Equal("models/xgb/v2.onnx", v2.ArtifactPath);
        Assert.Equal(T0.AddDays(1), v2.CreatedAt);
        Assert.Equal("xgb/v2", v2.Id);
        Assert.Equal("version xgb/v1 is already registered", s.Process(Register("v1", T0.AddDays(5))).Error);
    }

    [Fact]
    public void Promotion_makes_one_champion_and_retires_the_previous_one()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v1", "first", T0.AddDays(3)));
        var result = s.Process(new PromoteVersion("xgb", "v2", "beats v1 in A/B", T0.AddDays(4)));

        var promoted = Assert.IsType<VersionPromoted>(Assert.Single(result.Events));
        Assert.Equal(("v2", "v1", "beats v1 in A/B"), (promoted.Version, promoted.PreviousChampion, promoted.Reason));
        s = s.Apply(promoted);
        Assert.Equal("v2", s.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Retired, s.Find("xgb", "v1")!.Status);
        Assert.Single(s.Versions, v => v.Status == ModelVersionStatus.Champion);
    }

    [Fact]
    public void Bad_commands_are_refused_without_events()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v2", "go", T0.AddDays(3)));
        s = Run(s, new MarkDegraded("xgb", "v3", "failed shadow test", T0.AddDays(3)));

        var refusals = new (RegistryCommand Command, string Error)[]
        {
            (new PromoteVersion("xgb", "v9", "?", T0), "unknown version xgb/v9"),
            (new PromoteVersion("lgbm", "v1", "?", T0), "unknown version lgbm/v1"),
            (new PromoteVersion("xgb", "v2", "?", T0), "version xgb/v2 is already the champion"),
            (new PromoteVersion("xgb", "v3", "?", T0), "version xgb/v3 is marked degraded"),
            (new MarkDegraded("xgb", "v2", "?", T0), "version xgb/v2 is the champion; roll it back with MarkDegraded instead"),
            (new RollBackVersion("xgb", "v3", "?", false, T0), "version xgb/v3 is marked degraded"),
            (new RollBackVersion("lgbm", null, "?", false, T0), "slot lgbm has no champion to roll back"),
            (new RollBackVersion("xgb", null, "?", false, T0), "slot xgb has no earlier champion to roll back to"),
            (new ApproveCleanup("xgb", "v2", "ops", T0), "version xgb/v2 is the champion and can never be deleted"),
            (new DeleteVersion("xgb", "v2", T0), "version xgb/v2 is the champion and can never be deleted"),
            (new DeleteVersion("xgb", "v1", T0), "deleting xgb/v1 needs an approved cleanup first"),
        };

        foreach (var (command, error) in refusals)
        {
            var result = s.Process(command);
            Assert.Equal(error, result.Error);
            Assert.Empty(result.Events);
        }
    }

    [Fact]
    public void Rollback_returns_to_the_previous_champion_and_marks_the_bad_one_degraded()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v1", "first", T0.AddDays(3)));
        s = Run(s, new PromoteVersion("xgb", "v3", "better backtest", T0.AddDays(4)));

        var result = s.Process(new RollBackVersion("xgb", null, "live average R -0.45", MarkDegraded: true, T0.AddDays(5)));

        var back = Assert.IsType<VersionRolledBack>(Assert.Single(result.Events));
        Assert.Equal(("v1", "v3", true), (back.Version, back.FromVersion, back.MarkedDegraded));
        s = s.Apply(back);
        Assert.Equal("v1", s.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Degraded, s.Find("xgb", "v3")!.Status);
    }

    [Fact]
    public void Rollback_can_target_any_earlier_version_but_not_a_newer_one()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v2", "go", T0.AddDays(3)));

        Assert.Equal("version xgb/v3 is newer than the champion v2; promote it instead",
            s.Process(new RollBackVersion("xgb", "v3", "?", false, T0.AddDays(4))).Error);
        Assert.Equal("the champion of xgb is v2, not v3",
            s.Process(new RollBackVersion("xgb", "v1", "?", false, T0.AddDays(4), ExpectedChampion: "v3")).Error);

        s = Run(s, new RollBackVersion("xgb", "v1", "manual", MarkDegraded: false, T0.AddDays(4)));
        Assert.Equal("v1", s.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Retired, s.Find("xgb", "v2")!.Status);
    }

    [Fact]
    public void Champion_at_a_time_is_read_from_the_history()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v1", "first", T0.AddDays(3)));
        s = Run(s, new PromoteVersion("xgb", "v2", "A/B win", T0.AddDays(4)));
        s = Run(s, new RollBackVersion("xgb", null, "breaker", true, T0.AddDays(4).AddHours(6)));

        Assert.Null(s.ChampionAt("xgb", T0.AddDays(2)));
        Assert.Equal("v1", s.ChampionAt("xgb", T0.AddDays(3)));
        Assert.Equal("v1", s.ChampionAt("xgb", T0.AddDays(4).AddTicks(-1)));
        Assert.Equal("v2", s.ChampionAt("xgb", T0.AddDays(4).AddHours(5)));
        Assert.Equal("v1", s.ChampionAt("xgb", T0.AddDays(30)));
        Assert.Null(s.ChampionAt("lgbm", T0.AddDays(30)));
    }

    [Fact]
    public void Deletion_needs_an_approval_and_keeps_the_record_and_history()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v3", "go", T0.AddDays(3)));
        s = Run(s, new MarkImportant("xgb", "v2", true, T0.AddDays(3)));

        Assert.Equal("version xgb/v2 is marked important; unmark it first", s.Process(new ApproveCleanup("xgb", "v2", "ops", T0.AddDays(4))).Error);
        Assert.Equal("an approval must name who approved it", s.Process(new ApproveCleanup("xgb", "v1", " ", T0.AddDays(4))).Error);

        s = Run(s, new ApproveCleanup("xgb", "v1", "alice", T0.AddDays(4)));
        var deleted = Assert.IsType<VersionDeleted>(Assert.Single(s.Process(new DeleteVersion("xgb", "v1", T0.AddDays(4))).Events));
        Assert.Equal(100_000_000, deleted.BytesFreed);
        s = s.Apply(deleted);

        var v1 = s.Find("xgb", "v1")!;
        Assert.True(v1.Deleted);
        Assert.Equal(3, s.Versions.Count);
        Assert.Equal("version xgb/v1 was deleted", s.Process(new PromoteVersion("xgb", "v1", "?", T0.AddDays(5))).Error);
        Assert.Equal("version xgb/v1 was already deleted", s.Process(new DeleteVersion("xgb", "v1", T0.AddDays(5))).Error);
        Assert.Equal(
            ["VersionRegistered", "VersionRegistered", "VersionRegistered", "VersionPromoted", "VersionMarkedImportant", "CleanupApproved", "VersionDeleted"],
            s.History.Select(e => e.GetType().Name));
    }

    [Fact]
    public void Promotion_cancels_a_pending_deletion_approval()
    {
        var s = ThreeVersions();
        s = Run(s, new ApproveCleanup("xgb", "v1", "alice", T0.AddDays(3)));
        s = Run(s, new PromoteVersion("xgb", "v1", "needed after all", T0.AddDays(3)));
        s = Run(s, new PromoteVersion("xgb", "v2", "go", T0.AddDays(4)));

        Assert.Equal("deleting xgb/v1 needs an approved cleanup first", s.Process(new DeleteVersion("xgb", "v1", T0.AddDays(5))).Error);
    }

    [Fact]
    public void Registry_state_and_events_round_trip_through_json()
    {
        var s = ThreeVersions();
        s = Run(s, new PromoteVersion("xgb", "v1", "first", T0.AddDays(3)));
        s = Run(s, new StartShadowTest("xgb", "v3", "scheduled", T0.AddDays(3)));
        s = Run(s, new PromoteVersion("xgb", "v2", "A/B win", T0.AddDays(4)));
        s = Run(s, new RollBackVersion("xgb", null, "breaker", true, T0.AddDays(5)));
        s = Run(s, new MarkImportant("xgb", "v1", true, T0.AddDays(5)));

        var json = JsonSerializer.Serialize(s);
        var restored = JsonSerializer.Deserialize<ModelRegistryState>(json)!;

        Assert.Equal(json, JsonSerializer.Serialize(restored));
        Assert.Equal("v2", restored.ChampionAt("xgb", T0.AddDays(4).AddHours(1)));
        Assert.IsType<VersionRolledBack>(restored.History[^2]);
        Assert.Equal(ModelVersionStatus.Challenger, restored.Find("xgb", "v3")!.Status);
        Assert.Equal(s.Process(new RollBackVersion("xgb", null, "?", false, T0.AddDays(6))).Error,
            restored.Process(new RollBackVersion("xgb", null, "?", false, T0.AddDays(6))).Error);
    }
}
