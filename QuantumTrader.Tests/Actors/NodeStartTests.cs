using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Risk;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>What an operator sees when a node starts: its singletons answer and nothing is logged as a warning.</summary>
public sealed class NodeStartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_node_starts_and_finds_its_singletons_without_logging_a_warning()
    {
        await using var node = new NodeFixture([], config: $"akka.loggers = [\"{typeof(WarningCollector).FullName}, {typeof(WarningCollector).Assembly.GetName().Name}\"]");

        // Every singleton answers through its proxy.
        await node.Feed.Ask<TradeFeedStatus>(GetTradeFeedStatus.Instance, Timeout);
        await node.Registry.Get<ModelSupervisorSingleton>().Ask<SupervisorStatus>(GetSupervisorStatus.Instance, Timeout);
        await node.Registry.Get<ModelRegistrySingleton>().Ask<ModelRegistryView>(GetModelRegistry.Instance, Timeout);
        await node.Registry.Get<PolicyStoreSingleton>().Ask<RiskPolicyState>(GetRiskPolicy.Instance, Timeout);

        // Log events reach the logger in order: once this marker is in, so is every warning logged before it.
        var marker = Guid.NewGuid().ToString();
        node.System.EventStream.Publish(new Warning("test", typeof(NodeStartTests), marker));
        var log = WarningCollector.For(node.System);
        await WaitUntil(() => log.Any(e => e.Message?.ToString() == marker));

        Assert.Empty(log.Where(e => e.LogLevel() >= LogLevel.WarningLevel && e.Message?.ToString() != marker).Select(e => $"{e.LogSource}: {e.Message}"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the logger did not receive the marker event");
            await Task.Delay(20);
        }
    }
}

/// <summary>A logger that keeps every event of its actor system, so a test can read what an operator would see.</summary>
public sealed class WarningCollector : ReceiveActor
{
    private static readonly ConditionalWeakTable<ActorSystem, ConcurrentQueue<LogEvent>> Logs = new();

    public WarningCollector()
    {
        var log = For(Context.System);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(log.Enqueue);
    }

    public static ConcurrentQueue<LogEvent> For(ActorSystem system) => Logs.GetValue(system, _ => new ConcurrentQueue<LogEvent>());
}
