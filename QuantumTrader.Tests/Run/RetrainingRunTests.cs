using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// Three runs of the bundled data with the tree models: without retraining, with weekly retraining behind the seed's
/// promotion gate, and with a gate loose enough to promote (accuracy 0.5, symbol accuracy 0.45, any drift, any gain).
/// </summary>
public sealed class RetrainingRuns : IAsyncLifetime
{
    public static readonly PromotionGateSettings LooseGate =
        PromotionGateSettings.Seed with { MinAccuracy = 0.5, MinSymbolAccuracy = 0.45, MaxDrift = 1, MinImprovement = 0 };

    /// <summary>The same loose gate as command-line options.</summary>
    public static readonly string[] LooseGateOptions =
        ["--gate-min-accuracy", "0.5", "--gate-min-symbol-accuracy", "0.45", "--gate-max-drift", "1", "--gate-min-improvement", "0"];

    public TempDir Dir { get; } = new();
    public RunSummary Off { get; private set; } = null!;
    public RunSummary Seed { get; private set; } = null!;
    public RunSummary Loose { get; private set; } = null!;
    public List<string> LooseMessages { get; } = [];

    public string Trades(string run) => Dir.File(run + ".csv");
    public string State(string run) => Dir.File(run + "-state");

    public async Task InitializeAsync()
    {
        Off = await Run("off", null, []);
        Seed = await Run("seed", RetrainSettings.Weekly(), []);
        Loose = await Run("loose", RetrainSettings.Weekly(LooseGate), LooseMessages);
    }

    private Task<RunSummary> Run(string name, RetrainSettings? retrain, List<string> messages) =>
        RunJob.ExecuteAsync(new RunSettings
        {
            Data = [ReferenceRun.Data], StateDirectory = State(name), Models = ["xgb,lgbm"], TradesOut = Trades(name), Retrain = retrain,
        }, new CollectingObserver(messages, []), CancellationToken.None);

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Continuous retraining in a replay: shadow tests, the promotion gate's decisions, what a promotion changes, and a resume after one.</summary>
public sealed class RetrainingRunTests(RetrainingRuns runs) : IClassFixture<RetrainingRuns>
{
    private static string Qt => Path.Combine(AppContext.BaseDirectory, "qt.dll");

    private static (DateTimeOffset Exit, string Line)[] TradesOf(string csv) =>
        File.ReadAllLines(csv).Skip(1).Select(l => (DateTimeOffset.Parse(l.Split(',')[5], CultureInfo.InvariantCulture), l)).ToArray();

    [Fact]
    public void Behind_the_seed_gate_every_challenger_is_rejected_and_no_trade_changes()
    {
        var r = runs.Seed.Retraining;

        Assert.True(r.Enabled);
        Assert.True(r.Retrained >= 10, $"weekly retraining of two slots over about 18 weeks of trading retrained {r.Retrained} times");
        Assert.Equal(r.Retrained, r.Promoted + r.Rejected + r.InShadow);
        Assert.Equal(0, r.Promoted);
        Assert.All(r.Decisions, d => Assert.StartsWith("rejected: ", d.Verdict));
        Assert.All(r.Decisions, d => Assert.True(d.ShadowCalls >= 100 || d.Verdict.Contains("shadow calls"), d.Verdict));
        Assert.Equal(File.ReadAllLines(runs.Trades("off")), File.ReadAllLines(runs.Trades("seed")));
        Assert.False(runs.Off.Retraining.Enabled);
        Assert.Equal(runs.Off.Models.Select(m => m.Version), runs.Seed.Models.Select(m => m.Version));
    }

    [Fact]
    public async Task A_challenger_the_gate_approves_serves_from_its_check_on()
    {
        var r = runs.Loose.Retraining;
        Assert.True(r.Promoted >= 1, string.Join("\n", r.Decisions.Select(d => d.Verdict)));
        var first = r.Decisions.Where(d => d.Approved).Min(d => d.Time);

        var off = TradesOf(runs.Trades("off"));
        var loose = TradesOf(runs.Trades("loose"));
        // Every trade closed before the first promotion is the same; later ones follow the promoted model.
        Assert.Equal(off.Where(t => t.Exit < first).Select(t => t.Line), loose.Where(t => t.Exit < first).Select(t => t.Line));
        Assert.NotEqual(off.Where(t => t.Exit >= first).Select(t => t.Line), loose.Where(t => t.Exit >= first).Select(t => t.Line));
        Assert.Contains(runs.LooseMessages, m => m.Contains("promotion gate on ") && m.Contains(": approved: "));

        // The journal names each slot's champion and why, and the run served exactly those versions at its end.
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", runs.State("loose"), "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var champions = doc.RootElement.GetProperty("champions").EnumerateArray()
            .ToDictionary(c => c.GetProperty("slot").GetString()!, c => (Version: c.GetProperty("version").GetString()!, Why: c.GetProperty("why").GetString()!));
        Assert.Equal(champions.OrderBy(c => c.Key).Select(c => c.Value.Version), runs.Loose.Models.OrderBy(m => m.Id).Select(m => m.Version));
        var promoted = r.Decisions.Where(d => d.Approved).Select(d => d.Version).ToHashSet();
        Assert.Contains(champions.Values, c => promoted.Contains(c.Version) && c.Why.Contains("promotion gate approved: "));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(r.Decisions.Count, history.Count(e => e.GetProperty("$type").GetString() == "promotion-gate-decided"));
        Assert.Equal(r.Retrained, history.Count(e => e.GetProperty("$type").GetString() == "shadow-test-started"));
    }

    [Fact]
    public async Task A_run_killed_after_promotions_resumes_to_the_same_trades()
    {
        using var dir = new TempDir();
        string[] args = ["run", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--models", "xgb,lgbm", "--trades-out", dir.File("trades.csv"),
            .. RetrainingRuns.LooseGateOptions];
        var promotedBy = runs.Loose.Retraining.Decisions.Where(d => d.Approved).Min(d => d.Time);

        using (var victim = Start(args))
        {
            var killed = false;
            var promotions = 0;
            while (await victim.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Contains(": approved: ")) promotions++;
                if (promotions == 0 || !line.StartsWith("progress:", StringComparison.Ordinal)) continue;
                victim.Kill(entireProcessTree: true);
                killed = true;
                break;
            }
            await victim.WaitForExitAsync();
            Assert.True(killed, $"the first run was killed after a promotion (the first at {promotedBy:O}): " + await victim.StandardError.ReadToEndAsync());
        }

        using var resumed = Start(args);
        var output = await resumed.StandardOutput.ReadToEndAsync();
        var errors = await resumed.StandardError.ReadToEndAsync();
        await resumed.WaitForExitAsync();
        Assert.True(resumed.ExitCode == 0, $"resume failed ({resumed.ExitCode}): {errors}\n{output}");
        Assert.Contains("already processed", output);
        Assert.Equal(File.ReadAllLines(runs.Trades("loose")), File.ReadAllLines(dir.File("trades.csv")));
    }

    [Fact]
    public async Task Retraining_options_that_cannot_work_are_refused_before_anything_is_written()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--retrain-every", "12"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--gate-min-accuracy", "1.2"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--shadow-min", "0"]));
        Assert.False(Directory.Exists(dir.File("state")));
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Qt);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }
}
