using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;
using static QuantumTrader.Models.Ensemble.TradeAction;

namespace QuantumTrader.Tests.Learning;

public class PredictionAccuracyTests
{
    private static IEnumerable<ScoredVote> Votes(string model, string symbol, string regime, int right, int wrong, TradeAction action = Buy) =>
        Enumerable.Range(0, right + wrong).Select(i => new ScoredVote(model, symbol, regime, action, action == Buy ? i < right : i >= right));

    [Fact]
    public void Each_model_is_scored_overall_by_symbol_by_regime_and_by_both_and_a_hold_is_no_call()
    {
        var votes = Votes("lgbm", "BTCUSDT", "Ranging", 6, 4)
            .Concat(Votes("lgbm", "BTCUSDT", "Crash", 1, 9, Sell))
            .Concat(Votes("lgbm", "ETHUSDT", "Ranging", 9, 3))
            .Concat(Votes("lgbm", "ETHUSDT", "Ranging", 5, 0, Hold))
            .Concat(Votes("xgb", "ETHUSDT", "TrendingUp", 3, 1));

        var report = PredictionAccuracy.Of(votes, minCalls: 10, weakest: 2);

        Assert.Equal(["xgb", "lgbm"], report.Select(m => m.ModelId));
        var lgbm = report[1];
        Assert.Equal((32, 16), (lgbm.Calls, lgbm.Correct));
        Assert.Equal([new SymbolAccuracy("BTCUSDT", 20, 7, "Ranging"), new SymbolAccuracy("ETHUSDT", 12, 9, "Ranging")], lgbm.BySymbol);
        Assert.Equal([new GroupAccuracy("Crash", 10, 1), new GroupAccuracy("Ranging", 22, 15)], lgbm.ByRegime);
        Assert.Equal([new GroupAccuracy("BTCUSDT / Crash", 10, 1), new GroupAccuracy("BTCUSDT / Ranging", 10, 6)], lgbm.Weakest);
        Assert.Equal(0.5, lgbm.Accuracy);
        // xgb's only group has 4 calls: too few to be a best regime or a weakest group.
        Assert.Equal((4, 3, null), (report[0].Calls, report[0].Correct, report[0].BySymbol.Single().BestRegime));
        Assert.Empty(report[0].Weakest);
    }

    [Fact]
    public void A_buy_is_right_when_the_close_rose_and_a_sell_when_it_did_not()
    {
        ScoredVote[] votes =
        [
            new("xgb", "BTCUSDT", "Ranging", Buy, Up: true), new("xgb", "BTCUSDT", "Ranging", Buy, Up: false),
            new("xgb", "BTCUSDT", "Ranging", Sell, Up: false), new("xgb", "BTCUSDT", "Ranging", Sell, Up: true),
        ];

        var xgb = Assert.Single(PredictionAccuracy.Of(votes));

        Assert.Equal((4, 2), (xgb.Calls, xgb.Correct));
        Assert.Empty(PredictionAccuracy.Of(Votes("xgb", "BTCUSDT", "Ranging", 3, 3, Hold)));
    }

    [Fact]
    public void A_vote_is_scored_on_the_close_four_bars_after_its_decision_and_a_decision_past_the_data_is_not()
    {
        var t0 = LearningTrades.Start;
        var bars = Enumerable.Range(0, 10).Select(i => new Bar("TEST", t0.AddHours(i), 100 + i, 101 + i, 99 + i, i == 9 ? 90 : 100 + i, 1)).ToArray();
        var template = LearningTrades.BothBuy(1, 1.0).Decision;
        var decisions = new[] { 1, 5, 6 }.Select(i => template with { Symbol = "TEST", DecidedAt = t0.AddHours(i) })
            .Append(template with { Symbol = "OTHER", DecidedAt = t0.AddHours(1) });

        var (votes, unscored) = PredictionAccuracy.Score(decisions, bars, horizon: 4);

        // Bar 1 closes at 101 and bar 5 at 105: up. Bar 5 at 105 and bar 9 at 90: down. Bar 6 has no bar 10; OTHER has no bars.
        Assert.Equal(2, unscored);
        Assert.Equal([(ModelSlots.Xgb, true), (ModelSlots.Lgbm, true), (ModelSlots.Xgb, false), (ModelSlots.Lgbm, false)], votes.Select(v => (v.ModelId, v.Up)));
        Assert.All(votes, v => Assert.Equal((TradeAction.Buy, "TEST"), (v.Action, v.Symbol)));
    }
}
