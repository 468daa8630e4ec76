using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The replay driver's side of the cascade on a real node: which weights each bar votes with, live and after a restart.</summary>
public sealed class LearningDriverTests
{
    private static readonly DateTimeOffset Rebalanced = LearningTrades.Start.AddHours(19);

    private static NodeFixture Node(TempDir dir) =>
        new([ScriptedPredictor.BuyAt(ModelSlots.Xgb, SyntheticBars.Start), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, SyntheticBars.Start)], dir: dir);

    private static Task<LearningDriver> Driver(NodeFixture node, TempDir dir, IReadOnlyList<ClosedTrade>? journaled = null) =>
        LearningDriver.StartAsync(node.Registry, node.Serving, new RunSettings { Data = [], StateDirectory = dir.Path },
            new TradingPlan(new Dictionary<string, DateTimeOffset>(), LearningTrades.Start), Array.Empty<Bar>(), journaled ?? [],
            new CollectingObserver([], []), CancellationToken.None);

    private static ClosedTrade[] Trades() =>
        Enumerable.Range(0, 20).Select(i => LearningTrades.XgbWithLgbmAgainst(i, i % 2 == 0 ? 2.5 : 1.5)).ToArray();

    [Fact]
    public async Task A_bar_votes_with_the_weights_of_the_trades_that_exited_before_it_and_a_restart_keeps_that()
    {
        using var dir = new TempDir();
        await using var node = Node(dir);
        var driver = await Driver(node, dir);
        foreach (var trade in Trades()) await driver.AfterBarAsync([trade], CancellationToken.None);
        var rebalanced = node.Serving.Weights;
        Assert.Equal(0.40, rebalanced.WeightOf(ModelSlots.Xgb), 9);

        driver.BeforeBar(Rebalanced);
        Assert.Equal(EnsembleWeights.Default, node.Serving.Weights);
        driver.BeforeBar(Rebalanced.AddHours(1));
        Assert.Equal(rebalanced, node.Serving.Weights);

        // After a crash (which may come before the supervisor's background writes land) the run hands the journaled trades
        // over again: the supervisor serves the same latest weights, and bars before the change are re-decided with the old ones.
        node.Serving.TrySetWeights(EnsembleWeights.Default, out _);
        await node.CrashAndStart();
        var resumed = await Driver(node, dir, Trades());
        Assert.Equal(rebalanced, node.Serving.Weights);
        resumed.BeforeBar(LearningTrades.Start.AddHours(5));
        Assert.Equal(EnsembleWeights.Default, node.Serving.Weights);
        resumed.BeforeBar(Rebalanced.AddMinutes(1));
        Assert.Equal(rebalanced, node.Serving.Weights);
    }

    [Fact]
    public async Task Journaled_trades_the_supervisor_never_saw_are_handed_over_at_the_start()
    {
        using var dir = new TempDir();
        await using var node = Node(dir);
        var driver = await Driver(node, dir, Trades());

        Assert.Equal(0.40, node.Serving.Weights.WeightOf(ModelSlots.Xgb), 9);
        Assert.Equal(EnsembleWeights.Default, driver.WeightsBefore(Rebalanced));
        Assert.Equal(node.Serving.Weights, driver.WeightsBefore(Rebalanced.AddTicks(1)));
    }
}
