using Akka.Actor;
using Akka.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Symbols;

public sealed partial class SymbolEntity
{
    private static readonly TimeSpan RegimeAckTimeout = TimeSpan.FromSeconds(10);
    private IActorRef? _coordinator;

    /// <summary>A bar of a symbol the market does not list is refused before anything is decided or journaled.</summary>
    private DomainValidationException? UnknownSymbol(ProcessBar cmd)
    {
        if (_services.Risk.Market is not { } market || market.Contains(cmd.Symbol)) return null;
        try
        {
            market.Require(nameof(ProcessBar), nameof(ProcessBar.Symbol), cmd.Symbol);
            return null;
        }
        catch (DomainValidationException ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// A bar that changed the regime (decided now or re-aligned from the journal) is answered only once the regime
    /// coordinator has put the new overlay in force, so the next decision anywhere already runs under it.
    /// </summary>
    private void ReplyAfterRegime(IReadOnlyList<SymbolEvent> events, BarProcessed reply, IActorRef to)
    {
        var change = events.OfType<RegimeChanged>().LastOrDefault();
        if (change is null || Coordinator() is not { } coordinator)
        {
            to.Tell(reply);
            return;
        }
        coordinator.Ask<RegimeApplied>(change, RegimeAckTimeout)
            .PipeTo(to, success: _ => reply, failure: ex => new Status.Failure(ex));
    }

    private IActorRef? Coordinator()
    {
        if (_coordinator is null && ActorRegistry.For(Context.System).TryGet<RiskCoordinatorKey>(out var found)) _coordinator = found;
        return _coordinator;
    }
}
