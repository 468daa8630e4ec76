using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

public sealed class ModelAttributionTests
{
    [Fact]
    public void A_vote_with_the_trade_earns_its_R_a_vote_against_earns_minus_R_and_hold_is_not_scored()
    {
        var trade = SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade;
        var votes = new List<ModelVote>
        {
            new(ModelSlots.Xgb, TradeAction.Buy, 0.8, 0.25),
            new(ModelSlots.Lgbm, TradeAction.Sell, 0.7, 0.25),
            new(ModelSlots.Nhits, TradeAction.Hold, 0, 0.3),
        };
        var longTrade = trade with { Side = TradeSide.Long, RMultiple = -1.4, Decision = trade.Decision with { Ensemble = trade.Decision.Ensemble with { Votes = votes } } };

        var outcomes = ModelAttribution.Outcomes(longTrade);

        Assert.Equal([(ModelSlots.Xgb, -1.4), (ModelSlots.Lgbm, 1.4)], outcomes);
        var shortTrade = longTrade with { Side = TradeSide.Short };
        Assert.Equal([(ModelSlots.Xgb, 1.4), (ModelSlots.Lgbm, -1.4)], ModelAttribution.Outcomes(shortTrade));
    }
}
