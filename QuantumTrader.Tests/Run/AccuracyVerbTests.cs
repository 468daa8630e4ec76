using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
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

    [Fact]
    public async Task Every_traded_bar_is_answered_again_by_the_version_that_served_it_and_every_journaled_vote_comes_out_the_same()
    {
        using var dir = new TempDir();
        var state = reference.Dir.File("state");
        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", state, "--json", dir.File("decisions.json")]));
        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", state, "--every-bar", "--json", dir.File("every-bar.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("every-bar.json")));
        var r = doc.RootElement;
        var plan = StoredPlan.Read(state)!;
        var traded = ReplayData.Load([ReferenceRun.Data], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Bars.Count(b => b.Time >= plan.TradeFrom[b.Symbol]);
        Assert.Equal(ModelSlots.All.Count * traded, r.GetProperty("answers").GetInt32());
        Assert.Empty(r.GetProperty("unanswered").EnumerateArray());
        var agreement = r.GetProperty("agreement");
        Assert.True(agreement.GetProperty("allSame").GetBoolean(), string.Join("; ", agreement.GetProperty("differences").EnumerateArray()));
        Assert.Equal(0, agreement.GetProperty("missing").GetInt32());
        Assert.True(agreement.GetProperty("compared").GetInt32() >= 2 * (reference.Summary.TradesClosed + reference.Summary.SignalsRejected));

        // The decisions are a subset of the bars: every model makes more calls at every bar than where the ensemble wanted to trade.
        using var decisions = JsonDocument.Parse(File.ReadAllText(dir.File("decisions.json")));
        var atDecisions = decisions.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("modelId").GetString()!, m => m.GetProperty("calls").GetInt32());
        var models = r.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(ModelSlots.All, models.Select(m => m.GetProperty("modelId").GetString()));
        foreach (var m in models)
        {
            var calls = m.GetProperty("calls").GetInt32();
            Assert.True(calls > atDecisions[m.GetProperty("modelId").GetString()!], $"{m.GetProperty("modelId")}: {calls} calls at every bar");
            Assert.Equal(calls, m.GetProperty("bySymbol").EnumerateArray().Sum(s => s.GetProperty("calls").GetInt32()));
        }
    }

    [Fact]
    public async Task A_version_whose_artifact_no_longer_opens_is_named_with_its_bars_and_the_other_votes_still_compare()
    {
        using var dir = new TempDir();
        var copy = reference.CopyState(dir.File("state"));
        // The first xgb champion, corrupted in the copy's own models folder, which a copied state directory serves from.
        var first = Directory.GetFiles(Path.Combine(reference.Dir.File("state"), "models", ModelSlots.Xgb), "*.onnx").Order(StringComparer.Ordinal).First();
        var copied = Directory.CreateDirectory(Path.Combine(copy, "models", ModelSlots.Xgb)).FullName;
        File.Copy(Path.ChangeExtension(first, ".json"), Path.Combine(copied, Path.GetFileName(Path.ChangeExtension(first, ".json"))));
        File.WriteAllBytes(Path.Combine(copied, Path.GetFileName(first)), [1, 2, 3]);

        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", copy, "--every-bar", "--json", dir.File("every-bar.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("every-bar.json")));
        var r = doc.RootElement;
        var unanswered = Assert.Single(r.GetProperty("unanswered").EnumerateArray());
        Assert.Equal(Path.GetFileNameWithoutExtension(first), unanswered.GetProperty("version").GetString());
        Assert.Contains("SHA-256", unanswered.GetProperty("reason").GetString());
        var agreement = r.GetProperty("agreement");
        Assert.True(agreement.GetProperty("missing").GetInt32() > 0);
        Assert.True(agreement.GetProperty("allSame").GetBoolean());
        int Calls(string slot) => r.GetProperty("models").EnumerateArray().Where(m => m.GetProperty("modelId").GetString() == slot).Sum(m => m.GetProperty("calls").GetInt32());
        Assert.True(Calls(ModelSlots.Xgb) < Calls(ModelSlots.Lgbm) / 2, $"xgb kept {Calls(ModelSlots.Xgb)} calls without its first champion, lgbm has {Calls(ModelSlots.Lgbm)}");
    }
}
