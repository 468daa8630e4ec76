using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// A position as the account sees it once its entry filled: signed notional at the entry price (long positive), the
/// entry price and the fee the entry paid, so the account can mark it to a later close (<see cref="OpenPnlAt"/>).
/// </summary>
public sealed record PositionOpened
{
    public PositionOpened(string tradeId, string symbol, DateTimeOffset entryTime, double notional, double entryPrice, double entryFee)
    {
        const string T = nameof(PositionOpened);
        TradeId = Guard.NotEmpty(T, nameof(TradeId), tradeId);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        EntryTime = entryTime;
        Notional = Guard.Finite(T, nameof(Notional), notional);
        Guard.That(notional != 0, T, nameof(Notional), "an open position has a size", notional);
        EntryPrice = Guard.Positive(T, nameof(EntryPrice), entryPrice);
        EntryFee = Guard.NonNegative(T, nameof(EntryFee), entryFee);
    }

    public string TradeId { get; }
    public string Symbol { get; }
    public DateTimeOffset EntryTime { get; }
    public double Notional { get; }
    public double EntryPrice { get; }
    public double EntryFee { get; }

    /// <summary>What the position has made at <paramref name="close"/>, its entry fee paid and its exit's not yet.</summary>
    public double OpenPnlAt(double close) => Notional * (close / EntryPrice - 1) - EntryFee;

    /// <summary>The position an entry fill opened; null for any other fill.</summary>
    public static PositionOpened? From(FillExecuted filled)
    {
        Guard.NotNull(nameof(PositionOpened), "filled", filled);
        var fill = filled.Fill;
        if (fill.Reason != FillReasons.Entry) return null;
        var sign = fill.Direction == TradeAction.Buy ? 1.0 : -1.0;
        return new PositionOpened(BrokerState.TradeIdFor(filled.Symbol, fill.Time), filled.Symbol, fill.Time, sign * fill.Price * fill.Quantity,
            fill.Price, fill.Fee);
    }
}

/// <summary>
/// The replay driver's view of the account: the closed-trade ledger plus every position opened, so each bar can be
/// given the equity, and the open notional per symbol, as of just before its time. Both follow the ledger's rule:
/// only what happened strictly before the bar counts (a position is open at t when it entered before t and had not
/// exited before t), so the view is the same whether the run was interrupted or not.
/// <see cref="TakeSettledBefore"/> hands out closed trades in ledger order, each once, for the account's emergency stop.
/// Closed trades are added through <see cref="Close"/> (the trades already in the ledger when the book is made count too).
/// </summary>
public sealed class AccountBook
{
    private readonly List<PositionOpened> _positions = [];
    private readonly HashSet<string> _opened = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _exits = new(StringComparer.Ordinal);
    private List<PositionOpened> _live = [];
    private DateTimeOffset _liveAsOf = DateTimeOffset.MinValue;
    private int _settled;
    private DateTimeOffset? _settledBefore;

    public AccountBook(TradeLedger ledger)
    {
        Ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        foreach (var t in ledger.Trades) _exits[t.TradeId] = t.ExitTime;
    }

    public TradeLedger Ledger { get; }

    public IReadOnlyList<PositionOpened> Positions => _positions;

    /// <summary>Records an opened position once per trade id; false for a repeat.</summary>
    public bool Open(PositionOpened position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (!_opened.Add(position.TradeId)) return false;
        _positions.Add(position);
        _live.Add(position);
        return true;
    }

    /// <summary>
    /// Records a closed trade once per trade id; false for a repeat. A new trade that exited before trades already
    /// handed out by <see cref="TakeSettledBefore"/> would reorder the emergency stop's history, so it is refused.
    /// </summary>
    public bool Close(ClosedTrade trade)
    {
        ArgumentNullException.ThrowIfNull(trade);
        if (_settledBefore is { } settled && trade.ExitTime < settled && !_exits.ContainsKey(trade.TradeId))
            throw new InvalidOperationException(
                $"closed trade {trade.TradeId} exited at {trade.ExitTime:O}, before trades already settled up to {settled:O}; bars must arrive in time order");
        if (!Ledger.Add(trade)) return false;
        _exits[trade.TradeId] = trade.ExitTime;
        return true;
    }

    /// <summary>When the trade <paramref name="tradeId"/> exited, or null while the book knows it open.</summary>
    public DateTimeOffset? ExitOf(string tradeId) => _exits.TryGetValue(tradeId, out var exit) ? exit : null;

    /// <summary>Signed open notional per symbol just before <paramref name="time"/>; symbols without a position are left out.</summary>
    public IReadOnlyDictionary<string, double> OpenNotionalBefore(DateTimeOffset time)
    {
        // Queries come in time order; a position that exited before one query's time is closed for every later one.
        if (time < _liveAsOf) _live = [.. _positions];
        _live.RemoveAll(p => _exits.TryGetValue(p.TradeId, out var exit) && exit < time);
        _liveAsOf = time;

        var open = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in _live)
        {
            if (p.EntryTime < time)
                open[p.Symbol] = open.GetValueOrDefault(p.Symbol) + p.Notional;
        }
        return open;
    }

    /// <summary>The account as a bar at <paramref name="time"/> sees it, with the emergency-stop mode given by the caller.</summary>
    public PortfolioView ViewBefore(DateTimeOffset time, string essMode) =>
        Ledger.ViewBefore(time) with { EssMode = essMode, OpenNotional = OpenNotionalBefore(time) };

    /// <summary>
    /// The earliest entry or exit at or after <paramref name="time"/> the book already knows (a resumed run loads them from
    /// the journal ahead of the replay): views of bars after it differ from the view at <paramref name="time"/>. Null when none.
    /// </summary>
    public DateTimeOffset? NextChangeAt(DateTimeOffset time)
    {
        DateTimeOffset? next = null;
        foreach (var p in _positions)
            if (p.EntryTime >= time && (next is null || p.EntryTime < next)) next = p.EntryTime;
        foreach (var exit in _exits.Values)
            if (exit >= time && (next is null || exit < next)) next = exit;
        return next;
    }

    /// <summary>What <see cref="TakeSettledBefore"/> would hand out, without handing it out.</summary>
    public IReadOnlyList<ClosedTrade> SettledBefore(DateTimeOffset time)
    {
        var trades = Ledger.Trades;
        if (_settled >= trades.Count || trades[_settled].ExitTime >= time) return [];
        var pending = new List<ClosedTrade>();
        for (var i = _settled; i < trades.Count && trades[i].ExitTime < time; i++)
            pending.Add(trades[i]);
        return pending;
    }

    /// <summary>Closed trades that exited strictly before <paramref name="time"/> and were not handed out yet, in ledger order.</summary>
    public IReadOnlyList<ClosedTrade> TakeSettledBefore(DateTimeOffset time)
    {
        var trades = Ledger.Trades;
        var taken = new List<ClosedTrade>();
        while (_settled < trades.Count && trades[_settled].ExitTime < time)
            taken.Add(trades[_settled++]);
        if (_settledBefore is null || time > _settledBefore) _settledBefore = time;
        return taken;
    }
}
