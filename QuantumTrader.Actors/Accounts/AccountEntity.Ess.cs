using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Accounts;

/// <summary>
/// The account's emergency stop (<see cref="AccountEss"/>). Inputs are journaled (<see cref="EssTradesSettled"/>, the
/// settled trades and the marks of the open positions, from the replay driver, <see cref="EssManualTrigger"/> and <see cref="EssManualReset"/> from operators) and rebuild the state on
/// recovery; every mode change they cause is journaled right after its input as <see cref="EmergencyTriggered"/> or
/// <see cref="EmergencyRecovered"/> (old and new mode, drawdown, whether trading is enabled, the rule or the operator's
/// reason) for the audit, and published on the account's topic so a driver hears of a manual trigger at once.
/// </summary>
public sealed partial class AccountEntity
{
    private AccountEss _ess;
    // This start's options: a snapshot taken under others goes on under these.
    private readonly EssOptions _essOptions;
    private int _sinceSnapshot;

    /// <summary>The DistributedPubSub topic on which an account publishes its mode changes.</summary>
    public static string EssTopic(string accountId) => "ess-" + accountId;

    private void RegisterEss()
    {
        Recover<EssTradesSettled>(e => _ess = _ess.Apply(e).Next);
        Recover<EssManualTrigger>(e => _ess = _ess.Apply(e).Next);
        Recover<EssManualReset>(e => _ess = _ess.Apply(e).Next);
        // Derived from the inputs above: kept in the journal for the audit, not needed to rebuild the state.
        Recover<EmergencyTriggered>(_ => { });
        Recover<EmergencyRecovered>(_ => { });

        Command<SettleEssTrades>(cmd =>
        {
            var fresh = _ess.WithoutApplied(cmd.Batch);
            if (fresh.Trades.Count == 0 && fresh.Marks.Count == 0 && _ess.Clock >= fresh.AsOf)
            {
                Sender.Tell(EssStatus());
                return;
            }
            PersistEss(fresh, waitForJournal: false);
        });
        Command<TriggerEmergency>(cmd => PersistEss(new EssManualTrigger(_accountId, cmd.Reason, _ess.ManualInputTime(cmd.RequestedAt, cmd.At)) { Operator = cmd.Operator }, waitForJournal: true));
        Command<ResetEmergency>(cmd => PersistEss(new EssManualReset(_accountId, cmd.Reason, _ess.ManualInputTime(cmd.RequestedAt, cmd.At)) { Operator = cmd.Operator }, waitForJournal: true));
        Command<GetEssStatus>(_ => Sender.Tell(EssStatus()));
    }

    /// <summary>
    /// Decides first (an input the ESS refuses is answered with the reason and nothing is journaled), then journals the input
    /// and its transitions. A trade batch is answered as soon as it is decided and written in the background: the state is a
    /// function of the trades in ledger order, each applied once, so a batch a crash lost is applied again, identically, when
    /// the driver re-sends it. An operator's trigger or reset is answered only once it is in the journal.
    /// </summary>
    private void PersistEss(IDomainEvent input, bool waitForJournal)
    {
        AccountEss next;
        IReadOnlyList<EssTransition> transitions;
        try
        {
            (next, transitions) = _ess.Apply(input);
        }
        catch (DomainValidationException ex)
        {
            Sender.Tell(new Status.Failure(ex));
            return;
        }

        var changes = transitions.Select(t => t.ToEvent(_accountId)).ToArray();
        IDomainEvent[] events = [input, .. changes.Cast<IDomainEvent>()];
        var sender = Sender;
        if (waitForJournal)
        {
            PersistAll(events, _ => { });
            DeferAsync(next, Commit);
        }
        else
        {
            PersistAllAsync(events, _ => { });
            Commit(next);
        }

        void Commit(AccountEss state)
        {
            _ess = state;
            var mediator = DistributedPubSub.Get(Context.System).Mediator;
            foreach (var change in changes) mediator.Tell(new Publish(EssTopic(_accountId), change));
            sender.Tell(EssStatus());
            _sinceSnapshot += events.Length;
            if (_snapshotEvery <= 0 || _sinceSnapshot < _snapshotEvery) return;
            _sinceSnapshot = 0;
            // After the writes above: the snapshot never claims a sequence number its events have not reached.
            DeferAsync(0, _ => SaveSnapshot(Snapshot()));
        }
    }

    private EssStatus EssStatus() => new(
        _accountId, _ess.Mode, _ess.State.TradingEnabled, _ess.State.ManualLatch, _ess.State.Drawdown, _ess.Equity, _ess.State.PeakEquity,
        _ess.Clock, _ess.AppliedTradeIds.Count, _ess.Transitions) { State = _ess.State, MarkedBefore = _ess.MarkedBefore };

    private AccountStateSnapshot Snapshot()
    {
        _sinceSnapshot = 0;
        return new AccountStateSnapshot(_state, _ess);
    }

    private void RecoverSnapshot(object snapshot)
    {
        switch (snapshot)
        {
            case AccountStateSnapshot s:
                _state = s.Settlement;
                _ess = s.Ess.WithOptions(_essOptions);
                break;
            case AccountSnapshot settlement:
                _state = settlement;
                break;
            default:
                throw new InvalidOperationException($"{PersistenceId}: unknown snapshot type {snapshot.GetType().Name}");
        }
    }
}
