using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class CleanupAdvisorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private const long MB = 1_000_000;

    /// <summary>(version, age in days, sharpe, win rate, size in MB), registered oldest first.</summary>
    private static readonly (string Version, int Age, double Sharpe, double WinRate, long Mb)[] Versions =
    [
        ("v01", 90, 0.20, 0.41, 10), // old and bottom 20%
        ("v02", 80, 1.90, 0.42, 20), // old but top 3
        ("v03", 70, 0.50, 0.43, 30), // old but important
        ("v04", 60, 1.00, 0.44, 40), // old but champion
        ("v05", 50, 0.40, 0.45, 50), // old
        ("v06", 25, 0.91, 0.550, 60), // near-duplicate of v09
        ("v07", 20, 0.25, 0.47, 70), // bottom 20%
        ("v08", 12, 1.20, 0.48, 80), // top 3, last 5
        ("v09", 9, 0.90, 0.552, 90), // last 5
        ("v10", 6, 0.70, 0.50, 100),
        ("v11", 3, 0.60, 0.51, 110),
        ("v12", 1, 1.70, 0.52, 120), // top 3, last 5
    ];

    private static ModelRegistryState Registry()
    {
        var s = ModelRegistryState.Empty;
        foreach (var (version, age, sharpe, winRate, mb) in Versions)
        {
            var created = Now.AddDays(-age);
            s = ModelRegistryTests.Run(s, new RegisterVersion("xgb", version, new TrainingRange(created.AddDays(-60), created),
                new Dictionary<string, double> { ["sharpe"] = sharpe, ["win_rate"] = winRate }, $"models/xgb/{version}.onnx", mb * MB, created));
        }

        s = ModelRegistryTests.Run(s, new MarkImportant("xgb", "v03", true, Now));
        return ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v04", "A/B win", Now));
    }

    [Fact]
    public void Proposes_old_bottom_and_duplicate_versions_with_their_reasons_and_sizes()
    {
        var report = CleanupAdvisor.Recommend(Registry(), Now);

        Assert.Equal(["v01", "v05", "v06", "v07"], report.Candidates.Select(c => c.Version));
        var byVersion = report.Candidates.ToDictionary(c => c.Version);
        Assert.Equal(["older than 30 days (90 days)", "bottom 20% by sharpe (0.2)"], byVersion["v01"].Reasons);
        Assert.Equal(["older than 30 days (50 days)"], byVersion["v05"].Reasons);
        Assert.Equal(["near-duplicate of newer v09 (metrics within 2%)"], byVersion["v06"].Reasons);
        Assert.Equal(["bottom 20% by sharpe (0.25)"], byVersion["v07"].Reasons);
        Assert.Equal(60 * MB, byVersion["v06"].BytesFreed);
        Assert.Equal((10 + 50 + 60 + 70) * MB, report.TotalBytesFreed);
    }

    [Fact]
    public void Keeps_champion_important_top_three_and_last_five_even_when_old()
    {
        var kept = CleanupAdvisor.Recommend(Registry(), Now).Kept.ToDictionary(k => k.Version, k => k.Reasons);

        Assert.Equal(["v02", "v03", "v04", "v08", "v09", "v10", "v11", "v12"], kept.Keys.Order());
        Assert.Equal(["champion"], kept["v04"]);
        Assert.Equal(["marked important"], kept["v03"]);
        Assert.Equal(["top 3 by sharpe"], kept["v02"]);
        Assert.Equal(["top 3 by sharpe", "one of the last 5"], kept["v12"]);
        Assert.Equal(["one of the last 5"], kept["v10"]);
    }

    [Fact]
    public void Never_proposes_the_champion_even_as_the_oldest_and_worst()
    {
        var s = ModelRegistryState.Empty;
        for (var i = 0; i < 10; i++)
            s = ModelRegistryTests.Run(s, ModelRegistryTests.Register($"v{i}", Now.AddDays(-100 + i), sharpe: i));
        s = ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v0", "pinned", Now));

        var report = CleanupAdvisor.Recommend(s, Now);

        Assert.DoesNotContain(report.Candidates, c => c.Version == "v0");
        Assert.Contains(report.Kept, k => k.Version == "v0" && k.Reasons.Contains("champion"));
        Assert.Equal(["v1", "v2", "v3", "v4"], report.Candidates.Select(c => c.Version));
    }

    [Fact]
    public void Approved_cleanup_deletes_and_a_second_scan_skips_deleted_versions()
    {
        var s = Registry();
        foreach (var c in CleanupAdvisor.Recommend(s, Now).Candidates.Where(c => c.Version is "v05" or "v07"))
        {
            s = ModelRegistryTests.Run(s, new ApproveCleanup("xgb", c.Version, "alice", Now));
            s = ModelRegistryTests.Run(s, new DeleteVersion("xgb", c.Version, Now));
        }

        var again = CleanupAdvisor.Recommend(s, Now);

        Assert.DoesNotContain(again.Candidates, c => c.Version is "v05" or "v07");
        Assert.DoesNotContain(again.Kept, k => k.Version is "v05" or "v07");
        Assert.Equal(12, s.Versions.Count);
        Assert.Equal(2, s.Versions.Count(v => v.Deleted));
    }
}
