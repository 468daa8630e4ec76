using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The symbol entity driven by injected bars on a real SQLite journal, with the trade feed delivering to model and account.</summary>
public sealed class SymbolEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Symbol = "TEST";
    private readonly NodeFixture _node;
    private readonly List<Models.Market.Bar> _bars = SyntheticBars.Make(Symbol, 60);

    public SymbolEntityTests() : this(CreateNode()) { }

    private SymbolEntityTests(NodeFixture node) : base(node.System) => _node = node;

    private static NodeFixture CreateNode()
    {
        var buyAt = SyntheticBars.Start.AddHours(40);
        return new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, buyAt), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, buyAt)]);
    }

    private BarProcessed Send(int index, Models.Market.Bar? bar = null)
    {
        _node.Symbols.Tell(new ProcessBar(Symbol, index + 1, bar ?? _bars[index], PortfolioView.Of(10_000), true), TestActor);
        return ExpectMsg<BarProcessed>(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_unanimous_buy_fills_at_the_next_open_and_the_stop_loss_closes_it_and_feeds_model_and_account()
    {
        for (var i = 0; i <= 41; i++) Assert.Empty(Send(i).ClosedTrades);
        var closed = Send(42, SyntheticBars.Crash(_bars[42]));

        var trade = Assert.Single(closed.ClosedTrades);
        Assert.Equal(TradeSide.Long, trade.Side);
        Assert.Equal(_bars[41].Time, trade.EntryTime);
        Assert.Equal(_bars[41].Open * (1 + 5 / 10_000.0), trade.EntryPrice, 9);
        Assert.Equal(FillReasons.StopLoss, trade.ExitReason);
        Assert.True(trade.RMultiple < -1, $"a stop-loss with fees and slippage loses more than 1R, got {trade.RMultiple}");
        Assert.True(closed.EventsPersisted >= 2, "the stop fill and the closed trade are journaled");

        var decision = trade.Decision;
        Assert.Equal(TradeAction.Buy, decision.Ensemble.Action);
        Assert.All(decision.Ensemble.Votes, v => Assert.Equal(0.5, v.Weight, 12));
        Assert.Equal(FilterVerdict.Execute, decision.Filter.Verdict);
        Assert.Equal(decision.FeatureNames.Count, decision.FeatureValues.Length);
        Assert.NotNull(decision.Sizing);

        AwaitAssert(() =>
        {
            foreach (var model in new[] { ModelSlots.Xgb, ModelSlots.Lgbm })
            {
                var report = _node.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(model), TimeSpan.FromSeconds(5)).Result;
                Assert.Equal(1, report.Trades);
                Assert.Equal(trade.RMultiple, report.AverageR, 9);
                Assert.Equal(1, report.ConsecutiveLosses);
            }
            var account = _node.Accounts.Ask<AccountStatus>(new GetAccountStatus("paper"), TimeSpan.FromSeconds(5)).Result;
            Assert.Equal(10_000 + trade.Pnl, account.Equity, 6);
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_bar_sent_twice_is_acknowledged_without_a_second_decision()
    {
        Send(0);
        var again = Send(0);
        Assert.True(again.AlreadyProcessed);
        Assert.Equal(0, again.EventsPersisted);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
