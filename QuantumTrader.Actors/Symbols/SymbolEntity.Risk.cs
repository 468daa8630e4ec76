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
    private readonly Dictionary<long, (BarProcessed Reply, IActorRef To)> _awaitingRegime = [];

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
    /// coordinator has put the new overlay in force, so the next decision anywhere already runs under it. The reply
    /// waits here, keyed by bar, rather than in an ask: no temporary actor and no continuation per change.
    /// </summary>
    private void ReplyAfterRegime(IReadOnlyList<SymbolEvent> events, BarProcessed reply, IActorRef to)
    {
        var change = events.OfType<RegimeChanged>().LastOrDefault();
        if (change is null || Coordinator() is not { } coordinator)
        {
            to.Tell(reply);
            return;
        }
        _awaitingRegime[change.BarSeq] = (reply, to);
        Timers.StartSingleTimer(RegimeTimerKey(change.BarSeq), new RegimeAckOverdue(change.BarSeq), RegimeAckTimeout);
        coordinator.Tell(change, Self);
    }

    private void RegisterRegimeReplies()
    {
        Command<RegimeApplied>(applied =>
        {
            Timers.Cancel(RegimeTimerKey(applied.BarSeq));
            if (_awaitingRegime.Remove(applied.BarSeq, out var waiting)) waiting.To.Tell(waiting.Reply);
        });
        Command<RegimeAckOverdue>(overdue =>
        {
            if (_awaitingRegime.Remove(overdue.BarSeq, out var waiting))
                waiting.To.Tell(new Status.Failure(new TimeoutException(
                    $"{PersistenceId} bar #{overdue.BarSeq}: the regime coordinator did not confirm the new regime within {RegimeAckTimeout}")));
        });
    }

    private static string RegimeTimerKey(long barSeq) => "regime-" + barSeq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record RegimeAckOverdue(long BarSeq);

    private IActorRef? Coordinator()
    {
        if (_coordinator is null && ActorRegistry.For(Context.System).TryGet<RiskCoordinatorKey>(out var found)) _coordinator = found;
        return _coordinator;
    }
}
