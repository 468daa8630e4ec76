using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The model supervisor singleton driven by injected closed trades on a real SQLite journal.</summary>
public sealed class ModelSupervisorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const string Symbol = "TEST";

    private static NodeFixture Node(TempDir? dir = null)
    {
        var buyAt = SyntheticBars.Start.AddHours(40);
        return new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, buyAt), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, buyAt)], dir: dir);
    }

    private static IActorRef Supervisor(NodeFixture node) => node.Registry.Get<ModelSupervisorSingleton>();

    private static Task<SupervisionResult> Supervise(NodeFixture node, params ClosedTrade[] trades) =>
        Supervisor(node).Ask<SupervisionResult>(new SuperviseClosedTrades(trades), Timeout);

    private static Task<SupervisorStatus> Status(NodeFixture node) =>
        Supervisor(node).Ask<SupervisorStatus>(GetSupervisorStatus.Instance, Timeout);

    private static readonly Dictionary<string, double> Expected = new()
    {
        [ModelSlots.Xgb] = 0.40, [ModelSlots.Lgbm] = 0.05, [ModelSlots.Nhits] = 0.33, [ModelSlots.PatchTst] = 0.22,
    };

    private static void AssertWeights(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (model, w) in expected) Assert.Equal(w, actual[model], 9);
    }

    [Fact]
    public async Task The_three_loss_warning_fires_on_the_third_loss_and_is_journaled()
    {
        await using var node = Node();
        double[] r = [0.8, -1, -1, -1, 0.5];
        var replies = new List<SupervisionResult>();
        for (var i = 0; i < r.Length; i++) replies.Add(await Supervise(node, LearningTrades.BothBuy(i, r[i])));

        Assert.All(replies, x => Assert.Equal((1, 0), (x.Applied, x.Duplicates)));
        Assert.Equal([0, 0, 0, 2, 0], replies.Select(x => x.Alarms.Count));
        Assert.All(replies[3].Alarms, a =>
        {
            Assert.Equal(DriftDetectorNames.ConsecutiveLosses, a.Alarm.Detector);
            Assert.Equal(3, a.TradeIndex);
            Assert.Equal(LearningTrades.Start.AddHours(3), a.Time);
        });
        Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm], replies[3].Alarms.Select(a => a.ModelId));

        Assert.Equal(5, (await Status(node)).TradesSupervised);
        await node.CrashAndStart();
        var status = await Status(node);
        Assert.Equal(5, status.TradesSupervised);
        Assert.Equal(2, status.Alarms.Count);
        Assert.All(status.Alarms, a => Assert.Equal(3, a.TradeIndex));
    }

    [Fact]
    public async Task New_weights_are_served_at_once_and_the_next_vote_uses_them()
    {
        await using var node = Node();
        var first = Enumerable.Range(0, 19).Select(i => LearningTrades.XgbWithLgbmAgainst(i, i % 2 == 0 ? 2.5 : 1.5)).ToArray();
        var before = await Supervise(node, first);
        Assert.Empty(before.WeightDecisions);
        Assert.Equal(EnsembleWeights.Default, node.Serving.Weights);

        var twentieth = await Supervise(node, LearningTrades.XgbWithLgbmAgainst(19, 1.5));
        var rebalanced = Assert.IsType<WeightsRebalanced>(Assert.Single(twentieth.WeightDecisions));
        AssertWeights(Expected, rebalanced.Overall);
        AssertWeights(Expected, node.Serving.Weights.Values);
        Assert.Equal(LearningTrades.Start.AddHours(19), twentieth.WeightsAsOf);

        // The symbol's next decision: both models buy at bar 40 and their votes carry the new weights, renormalised.
        BarProcessed? closing = null;
        var bars = SyntheticBars.Make(Symbol, 43);
        for (var i = 0; i <= 42; i++)
        {
            var bar = i == 42 ? SyntheticBars.Crash(bars[i]) : bars[i];
            closing = await node.Symbols.Ask<BarProcessed>(new ProcessBar(Symbol, i + 1, bar, PortfolioView.Of(10_000), true), Timeout);
        }
        var votes = Assert.Single(closing!.ClosedTrades).Decision.Ensemble.Votes.ToDictionary(v => v.ModelId, v => v.Weight);
        Assert.Equal(0.40 / 0.45, votes[ModelSlots.Xgb], 9);
        Assert.Equal(0.05 / 0.45, votes[ModelSlots.Lgbm], 9);
    }

    [Fact]
    public async Task A_refused_weight_set_leaves_the_last_good_one_in_force_and_is_journaled_with_its_reason()
    {
        await using var node = Node();
        await Supervise(node, Enumerable.Range(0, 20).Select(i => LearningTrades.XgbWithLgbmAgainst(i, i % 2 == 0 ? 2.5 : 1.5)).ToArray());
        AssertWeights(Expected, node.Serving.Weights.Values);

        var noRegimes = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        var tooMuch = await Supervisor(node).Ask<SupervisionResult>(new ProposeEnsembleWeights(
            new Dictionary<string, double> { ["xgb"] = 0.7, ["lgbm"] = 0.5, ["nhits"] = 0, ["patchtst"] = 0 }, noRegimes, "operator", LearningTrades.Start.AddDays(2)), Timeout);
        var negative = await Supervisor(node).Ask<SupervisionResult>(new ProposeEnsembleWeights(
            new Dictionary<string, double> { ["xgb"] = 1.2, ["lgbm"] = -0.2, ["nhits"] = 0, ["patchtst"] = 0 }, noRegimes, "operator", LearningTrades.Start.AddDays(2)), Timeout);

        Assert.Equal("overall: weights sum to 1.2, not 1", Assert.IsType<WeightsRefused>(Assert.Single(tooMuch.WeightDecisions)).Reason);
        Assert.Equal("overall: weight of lgbm is negative (-0.2)", Assert.IsType<WeightsRefused>(Assert.Single(negative.WeightDecisions)).Reason);
        AssertWeights(Expected, tooMuch.Weights);
        AssertWeights(Expected, node.Serving.Weights.Values);

        node.Serving.TrySetWeights(EnsembleWeights.Default, out _);
        await node.CrashAndStart();
        var status = await Status(node);
        AssertWeights(Expected, status.Weights);
        Assert.Equal([typeof(WeightsRebalanced), typeof(WeightsRefused), typeof(WeightsRefused)], status.WeightHistory.Select(w => w.GetType()));
        AssertWeights(Expected, node.Serving.Weights.Values);
    }

    [Fact]
    public async Task A_trade_delivered_twice_by_driver_and_feed_counts_once_also_after_a_restart()
    {
        await using var node = Node();
        var trades = Enumerable.Range(0, 3).Select(i => LearningTrades.BothBuy(i, -1)).ToArray();
        var once = await Supervise(node, trades);
        var twice = await Supervise(node, trades);
        Assert.Equal((3, 0), (once.Applied, once.Duplicates));
        Assert.Equal((0, 3), (twice.Applied, twice.Duplicates));
        Assert.Empty(twice.Alarms);

        Assert.Equal(3, (await Status(node)).TradesSupervised);
        await node.CrashAndStart();
        var again = await Supervise(node, [.. trades, LearningTrades.BothBuy(3, -1)]);
        Assert.Equal((1, 3), (again.Applied, again.Duplicates));
        var status = await Status(node);
        Assert.Equal(4, status.TradesSupervised);
        var xgb = status.Models.Single(m => m.ModelId == ModelSlots.Xgb);
        Assert.Equal((4, -1.0), (xgb.Trades, xgb.MeanR));
    }
}
