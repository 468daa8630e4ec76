using Akka.Cluster.Hosting;
using Akka.Hosting;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Risk;

/// <summary>Registry keys of the risk actors.</summary>
public sealed class RiskCoordinatorKey;
public sealed class PolicyStoreSingleton;

public static class RiskHosting
{
    /// <summary>This node's regime coordinator and policy replica, and the cluster's policy store singleton (with its proxy).</summary>
    public static AkkaConfigurationBuilder WithRisk(this AkkaConfigurationBuilder builder, NodeServices services) =>
        builder
            .WithActors((system, registry) =>
            {
                registry.Register<RiskCoordinatorKey>(system.ActorOf(RiskCoordinator.PropsFor(services.Risk), "risk-coordinator"));
            })
            .WithSingleton<PolicyStoreSingleton>(PolicyStore.Id, (_, _, _) => PolicyStore.PropsFor(services.Clock), new ClusterSingletonOptions(), createProxyToo: true);

    /// <summary>The services with the risk gate in front of every order, on a board that knows the market's symbols.</summary>
    public static NodeServices WithRiskGate(this NodeServices services, KnownSymbols? market = null)
    {
        var board = market is null ? services.Risk : new RiskBoard(market);
        return services with { Risk = board, Gate = new RiskOrderGate(board) };
    }
}
