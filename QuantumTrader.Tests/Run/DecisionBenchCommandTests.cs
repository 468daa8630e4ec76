using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary><c>bench decision</c> through the command line on the bundled data with the two tree models: the JSON scripts read.</summary>
public class DecisionBenchCommandTests
{
    [Fact]
    public async Task Writes_one_symbol_sequential_and_batched_latencies_and_every_model_alone()
    {
        using var dir = new TempDir();
        var json = dir.File("decision.json");

        var code = await QtCli.RunAsync(["bench", "decision", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--models", "xgb,lgbm",
            "--samples", "20", "--json", json]);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(["xgb", "lgbm"], root.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(10, root.GetProperty("batchSymbols").GetInt32());
        foreach (var measure in new[] { "oneSymbol", "sequential", "batched" })
        {
            var l = root.GetProperty(measure);
            Assert.Equal(20, l.GetProperty("samples").GetInt32());
            Assert.True(l.GetProperty("p50Ms").GetDouble() > 0, measure);
            Assert.True(l.GetProperty("p99Ms").GetDouble() >= l.GetProperty("p50Ms").GetDouble(), measure);
        }
        Assert.True(root.GetProperty("batchedPerSymbolMeanMs").GetDouble() > 0);
        Assert.Equal(["xgb", "lgbm"], root.GetProperty("perModel").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(5.0, root.GetProperty("goalP99Ms").GetDouble());
    }

    [Fact]
    public async Task Too_many_samples_for_the_data_exit_with_code_2()
    {
        using var dir = new TempDir();
        Assert.Equal(2, await QtCli.RunAsync(["bench", "decision", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--models", "xgb,lgbm",
            "--samples", "100000"]));
    }
}
