using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class PerformanceBreakdownTests
{
    [Fact]
    public void Each_model_earns_its_vote_per_symbol_and_its_weakest_symbol_is_named()
    {
        // xgb backs every trade and lgbm votes against; BTCUSDT trades win, ETHUSDT trades lose two in three.
        var trades = Enumerable.Range(1, 30).Select(i =>
        {
            var t = LearningTrades.XgbWithLgbmAgainst(i, i % 2 == 0 ? 1.5 : i % 3 == 0 ? 0.5 : -1.0);
            return t with { Symbol = i % 2 == 0 ? "BTCUSDT" : "ETHUSDT" };
        }).Append(LearningTrades.Long(31, 2.0, [(ModelSlots.Xgb, TradeAction.Hold), (ModelSlots.Lgbm, TradeAction.Buy)]) with { Symbol = "BTCUSDT" }).ToArray();

        var rows = PerformanceBreakdown.Of(trades, BreakdownBy.Symbol);

        Assert.Equal(["xgb BTCUSDT", "xgb ETHUSDT", "lgbm BTCUSDT", "lgbm ETHUSDT"], rows.Select(r => $"{r.Stats.ModelId} {r.Group}"));
        var xgbBtc = rows[0].Stats;
        Assert.Equal((15, 1.0, 1.5), (xgbBtc.Trades, xgbBtc.WinRate, xgbBtc.MeanR));
        var xgbEth = rows[1].Stats;
        Assert.Equal((15, 5.0 / 15), (xgbEth.Trades, xgbEth.WinRate));
        Assert.Equal([false, true], rows.Take(2).Select(r => r.Weakest));
        // lgbm voted against the first 30, so it earns -R there; on trade 31 xgb's HOLD does not count and lgbm's BUY earns +R.
        var lgbmBtc = rows[2].Stats;
        Assert.Equal(16, lgbmBtc.Trades);
        Assert.Equal((15 * -1.5 + 2.0) / 16, lgbmBtc.MeanR, 12);
        Assert.Equal(1.0 / 16, lgbmBtc.WinRate, 12);
        Assert.Equal(10.0 / 15, rows[3].Stats.WinRate, 12);
        Assert.Equal([true, false], rows.Skip(2).Select(r => r.Weakest));
    }

    [Fact]
    public void A_group_with_too_few_trades_is_never_the_weakest_and_regimes_come_from_the_entry_features()
    {
        var trades = Enumerable.Range(1, 12).Select(i => LearningTrades.BothBuy(i, i <= 3 ? -1.0 : 1.0)).ToArray();

        var byRegime = PerformanceBreakdown.Of(trades, BreakdownBy.Regime, minTrades: 13);
        var expected = ModelSupervisorState.RegimeAtEntry(trades[0].Decision, new Models.Features.RegimeClassifier());

        Assert.NotNull(expected);
        Assert.Equal([(ModelSlots.Xgb, expected), (ModelSlots.Lgbm, expected)], byRegime.Select(r => (r.Stats.ModelId, (string?)r.Group)));
        Assert.All(byRegime, r => Assert.False(r.Weakest));
        Assert.All(PerformanceBreakdown.Of(trades, BreakdownBy.Regime, minTrades: 12), r => Assert.True(r.Weakest));
    }
}
