using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// Seed 003's configuration and rollback plan from the command line: a run with the signal quality filter off and the
/// emergency stop on tighter thresholds without auto-recovery trades under those settings, records them, and replays.
/// It serves xgb only, so it trains no torch model and runs beside the other tests.
/// </summary>
public sealed class ControlOptionsRunTests
{
    private static readonly string[] Modes = ["EMERGENCY", "PROTECTIVE", "CAUTIOUS", "NORMAL"];

    [Fact]
    public async Task A_run_with_the_filter_off_and_no_auto_recovery_trades_every_vote_at_full_size_never_relaxes_and_replays()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        string[] args =
        [
            "run", "--data", ReferenceRun.Data, "--state", state, "--models", "xgb", "--retrain-every", "0", "--trades-out", dir.File("trades.csv"),
            "--summary-json", dir.File("summary.json"), "--signal-filter", "false", "--ess-auto-recovery", "false", "--ess-thresholds", "-3,-2,-1",
        ];

        Assert.Equal(0, await QtCli.RunAsync(args));

        var trades = File.ReadAllLines(dir.File("trades.csv"));
        var verdict = Array.IndexOf(trades[0].Split(','), "filter_verdict");
        Assert.True(trades.Length > 100, $"{trades.Length - 1} trades");
        Assert.All(trades.Skip(1), t => Assert.Equal("Execute", t.Split(',')[verdict]));

        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("summary.json")));
        var transitions = summary.RootElement.GetProperty("essTransitions").EnumerateArray().ToArray();
        Assert.NotEmpty(transitions);
        // Every transition tightens: none relaxes by itself.
        Assert.All(transitions, t => Assert.True(Array.IndexOf(Modes, t.GetProperty("to").GetString()) < Array.IndexOf(Modes, t.GetProperty("from").GetString()),
            t.GetProperty("reason").GetString()));
        Assert.Contains(transitions, t => t.GetProperty("reason").GetString()!.Contains("threshold -1.00%", StringComparison.Ordinal));

        using var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "run.json")));
        Assert.False(recorded.RootElement.GetProperty("signalFilter").GetProperty("enabled").GetBoolean());
        var ess = recorded.RootElement.GetProperty("ess");
        Assert.Equal((false, -1.0), (ess.GetProperty("autoRecovery").GetBoolean(), ess.GetProperty("cautiousThreshold").GetDouble()));

        // The replay runs the job again with the recorded settings and decides everything the same.
        Assert.Equal(0, await QtCli.RunAsync(["replay", "--state", state, "--json", dir.File("replay.json")]));
    }

    [Theory]
    [InlineData("--ess-thresholds", "-2,-4,-1")]
    [InlineData("--ess-thresholds", "-10,-4")]
    [InlineData("--ess-hysteresis", "5")]
    [InlineData("--filter-min-agreement", "1.5")]
    [InlineData("--ess-confirm-hours", "-1")]
    public async Task Controls_that_cannot_work_are_refused_before_anything_is_written(string option, string value)
    {
        using var dir = new TempDir();

        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), option, value]));

        Assert.False(Directory.Exists(dir.File("state")));
    }
}
