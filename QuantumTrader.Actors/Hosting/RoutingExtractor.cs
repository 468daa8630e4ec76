using Akka.Cluster.Sharding;
using QuantumTrader.Actors.Protocol;

namespace QuantumTrader.Actors.Hosting;

/// <summary>Routes by the message's marker interface, so one extractor serves every entity type.</summary>
public sealed class RoutingExtractor(int shardCount) : HashCodeMessageExtractor(shardCount)
{
    public override string EntityId(object message) => message switch
    {
        IWithSymbol s => s.Symbol,
        IWithModelId m => m.ModelId,
        IWithAccountId a => a.AccountId,
        _ => null!,
    };
}
