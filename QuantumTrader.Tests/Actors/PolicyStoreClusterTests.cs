using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>Two actor systems joined in one cluster on loopback, sharing one SQLite journal: the policy store's changes reach both.</summary>
public sealed class PolicyStoreClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly RiskLimits Tighter = new(250, 8, 0.6, 3, 800, 500, 0.7);

    private sealed record Node(IHost Host, NodeServices Services)
    {
        public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();
        public IActorRef Store => Host.Services.GetRequiredService<ActorRegistry>().Get<PolicyStoreSingleton>();
    }

    private static async Task<Node> Start(TempDir dir, params string[] seeds)
    {
        var settings = new NodeSettings { StateDirectory = dir.Path, SeedNodes = seeds };
        SqliteJournal.Prepare(settings);
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        var services = NodeServices.Default(serving, new SymbolRules()).WithRiskGate();
        // Faster gossip than production so joining and leaving take a fraction of a second.
        var host = RunJob.BuildHost(settings, services, b => b.AddHocon(
            "akka.cluster { gossip-interval = 200ms, leader-actions-interval = 200ms, unreachable-nodes-reaper-interval = 200ms }", HoconAddMode.Prepend));
        await host.StartAsync();
        return new Node(host, services);
    }

    /// <summary>Waits for a condition the cluster reaches by itself (membership, gossip); fails with the last state seen.</summary>
    private static async Task Until(Func<bool> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("not reached: " + state());
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_limit_changed_on_one_node_is_seen_on_the_other_and_survives_a_restart()
    {
        using var dir = new TempDir();
        var first = await Start(dir);
        var second = await Start(dir, Cluster.Get(first.System).SelfAddress.ToString());
        try
        {
            await Until(() => Cluster.Get(second.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2,
                () => string.Join(", ", Cluster.Get(second.System).State.Members));

            var changed = await first.Store.Ask<RiskPolicyState>(new ChangeRiskLimits(EssMode.Cautious, Tighter, "tighter after a loss streak"), Timeout);
            Assert.Equal(1, changed.Version);

            await Until(() => second.Services.Risk.Policy.Version == 1, () => $"second node holds version {second.Services.Risk.Policy.Version}");
            Assert.Equal(Tighter, second.Services.Risk.Policy.Policy.Cautious);
            Assert.Equal(RiskPolicy.Default.Normal, second.Services.Risk.Policy.Policy.Normal);
            var asked = await second.Store.Ask<RiskPolicyState>(GetRiskPolicy.Instance, Timeout);
            Assert.Equal((1L, Tighter), (asked.Version, asked.Policy.Cautious));

            var change = Assert.IsType<RiskLimitsChanged>(Assert.Single(await JournalReader.Events(first.System, PolicyStore.Id)));
            Assert.Equal((EssMode.Cautious, RiskPolicy.Default.Cautious, Tighter, "tighter after a loss streak"), (change.Mode, change.Previous, change.Current, change.Reason));
        }
        finally
        {
            await second.Host.StopAsync();
            await first.Host.StopAsync();
            second.Host.Dispose();
            first.Host.Dispose();
        }

        var restarted = await Start(dir);
        try
        {
            var recovered = await restarted.Store.Ask<RiskPolicyState>(GetRiskPolicy.Instance, Timeout);
            Assert.Equal((1L, Tighter), (recovered.Version, recovered.Policy.Cautious));
            await Until(() => restarted.Services.Risk.Policy.Version == 1, () => $"restarted node holds version {restarted.Services.Risk.Policy.Version}");
        }
        finally
        {
            await restarted.Host.StopAsync();
            restarted.Host.Dispose();
        }
    }

    [Fact]
    public async Task A_limit_change_while_the_node_decides_the_bars_of_a_start_is_refused_and_nothing_is_journaled()
    {
        using var dir = new TempDir();
        var node = await Start(dir);
        try
        {
            var lastBar = new DateTimeOffset(2021, 5, 22, 2, 0, 0, TimeSpan.Zero);
            node.Services.Clock.Deciding(lastBar);
            var refused = await Assert.ThrowsAsync<OperatorRefusedException>(() =>
                node.Store.Ask<RiskPolicyState>(new ChangeRiskLimits(EssMode.Cautious, Tighter, "tighter after a loss streak"), Timeout));
            Assert.Contains("deciding the bars of its start (through 2021-05-22 02:00 UTC)", refused.Message);
            Assert.Equal(0, (await node.Store.Ask<RiskPolicyState>(GetRiskPolicy.Instance, Timeout)).Version);
            Assert.Empty(await JournalReader.Events(node.System, PolicyStore.Id));

            node.Services.Clock.Decided(lastBar);
            var changed = await node.Store.Ask<RiskPolicyState>(new ChangeRiskLimits(EssMode.Cautious, Tighter, "tighter after a loss streak"), Timeout);
            Assert.Equal((1L, Tighter), (changed.Version, changed.Policy.Cautious));
        }
        finally
        {
            await node.Host.StopAsync();
            node.Host.Dispose();
        }
    }
}
