using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>Seed 004's symbol tracking: every model's votes in a journal's decision records scored against the run's data.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class AccuracyVerbTests(ReferenceRun reference)
{
    [Fact]
    public async Task The_reference_runs_decisions_are_every_closed_trade_and_refused_signal_and_each_model_adds_up_by_symbol_and_regime()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", reference.Dir.File("state"), "--min-calls", "20", "--json", dir.File("accuracy.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("accuracy.json")));
        var r = doc.RootElement;
        Assert.Equal(reference.Summary.TradesClosed + reference.Summary.SignalsRejected, r.GetProperty("decisions").GetInt32());
        var models = r.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(ModelSlots.All, models.Select(m => m.GetProperty("modelId").GetString()));
        foreach (var m in models)
        {
            var calls = m.GetProperty("calls").GetInt32();
            Assert.True(calls > 100, $"{m.GetProperty("modelId")}: {calls} calls");
            Assert.Equal(calls, m.GetProperty("bySymbol").EnumerateArray().Sum(s => s.GetProperty("calls").GetInt32()));
            Assert.Equal(calls, m.GetProperty("byRegime").EnumerateArray().Sum(g => g.GetProperty("calls").GetInt32()));
            Assert.Equal(m.GetProperty("correct").GetInt32(), m.GetProperty("bySymbolAndRegime").EnumerateArray().Sum(g => g.GetProperty("correct").GetInt32()));
            var weakest = m.GetProperty("weakest").EnumerateArray().Select(w => (Calls: w.GetProperty("calls").GetInt32(), Accuracy: w.GetProperty("accuracy").GetDouble())).ToArray();
            Assert.Equal(3, weakest.Length);
            Assert.All(weakest, w => Assert.True(w.Calls >= 20));
            Assert.Equal(weakest.Select(w => w.Accuracy).Order(), weakest.Select(w => w.Accuracy));
        }
    }
}
