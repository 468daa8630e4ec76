using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// Closed trades for the learning cascade: the real trade of <see cref="SymbolTimeline"/> (real entry features, so the
/// regime at entry classifies) with the id, exit time, R-multiple and the models' votes each test needs.
/// </summary>
public static class LearningTrades
{
    public static readonly DateTimeOffset Start = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<ClosedTrade> Template = new(() => SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade);

    /// <summary>Trade number <paramref name="n"/>, a long decided <paramref name="n"/> - 1 and closed <paramref name="n"/> hours after <paramref name="from"/> (default <see cref="Start"/>).</summary>
    public static ClosedTrade Long(int n, double r, IReadOnlyList<(string Model, TradeAction Vote)> votes, DateTimeOffset? from = null)
    {
        var t = Template.Value;
        var ensemble = t.Decision.Ensemble with
        {
            Votes = votes.Select(v => new ModelVote(v.Model, v.Vote, 0.9, 1.0 / votes.Count)).ToArray(),
        };
        return t with
        {
            TradeId = $"TEST-{n:D4}",
            Side = TradeSide.Long,
            ExitTime = (from ?? Start).AddHours(n),
            RMultiple = r,
            Decision = t.Decision with { Ensemble = ensemble, DecidedAt = (from ?? Start).AddHours(n - 1) },
        };
    }

    /// <summary>The xgb slot backs the trade and lgbm votes against it: xgb earns R, lgbm −R.</summary>
    public static ClosedTrade XgbWithLgbmAgainst(int n, double r, DateTimeOffset? from = null) =>
        Long(n, r, [(ModelSlots.Xgb, TradeAction.Buy), (ModelSlots.Lgbm, TradeAction.Sell)], from);

    public static ClosedTrade BothBuy(int n, double r, DateTimeOffset? from = null) =>
        Long(n, r, [(ModelSlots.Xgb, TradeAction.Buy), (ModelSlots.Lgbm, TradeAction.Buy)], from);
}
