using Akka.Actor;
using Akka.Persistence;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

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
    // Settlements issued but not yet durable, on top of _state: the next settlement builds on them, status and snapshots do not.
    private AccountSnapshot? _ahead;
    private int _writing;

    public AccountEntity(string accountId, double startingEquity, int snapshotEvery, EssOptions essOptions)
    {
        _accountId = accountId;
        _snapshotEvery = snapshotEvery;
        _essOptions = essOptions;
        _state = new AccountSnapshot(startingEquity, startingEquity, startingEquity, 0, []);
        _ess = AccountEss.Start(accountId, startingEquity, essOptions);
        Recover<SnapshotOffer>(o => RecoverSnapshot(o.Snapshot));
        Recover<TradesSettled>(e => _state = e.Trades.Aggregate(_state, Applied));
        Recover<TradeSettled>(e => _state = Applied(_state, e));
        RegisterEss();
        Command<SettleTrades>(Handle);
        Command<GetAccountStatus>(_ => Sender.Tell(new AccountStatus(
            _accountId, _state.StartingEquity, _state.Equity, _state.PeakEquity, _state.MaxDrawdownPercent, _state.SettledTradeIds.Count)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => EntityIds.Account(_accountId);

    public static Props PropsFor(string accountId, double startingEquity, int snapshotEvery, EssOptions? essOptions = null) =>
        Props.Create(() => new AccountEntity(accountId, startingEquity, snapshotEvery, essOptions ?? EssOptions.Default));

    /// <summary>
    /// A delivery's new settlements are one event, acknowledged once durable (the feed advances its offset on the ack),
    /// without holding up the other commands meanwhile: the replay's emergency-stop settlements must not queue behind
    /// the feed's writes.
    /// </summary>
    private void Handle(SettleTrades cmd)
    {
        var basis = _ahead ?? _state;
        var sender = Sender;
        var settled = new List<TradeSettled>();
        foreach (var t in cmd.Trades)
        {
            if (basis.SettledTradeIds.Contains(t.TradeId)) continue;
            var trade = new TradeSettled(_accountId, t.TradeId, t.Symbol, t.Time, t.Pnl, basis.Equity + t.Pnl);
            basis = Applied(basis, trade);
            settled.Add(trade);
        }
        var duplicates = cmd.Trades.Count - settled.Count;
        if (settled.Count == 0)
        {
            DeferAsync(duplicates, n => sender.Tell(new SettleAck(_accountId, 0, n)));
            return;
        }
        _ahead = basis;
        _writing++;
        PersistAsync(new TradesSettled(_accountId, settled), e =>
        {
            _state = e.Trades.Aggregate(_state, Applied);
            if (--_writing == 0) _ahead = null;
            sender.Tell(new SettleAck(_accountId, e.Trades.Count, duplicates));
            if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0) SaveSnapshot(Snapshot());
        });
    }

    private static AccountSnapshot Applied(AccountSnapshot state, TradeSettled e)
    {
        if (state.SettledTradeIds.Contains(e.TradeId)) return state;
        var peak = Math.Max(state.PeakEquity, e.EquityAfter);
        return state with
        {
            Equity = e.EquityAfter,
            PeakEquity = peak,
            MaxDrawdownPercent = Math.Min(state.MaxDrawdownPercent, Drawdown.Percent(e.EquityAfter, peak)),
            SettledTradeIds = [.. state.SettledTradeIds, e.TradeId],
        };
    }
}
