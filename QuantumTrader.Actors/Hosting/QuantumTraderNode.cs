using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using QuantumTrader.Actors.Accounts;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Actors.Feeds;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.ModelPerformance;
using QuantumTrader.Models.Risk;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Sizing;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Actors.Symbols;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Hosting;

/// <summary>Registry keys of the node's actors.</summary>
public sealed class SymbolRegion;
public sealed class ModelRegion;
public sealed class AccountRegion;
public sealed class TradeFeedSingleton;
public sealed class AlertFeedActor;

/// <summary>
/// The in-process services the entities use: the served models, the cascade's rules, sizing and the risk gate;
/// <paramref name="SizingLearning"/> when sizing is a learned policy that a sizing learner singleton updates.
/// </summary>
public sealed record NodeServices(
    EnsembleServing Serving, SymbolRules Rules, ISizingPolicy Sizing, IOrderGate Gate, double StartingEquity = 10_000, string AccountId = "paper",
    SizingLearning? SizingLearning = null)
{
    /// <summary>What the risk gate reads: replicated policy, applied regime overlays, return correlation.</summary>
    public RiskBoard Risk { get; init; } = new();

    /// <summary>How far the node's job has decided its bars; dates an operator's registry command.</summary>
    public MarketClock Clock { get; init; } = new();

    /// <summary>Holds an operator's emergency-stop trigger or reset for the next bar while a start decides its bars.</summary>
    public EssHandover EssHandover { get; init; } = new();

    /// <summary>The emergency stop's thresholds, damping and auto-recovery switch, for every account this node hosts.</summary>
    public EssOptions Ess { get; init; } = EssOptions.Default;

    public static NodeServices Default(EnsembleServing serving, SymbolRules rules, double startingEquity = 10_000) =>
        new(serving, rules, new FixedFractionSizing(new Models.Execution.FixedFractionSizer(rules.Execution)), OpenGate.Instance, startingEquity);
}

public static class QuantumTraderNode
{
    /// <summary>Configuration, sharded entities and the trade feed of one node; hosts and tests call the same extension.</summary>
    public static AkkaConfigurationBuilder WithQuantumTraderNode(this AkkaConfigurationBuilder builder, NodeSettings settings, NodeServices services)
    {
        var shardOptions = new ShardOptions
        {
            StateStoreMode = StateStoreMode.DData,
            RememberEntities = false,
            PassivateIdleEntityAfter = TimeSpan.FromMinutes(10),
        };
        var extractor = new RoutingExtractor(EntityIds.ShardCount);
        if (SqliteJournal.Connections(settings) is { } connections) builder.AddSetup(connections);
        if (settings.Alerts is { } alerts)
            builder.WithActors((system, registry) => registry.Register<AlertFeedActor>(system.ActorOf(AlertFeed.PropsFor(alerts, services.Serving), EntityIds.AlertFeed)));

        return builder
            .AddHocon(HoconFiles.Node(settings), HoconAddMode.Prepend)
            .WithRisk(services)
            .WithShardRegion<SymbolRegion>(EntityIds.SymbolType,
                symbol => SymbolEntity.PropsFor(symbol, services, settings.SnapshotEvery), extractor,
                new ShardOptions
                {
                    StateStoreMode = shardOptions.StateStoreMode,
                    RememberEntities = false,
                    PassivateIdleEntityAfter = shardOptions.PassivateIdleEntityAfter,
                    HandOffStopMessage = StopSymbol.Instance,
                })
            .WithShardRegion<ModelRegion>(EntityIds.ModelType,
                modelId => ModelEntity.PropsFor(modelId, settings.SnapshotEvery), extractor, shardOptions)
            .WithShardRegion<AccountRegion>(EntityIds.AccountType,
                accountId => AccountEntity.PropsFor(accountId, services.StartingEquity, settings.SnapshotEvery, services.Ess), extractor, shardOptions)
            .WithLearningCascade(settings, services)
            .WithSizingLearner(settings, services)
            .WithSingleton<TradeFeedSingleton>("trade-feed",
                (_, registry, _) => TradeFeed.PropsFor(registry.Get<ModelRegion>(), registry.Get<AccountRegion>(), services.AccountId,
                    registry.Get<ModelSupervisorSingleton>(), registry.Get<ModelRegistrySingleton>(), SizingHosting.LearnerOf(registry, services)),
                new ClusterSingletonOptions(), createProxyToo: true)
            .AddStartup((system, _) =>
            {
                if (settings.SeedNodes.Count == 0)
                {
                    var cluster = Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                }
            });
    }
}
