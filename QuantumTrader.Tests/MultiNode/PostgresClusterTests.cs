using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.MultiNode;

/// <summary>
/// Two nodes in one cluster on loopback sharing one PostgreSQL database, as a multi-node deployment runs: the model
/// entities spread over both, and when one node crashes the survivor downs it, takes its shards, and every entity
/// comes back from the shared journal with everything it had recorded. The account's manual emergency stop survives too.
/// </summary>
public sealed class PostgresClusterTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The first ask after the crash waits for the crashed node's shards to be allocated again and their entities to recover; on a loaded machine that took over 30 s.</summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);
    private static readonly DateTimeOffset T0 = new(2021, 1, 4, 0, 0, 0, TimeSpan.Zero);

    private sealed record Node(IHost Host)
    {
        public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();
        public IActorRef Models => Host.Services.GetRequiredService<ActorRegistry>().Get<ModelRegion>();
        public IActorRef Accounts => Host.Services.GetRequiredService<ActorRegistry>().Get<AccountRegion>();
        public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);
    }

    private static async Task<Node> Start(string connection, int port, params string[] seeds)
    {
        var settings = new NodeSettings
        {
            Persistence = PersistenceBackend.Postgres, ConnectionString = connection, Port = port, SeedNodes = seeds, StateDirectory = Path.GetTempPath(),
        };
        var services = NodeServices.Default(new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { }), new SymbolRules());
        // Faster gossip, failure detection and split-brain decisions than production, so a crash is handled in seconds.
        var host = RunJob.BuildHost(settings, services, b => b.AddHocon("""
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            akka.cluster {
              gossip-interval = 200ms
              leader-actions-interval = 200ms
              unreachable-nodes-reaper-interval = 200ms
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s }
              split-brain-resolver.stable-after = 2s
            }
            """, HoconAddMode.Prepend));
        await host.StartAsync();
        return new Node(host);
    }

    private static async Task Until(Func<Task<bool>> condition, Func<string> state)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("not reached: " + state());
            await Task.Delay(100);
        }
    }

    /// <summary>Entities per node address, as the cluster's sharding reports them.</summary>
    private static async Task<IReadOnlyDictionary<Address, int>> EntitiesByNode(IActorRef region) =>
        (await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), Timeout))
        .Regions.ToDictionary(r => r.Key, r => r.Value.Stats.Values.Sum());

    [Fact]
    public async Task When_a_node_crashes_the_survivor_takes_its_entities_and_they_recover_everything_from_postgres()
    {
        var connection = await postgres.CreateDatabaseAsync();
        // The split-brain resolver keeps the half with the lowest address when two nodes lose each other: the survivor gets the lower port.
        var ports = new[] { FreePort.Next(), FreePort.Next() }.Order().ToArray();
        var survivor = await Start(connection, ports[0]);
        var crashing = await Start(connection, ports[1], survivor.Cluster.SelfAddress.ToString());
        try
        {
            await Until(() => Task.FromResult(survivor.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
                () => string.Join(", ", survivor.Cluster.State.Members));
            await Until(async () => (await survivor.Models.Ask<CurrentRegions>(GetCurrentRegions.Instance, Timeout)).Regions.Count == 2,
                () => "the second node's model region has not registered");

            // Twelve models, each with its own R-multiples, recorded through the survivor's region wherever the entity lives.
            var models = Enumerable.Range(1, 12).Select(i => $"model-{i:00}").ToArray();
            foreach (var (id, i) in models.Select((id, i) => (id, i)))
            {
                var outcomes = new[] { new ModelOutcome($"{id}-a", "BTCUSDT", T0, 1.0 + i), new ModelOutcome($"{id}-b", "BTCUSDT", T0.AddHours(1), -1.0) };
                Assert.Equal(2, (await survivor.Models.Ask<OutcomesAck>(new RecordModelOutcomes(id, outcomes), Timeout)).Recorded);
            }
            var triggered = await crashing.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", T0), Timeout);
            Assert.Equal(EssMode.Emergency, triggered.Mode);

            var before = await EntitiesByNode(survivor.Models);
            Assert.True(before.GetValueOrDefault(crashing.Cluster.SelfAddress) > 0, $"the second node hosts model entities: {string.Join(", ", before)}");

            var crashedAddress = crashing.Cluster.SelfAddress;
            await crashing.System.Terminate();

            // The survivor sees the node unreachable, downs it, and is alone in the cluster.
            await Until(() => Task.FromResult(survivor.Cluster.State.Members.All(m => m.Address != crashedAddress)),
                () => string.Join(", ", survivor.Cluster.State.Members) + " unreachable: " + string.Join(", ", survivor.Cluster.State.Unreachable));

            foreach (var (id, i) in models.Select((id, i) => (id, i)))
            {
                var report = await survivor.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(id), RecoveryTimeout);
                Assert.Equal((2, 0.5, (1.0 + i - 1.0) / 2), (report.Trades, report.WinRate, report.AverageR));
            }
            var after = await EntitiesByNode(survivor.Models);
            Assert.Equal([survivor.Cluster.SelfAddress], after.Keys);
            Assert.Equal(12, after[survivor.Cluster.SelfAddress]);

            var ess = await survivor.Accounts.Ask<EssStatus>(new GetEssStatus("paper"), Timeout);
            Assert.Equal((EssMode.Emergency, true, false), (ess.Mode, ess.ManualLatch, ess.TradingEnabled));

            // A redelivered outcome is recognised by its trade id on the survivor too: nothing counts twice.
            var again = await survivor.Models.Ask<OutcomesAck>(new RecordModelOutcomes(models[0], [new ModelOutcome($"{models[0]}-a", "BTCUSDT", T0, 1.0)]), Timeout);
            Assert.Equal((0, 1), (again.Recorded, again.Duplicates));
        }
        finally
        {
            await survivor.Host.StopAsync();
            survivor.Host.Dispose();
            crashing.Host.Dispose();
        }
    }
}
