using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

/// <summary>PPO sizing objects and closed trades sized by them, for the sizing tests.</summary>
public static class PpoSizingSamples
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A PPO sizer serving a fresh agent (version 0) built from the learner's options with this seed.</summary>
    public static PpoSizing Served(bool shadow, long seed = 7, double initialLogStd = 0)
    {
        var sizing = new PpoSizing(new ExecutionOptions(), new SizingLimits(), 10_000, shadow, seed);
        using var agent = new SizingAgent(new SizingBounds(), SizingAgent.DefaultOptions with { Seed = seed, InitialLogStd = initialLogStd });
        sizing.Serve(agent.Snapshot(), 0);
        return sizing;
    }

    public static EnsembleDecision Buy(double confidence = 0.8, double agreement = 1.0) =>
        new(TradeAction.Buy, confidence, agreement, 1, 0,
            [new ModelVote(ModelSlots.Xgb, TradeAction.Buy, confidence, 0.5), new ModelVote(ModelSlots.Lgbm, TradeAction.Buy, confidence, 0.5)],
            EnsembleReasons.Unanimous);

    public static FilterResult Execute(double multiplier = 1.0) =>
        new(multiplier == 1.0 ? FilterVerdict.Execute : FilterVerdict.ReduceSize, multiplier, 1, 0.8, 0.6, false, "clean", "ok");

    public static SizingInput Input(
        DateTimeOffset time, double equity = 10_000, double peak = 10_000, string mode = "NORMAL", double price = 100, double atrPercent = 1.5,
        MarketRegime regime = MarketRegime.Ranging, double filter = 1.0, IReadOnlyDictionary<string, double>? open = null, string symbol = "TEST") =>
        new(symbol, time, new PortfolioView(equity, peak, mode, open ?? new Dictionary<string, double>()), price, price * atrPercent / 100, atrPercent,
            regime, Buy(), Execute(filter));

    /// <summary>
    /// Closed trades, one per hour, each sized by <paramref name="sizing"/> at its entry (on a copy of a real trade of the
    /// pure cascade), winning 1 % of the notional traded on odd hours and losing it on even ones.
    /// </summary>
    public static List<ClosedTrade> Trades(PpoSizing sizing, int count, int firstHour = 0, string symbol = "TEST")
    {
        var template = SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade;
        var trades = new List<ClosedTrade>();
        for (var h = firstHour; h < firstHour + count; h++)
        {
            var entry = Start.AddHours(h);
            var decision = sizing.Size(Input(entry, symbol: symbol));
            var quantity = decision.Quantity;
            var pnl = (h % 2 == 1 ? 0.01 : -0.01) * quantity * 100;
            trades.Add(template with
            {
                TradeId = BrokerState.TradeIdFor(symbol, entry),
                Symbol = symbol,
                EntryTime = entry,
                EntryPrice = 100,
                ExitTime = entry.AddMinutes(30),
                ExitPrice = 100 + pnl / quantity,
                Quantity = quantity,
                Fees = 0,
                Pnl = pnl,
                RMultiple = pnl / (quantity * decision.StopDistance),
                Decision = template.Decision with { Symbol = symbol, DecidedAt = entry, Sizing = decision },
            });
        }
        return trades;
    }
}
