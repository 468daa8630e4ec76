using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>Seed 004's symbol tracking: every model's votes in a journal's decision records scored against the run's data.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class AccuracyVerbTests(ReferenceRun reference)
{
    [Fact]
    public void A_vote_is_scored_on_the_close_four_bars_after_its_decision_and_a_decision_past_the_data_is_not()
    {
        var t0 = LearningTrades.Start;
        var bars = Enumerable.Range(0, 10).Select(i => new Bar("TEST", t0.AddHours(i), 100 + i, 101 + i, 99 + i, i == 9 ? 90 : 100 + i, 1)).ToArray();
        var template = LearningTrades.BothBuy(1, 1.0).Decision;
        var decisions = new[] { 1, 5, 6 }.Select(i => template with { Symbol = "TEST", DecidedAt = t0.AddHours(i) })
            .Append(template with { Symbol = "OTHER", DecidedAt = t0.AddHours(1) });

        var (votes, unscored) = AccuracyVerb.Score(decisions, bars);

        // Bar 1 closes at 101 and bar 5 at 105: up. Bar 5 at 105 and bar 9 at 90: down. Bar 6 has no bar 10; OTHER has no bars.
        Assert.Equal(2, unscored);
        Assert.Equal([(ModelSlots.Xgb, true), (ModelSlots.Lgbm, true), (ModelSlots.Xgb, false), (ModelSlots.Lgbm, false)], votes.Select(v => (v.ModelId, v.Up)));
        Assert.All(votes, v => Assert.Equal((TradeAction.Buy, "TEST"), (v.Action, v.Symbol)));
    }

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
