using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The node service ('qt node'): the run's replay with the ops API up, and the node still serving after the replay,
/// where the console reads the same trades, entities and account the run's summary reports.
/// </summary>
public sealed class NodeServiceTests
{
    private const string ApiAt = "ops API and dashboard at ";

    [Fact]
    public async Task After_the_replay_the_node_serves_the_console_what_the_run_summary_reports()
    {
        using var dir = new TempDir();
        var messages = new List<string>();
        var seen = new Dictionary<string, JsonElement>();
        var observer = new ServingObserver(messages, async (summary, cancel) =>
        {
            var url = messages.Single(m => m.StartsWith(ApiAt, StringComparison.Ordinal))[ApiAt.Length..];
            foreach (var verb in new[] { "models", "shards" })
                seen[verb] = await Ctl(dir, url, verb);
            seen["ess"] = await Ctl(dir, url, "ess", "status");
        });
        var settings = new RunSettings
        {
            Data = [ReferenceRun.Data], StateDirectory = dir.File("state"), Models = ["xgb"], OpsUrl = "http://127.0.0.1:0",
        };

        var summary = await RunJob.ExecuteAsync(settings, observer, CancellationToken.None);

        Assert.True(summary.TradesClosed > 0);
        var model = Assert.Single(seen["models"].GetProperty("models").EnumerateArray());
        Assert.Equal(("xgb", summary.Models[0].Trades), (model.GetProperty("id").GetString(), model.GetProperty("trades").GetInt32()));
        var symbols = seen["shards"].GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == "symbol");
        Assert.Equal(2, symbols.GetProperty("entities").GetInt32());
        Assert.Equal(summary.FinalEquity, seen["ess"].GetProperty("equity").GetDouble(), 6);
        Assert.Equal(summary.EssTransitions.Count, seen["ess"].GetProperty("transitions").GetArrayLength());
    }

    [Fact]
    public async Task A_node_address_that_is_not_one_is_refused_before_anything_starts()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["node", "--state", dir.File("state"), "--http", "127.0.0.1"]));
        Assert.False(Directory.Exists(dir.File("state")), "nothing was written");
    }

    private static async Task<JsonElement> Ctl(TempDir dir, string url, params string[] args)
    {
        var file = dir.File($"ctl-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", .. args, "--node", url, "--json", file]));
        return JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
    }

    private sealed class ServingObserver(List<string> messages, Func<RunSummary, CancellationToken, Task> whileServing) : IRunObserver
    {
        public void Info(string message) { lock (messages) messages.Add(message); }
        public void BadRow(BadRow row) { }
        public void Progress(long done, long total) { }
        public Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => whileServing(summary, cancel);
    }
}
