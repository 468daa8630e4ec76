using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// How a closed trade counts for each model: a model that voted the trade's side earns its R-multiple, a model that voted
/// against it earns the negative (it was right when the trade lost), a model that voted HOLD is not scored.
/// </summary>
public static class ModelAttribution
{
    public static IReadOnlyList<(string ModelId, double RMultiple)> Outcomes(ClosedTrade trade)
    {
        var with = trade.Side == TradeSide.Long ? TradeAction.Buy : TradeAction.Sell;
        var against = with == TradeAction.Buy ? TradeAction.Sell : TradeAction.Buy;
        var result = new List<(string, double)>();
        foreach (var vote in trade.Decision.Ensemble.Votes)
        {
            if (vote.Action == with) result.Add((vote.ModelId, trade.RMultiple));
            else if (vote.Action == against) result.Add((vote.ModelId, -trade.RMultiple));
        }
        return result;
    }
}
