using Akka.Cluster.Hosting;
using Akka.Hosting;
using QuantumTrader.Actors.Hosting;

namespace QuantumTrader.Actors.Learning;

/// <summary>Registry keys of the learning cascade's singletons.</summary>
public sealed class ModelSupervisorSingleton;
public sealed class ModelRegistrySingleton;

public static class LearningHosting
{
    /// <summary>The model supervisor and the model registry, as cluster singletons with proxies; registered before the trade feed that delivers to them.</summary>
    public static AkkaConfigurationBuilder WithLearningCascade(this AkkaConfigurationBuilder builder, NodeSettings settings, NodeServices services) => builder
        .WithSingleton<ModelSupervisorSingleton>(ModelSupervisor.Id,
            (_, _, _) => ModelSupervisor.PropsFor(services.Serving, services.Rules.Regime),
            new ClusterSingletonOptions(), createProxyToo: true)
        .WithSingleton<ModelRegistrySingleton>(ModelRegistryActor.Id,
            (_, _, _) => ModelRegistryActor.PropsFor(services.Serving, services.Clock, settings.StateDirectory),
            new ClusterSingletonOptions(), createProxyToo: true);
}
