using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
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
}
