using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using QuantumTrader.Actors.Hosting;

namespace QuantumTrader.Actors.Sizing;

/// <summary>Registry key of the sizing learner's singleton proxy.</summary>
public sealed class SizingLearnerSingleton;

public static class SizingHosting
{
    /// <summary>Starts the sizing learner singleton when the node sizes with PPO; a node with fixed sizing has none.</summary>
    public static AkkaConfigurationBuilder WithSizingLearner(this AkkaConfigurationBuilder builder, NodeSettings settings, NodeServices services) =>
        services.SizingLearning is { } learning
            ? builder.WithSingleton<SizingLearnerSingleton>("sizing-learner",
                (_, _, _) => SizingLearner.PropsFor(learning, settings.StateDirectory), new ClusterSingletonOptions(), createProxyToo: true)
            : builder;

    /// <summary>The learner's proxy, or null when the node has no sizing learner.</summary>
    public static IActorRef? LearnerOf(IReadOnlyActorRegistry registry, NodeServices services) =>
        services.SizingLearning is null ? null : registry.Get<SizingLearnerSingleton>();
}
