using Akka.Actor;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Actors.Accounts;

/// <summary>
/// The paper account: equity, its peak and the worst drawdown, settled once per closed trade by the trade feed;
/// and its emergency stop (AccountEntity.Ess.cs).
/// </summary>
public sealed partial class AccountEntity : ReceivePersistentActor
{
    private readonly string _accountId;
    private readonly int _snapshotEvery;
    private AccountSnapshot _state;

    public AccountEntity(string accountId, double startingEquity, int snapshotEvery)
    {
        _accountId = accountId;
        _snapshotEvery = snapshotEvery;
        _state = new AccountSnapshot(startingEquity, startingEquity, startingEquity, 0, []);
        _ess = AccountEss.Start(accountId, startingEquity);
        Recover<SnapshotOffer>(o => RecoverSnapshot(o.Snapshot));
        Recover<TradeSettled>(Apply);
        RegisterEss();
        Command<SettleTrade>(Handle);
        Command<GetAccountStatus>(_ => Sender.Tell(new AccountStatus(
            _accountId, _state.StartingEquity, _state.Equity, _state.PeakEquity, _state.MaxDrawdownPercent, _state.SettledTradeIds.Count)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.Account(_accountId);

    public static Props PropsFor(string accountId, double startingEquity, int snapshotEvery) =>
        Props.Create(() => new AccountEntity(accountId, startingEquity, snapshotEvery));

    private void Handle(SettleTrade cmd)
    {
        if (_state.SettledTradeIds.Contains(cmd.TradeId))
        {
            Sender.Tell(new SettleAck(_accountId, cmd.TradeId, true));
            return;
        }
        Persist(new TradeSettled(_accountId, cmd.TradeId, cmd.Symbol, cmd.Time, cmd.Pnl, _state.Equity + cmd.Pnl), e =>
        {
            Apply(e);
            Sender.Tell(new SettleAck(_accountId, cmd.TradeId, false));
            if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0) SaveSnapshot(Snapshot());
        });
    }

    private void Apply(TradeSettled e)
    {
        if (_state.SettledTradeIds.Contains(e.TradeId)) return;
        var peak = Math.Max(_state.PeakEquity, e.EquityAfter);
        var drawdown = peak > 0 ? (e.EquityAfter - peak) / peak * 100 : 0;
        _state = _state with
        {
            Equity = e.EquityAfter,
            PeakEquity = peak,
            MaxDrawdownPercent = Math.Min(_state.MaxDrawdownPercent, drawdown),
            SettledTradeIds = [.. _state.SettledTradeIds, e.TradeId],
        };
    }
}
