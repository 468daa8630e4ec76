using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Sizing;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Learning.Ppo;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>
/// The sizing learner singleton on a real SQLite journal: experiences in, a PPO update every N of them, checkpoints and
/// version events out, the serving policy swapped; a crash loses no experience and resumes the policy of the crash point.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SizingLearnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const long Seed = 7;

    private static NodeFixture Node(TempDir dir, int updateEvery, bool shadow = true, bool ppo = true)
    {
        var buy = SyntheticBars.Start.AddHours(40);
        return new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, buy), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, buy)], 500, dir,
            basic =>
            {
                if (!ppo) return basic;
                var rules = basic.Rules;
                var sizing = new PpoSizing(rules.Execution, new SizingLimits(), 10_000, shadow, Seed);
                return basic with { Sizing = sizing, SizingLearning = new SizingLearning(sizing, updateEvery) };
            });
    }

    private static IActorRef Learner(NodeFixture node) => node.Registry.Get<SizingLearnerSingleton>();

    private static Task<SizingOutcomesAck> Record(NodeFixture node, IEnumerable<ClosedTrade> trades) =>
        Learner(node).Ask<SizingOutcomesAck>(new RecordSizingOutcomes(trades.ToArray()), Timeout);

    private static Task<SizingLearnerStatus> Status(NodeFixture node) => Learner(node).Ask<SizingLearnerStatus>(GetSizingLearnerStatus.Instance, Timeout);

    private static PpoSizing Serving(NodeFixture node) => (PpoSizing)node.Services.Sizing;

    private static List<ClosedTrade> SampleTrades(int count)
    {
        var sizing = PpoSizingSamples.Served(shadow: true, Seed);
        return PpoSizingSamples.Trades(sizing, count);
    }

    private static async Task<List<object>> Journal(NodeFixture node)
    {
        var journal = PersistenceQuery.Get(node.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        return await journal.CurrentEventsByPersistenceId(EntityIds.SizingLearner, 0, long.MaxValue)
            .RunAggregate(new List<object>(), (list, env) => { list.Add(env.Event); return list; }, node.System.Materializer());
    }

    [Fact]
    public async Task After_N_experiences_the_learner_updates_checkpoints_journals_the_version_and_serves_it()
    {
        using var dir = new TempDir();
        await using var node = Node(dir, updateEvery: 4);
        var trades = SampleTrades(5);

        Assert.Equal(0, (await Status(node)).PolicyVersion);
        Assert.Equal(0, Serving(node).Version);
        Assert.Equal(new SizingOutcomesAck(3, 0, 3, 0), await Record(node, trades.Take(3)));
        Assert.Equal(new SizingOutcomesAck(2, 0, 2, 1), await Record(node, trades.Skip(3)));

        var status = await Status(node);
        Assert.Equal((1, 5, 1, 4, 5), (status.PolicyVersion, status.Experiences, status.Pending, status.UpdateEvery, status.TradesRecorded));
        var checkpoint = Path.Combine(dir.Path, "models", "ppo", "policy-v1.pt");
        Assert.True(File.Exists(checkpoint) && File.Exists(checkpoint + ".json"), "the new version is checkpointed with its sidecar");

        var events = await Journal(node);
        Assert.Equal(6, events.Count);
        var update = Assert.IsType<SizingPolicyUpdated>(events[4]);
        Assert.Equal(1, update.Version);
        Assert.Equal(trades.Take(4).Select(t => t.TradeId), update.TradeIds);
        Assert.Equal("models/ppo/policy-v1.pt", update.Checkpoint);
        var rewards = events.Take(4).Cast<SizingOutcomeRecorded>().Select(e => e.Experience!.Reward).ToArray();
        Assert.Equal(rewards.Average(), update.MeanReward, 6);
        Assert.Equal(trades[4].TradeId, Assert.IsType<SizingOutcomeRecorded>(events[5]).TradeId);
        Assert.Equal(update.Version, Assert.Single(status.History).Version);

        // The entities now size with version 1, which is the checkpoint's policy.
        Assert.Equal(1, Serving(node).Version);
        var input = PpoSizingSamples.Input(PpoSizingSamples.Start.AddDays(3));
        using var saved = SizingAgent.Load(checkpoint);
        var served = Serving(node).Size(input);
        Assert.Equal(1, served.Policy!.Version);
        Assert.Equal(saved.Decide(Serving(node).StateOf(input), deterministic: true).Value, served.Value!.Value, 5);
    }

    [Fact]
    public async Task A_trade_is_recorded_once_however_often_it_is_delivered()
    {
        using var dir = new TempDir();
        await using var node = Node(dir, updateEvery: 10);
        var trades = SampleTrades(2);
        Assert.Equal(new SizingOutcomesAck(2, 0, 2, 0), await Record(node, trades));
        Assert.Equal(new SizingOutcomesAck(0, 2, 0, 0), await Record(node, trades));
        Assert.Equal(new SizingOutcomesAck(1, 1, 1, 0), await Record(node, [trades[1], .. SampleTrades(3).Skip(2)]));
        Assert.Equal(3, (await Status(node)).Experiences);
    }

    [Fact]
    public async Task Experiences_survive_a_crash_and_the_update_after_it_equals_an_uninterrupted_learners()
    {
        var trades = SampleTrades(4);
        using var straightDir = new TempDir();
        await using (var straight = Node(straightDir, updateEvery: 4))
            Assert.Equal(1, (await Record(straight, trades)).PolicyVersion);

        using var dir = new TempDir();
        await using var node = Node(dir, updateEvery: 4);
        await Record(node, trades.Take(3));
        await node.CrashAndStart();

        var status = await Status(node);
        Assert.Equal((0, 3, 3, 3), (status.PolicyVersion, status.Experiences, status.Pending, status.TradesRecorded));
        Assert.Equal(new SizingOutcomesAck(1, 3, 1, 1), await Record(node, trades));
        var update = (await Journal(node)).OfType<SizingPolicyUpdated>().Single();
        Assert.Equal(trades.Select(t => t.TradeId), update.TradeIds);

        var checkpoint = Path.Combine("models", "ppo", "policy-v1.pt");
        Assert.Equal(File.ReadAllBytes(Path.Combine(straightDir.Path, checkpoint)), File.ReadAllBytes(Path.Combine(dir.Path, checkpoint)));
    }

    [Fact]
    public async Task After_a_crash_the_entities_size_with_the_policy_of_the_crash_point()
    {
        using var dir = new TempDir();
        await using var node = Node(dir, updateEvery: 2);
        var trades = SampleTrades(4);
        await Record(node, trades.Take(3));
        var input = PpoSizingSamples.Input(PpoSizingSamples.Start.AddDays(5));
        var before = Serving(node).Size(input);
        Assert.Equal(1, before.Policy!.Version);

        await node.CrashAndStart();

        var status = await Status(node);
        Assert.Equal((1, 1), (status.PolicyVersion, status.Pending));
        var after = Serving(node).Size(input);
        Assert.Equal(before.Action, after.Action);
        Assert.Equal(before.LogProb, after.LogProb);
        Assert.Equal(before.Policy, after.Policy);

        Assert.Equal(2, (await Record(node, trades.Skip(3))).PolicyVersion);
        Assert.Equal([trades[2].TradeId, trades[3].TradeId], (await Journal(node)).OfType<SizingPolicyUpdated>().Last().TradeIds);
    }

    [Fact]
    public async Task In_shadow_mode_the_entity_trades_as_fixed_sizing_does_and_the_feed_brings_the_trade_to_the_learner()
    {
        var bars = SyntheticBars.Make("TEST", 60);
        async Task<ClosedTrade> TradeOf(NodeFixture node)
        {
            var closed = new List<ClosedTrade>();
            for (var i = 0; i <= 42; i++)
            {
                var bar = i == 42 ? SyntheticBars.Crash(bars[i]) : bars[i];
                var reply = await node.Symbols.Ask<BarProcessed>(new ProcessBar("TEST", i + 1, bar, PortfolioView.Of(10_000), true), Timeout);
                closed.AddRange(reply.ClosedTrades);
            }
            return Assert.Single(closed);
        }

        using var fixedDir = new TempDir();
        ClosedTrade fixedTrade;
        await using (var fixedNode = Node(fixedDir, updateEvery: 4, ppo: false))
            fixedTrade = await TradeOf(fixedNode);

        using var dir = new TempDir();
        await using var node = Node(dir, updateEvery: 4);
        await Status(node);
        var shadowTrade = await TradeOf(node);

        Assert.Equal(fixedTrade with { Decision = null! }, shadowTrade with { Decision = null! });
        var sizing = shadowTrade.Decision.Sizing!;
        Assert.Equal(PpoSizing.ShadowName, sizing.Sizer);
        Assert.Equal(fixedTrade.Decision.Sizing!.Quantity, sizing.Quantity);
        Assert.False(sizing.Policy!.Applied);
        Assert.NotNull(sizing.LogProb);

        // Nobody pushed the trade to the learner: the trade feed delivers it from the journal.
        var deadline = DateTime.UtcNow + Timeout;
        SizingLearnerStatus status;
        while ((status = await Status(node)).TradesRecorded == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal((1, 1), (status.TradesRecorded, status.Experiences));
    }
}
