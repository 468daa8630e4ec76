using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>Trades journaled while the feed could not see them reach the model entities and the account after a restart, once each.</summary>
public sealed class TradeFeedTests
{
    private const string Symbol = "TEST";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Trades_closed_while_the_feed_was_blind_are_delivered_after_a_crash_and_each_counts_once()
    {
        var bars = SyntheticBars.Make(Symbol, 120);
        DateTimeOffset[] buys = [bars[40].Time, bars[60].Time, bars[80].Time];
        IPredictor Buyer(string slot) => new ScriptedPredictor(slot, i => new Prediction(slot, buys.Contains(i.Features.Time) ? TradeAction.Buy : TradeAction.Hold, 0.9));

        // The first node's feed polls the journal once an hour: the trades its symbol closes stay unseen.
        using var dir = new TempDir();
        await using var node = new NodeFixture([Buyer(ModelSlots.Xgb), Buyer(ModelSlots.Lgbm)], dir: dir,
            config: "akka.persistence.query.journal.sql.refresh-interval = 1h");
        var closed = new List<Models.Execution.ClosedTrade>();
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = i is 42 or 62 or 82 ? SyntheticBars.Crash(bars[i]) : bars[i];
            closed.AddRange((await node.Symbols.Ask<BarProcessed>(new ProcessBar(Symbol, i + 1, bar, PortfolioView.Of(10_000), true), Timeout)).ClosedTrades);
        }
        await node.Symbols.Ask<SymbolFlushed>(new FlushSymbol(Symbol), Timeout);
        Assert.Equal(3, closed.Count);
        Assert.Equal(0, (await node.Feed.Ask<TradeFeedStatus>(GetTradeFeedStatus.Instance, Timeout)).TradesDelivered);

        node.Config = "";
        await node.CrashAndStart();

        await AwaitDelivered(node, 3);
        foreach (var model in new[] { ModelSlots.Xgb, ModelSlots.Lgbm })
        {
            var report = await node.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(model), Timeout);
            Assert.Equal(3, report.Trades);
            Assert.Equal(closed.Average(t => t.RMultiple), report.AverageR, 9);
        }
        var account = await node.Accounts.Ask<AccountStatus>(new GetAccountStatus("paper"), Timeout);
        Assert.Equal(3, account.TradesSettled);
        Assert.Equal(10_000 + closed.Sum(t => t.Pnl), account.Equity, 6);

        // A restart re-reads from the persisted offset: nothing is delivered twice.
        await node.Restart();
        await AwaitDelivered(node, 3);
        Assert.Equal(3, (await node.Accounts.Ask<AccountStatus>(new GetAccountStatus("paper"), Timeout)).TradesSettled);
        Assert.Equal(3, (await node.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(ModelSlots.Xgb), Timeout)).Trades);
    }

    private static async Task AwaitDelivered(NodeFixture node, int trades)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await node.Feed.Ask<TradeFeedStatus>(GetTradeFeedStatus.Instance, Timeout)).TradesDelivered < trades)
        {
            Assert.True(waited.Elapsed < Timeout, $"the feed delivered fewer than {trades} trades within {Timeout}");
            await Task.Delay(100);
        }
    }
}
