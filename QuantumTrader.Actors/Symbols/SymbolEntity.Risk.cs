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
    private readonly HashSet<long> _regimeUnconfirmed = [];
    private readonly List<(object Reply, IActorRef To)> _repliesWaiting = [];
    private long _regimeAnnouncedThrough;

    /// <summary>A bar of a symbol the market does not list is refused before anything is decided or journaled.</summary>
    private DomainValidationException? UnknownSymbol(string symbol)
    {
        if (_services.Risk.Market is not { } market || market.Contains(symbol)) return null;
        try
        {
            market.Require(nameof(ProcessBar), nameof(ProcessBar.Symbol), symbol);
            return null;
        }
        catch (DomainValidationException ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// Sends the regime coordinator the change a bar made, the first time the bar is decided (a regime follows from the
    /// bars alone, so deciding the bar again after a dropped batch gives the same change).
    /// </summary>
    private void AnnounceRegime(DecidedBar decided)
    {
        if (decided.Seq <= _regimeAnnouncedThrough) return;
        _regimeAnnouncedThrough = decided.Seq;
        if (decided.Events.OfType<RegimeChanged>().LastOrDefault() is not { } change || Coordinator() is not { } coordinator) return;
        _regimeUnconfirmed.Add(change.BarSeq);
        Timers.StartSingleTimer(RegimeTimerKey(change.BarSeq), new RegimeAckOverdue(change.BarSeq), RegimeAckTimeout);
        coordinator.Tell(change, Self);
    }

    /// <summary>
    /// Answers once the regime coordinator has put every announced regime in force, so the next decision anywhere
    /// already runs under it. The reply waits here, keyed by bar, rather than in an ask: no temporary actor per change.
    /// </summary>
    private void ReplyOnceRegimesApplied(object reply, IActorRef to)
    {
        if (_regimeUnconfirmed.Count == 0) to.Tell(reply);
        else _repliesWaiting.Add((reply, to));
    }

    private void RegisterRegimeReplies()
    {
        Command<RegimeApplied>(applied =>
        {
            Timers.Cancel(RegimeTimerKey(applied.BarSeq));
            if (!_regimeUnconfirmed.Remove(applied.BarSeq) || _regimeUnconfirmed.Count > 0) return;
            foreach (var (reply, to) in _repliesWaiting) to.Tell(reply);
            _repliesWaiting.Clear();
        });
        Command<RegimeAckOverdue>(overdue =>
        {
            if (!_regimeUnconfirmed.Contains(overdue.BarSeq)) return;
            var failure = new Status.Failure(new TimeoutException(
                $"{PersistenceId} bar #{overdue.BarSeq}: the regime coordinator did not confirm the new regime within {RegimeAckTimeout}"));
            foreach (var seq in _regimeUnconfirmed) Timers.Cancel(RegimeTimerKey(seq));
            _regimeUnconfirmed.Clear();
            foreach (var (_, to) in _repliesWaiting) to.Tell(failure);
            _repliesWaiting.Clear();
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
