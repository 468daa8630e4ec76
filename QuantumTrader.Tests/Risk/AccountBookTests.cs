using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Risk;

/// <summary>The driver's account book: what each bar may see of closed trades and open positions.</summary>
public class AccountBookTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ClosedTrade Sample = SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade;

    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    private static ClosedTrade Closed(string symbol, double entryHour, double exitHour, double pnl) => Sample with
    {
        TradeId = BrokerState.TradeIdFor(symbol, H(entryHour)), Symbol = symbol, EntryTime = H(entryHour), ExitTime = H(exitHour), Pnl = pnl,
    };

    private static PositionOpened Opened(string symbol, double entryHour, double notional) =>
        new(BrokerState.TradeIdFor(symbol, H(entryHour)), symbol, H(entryHour), notional, 100, 0);

    [Fact]
    public void The_next_known_change_is_the_earliest_entry_or_exit_at_or_after_a_time()
    {
        var book = new AccountBook(new TradeLedger(10_000));
        Assert.Null(book.NextChangeAt(H(0)));
        book.Open(Opened("BTCUSDT", 5, 500));
        book.Close(Closed("BTCUSDT", 5, 9, 12));
        book.Open(Opened("ETHUSDT", 7, -300));

        Assert.Equal(H(5), book.NextChangeAt(H(0)));
        Assert.Equal(H(5), book.NextChangeAt(H(5)));
        Assert.Equal(H(7), book.NextChangeAt(H(5.5)));
        Assert.Equal(H(9), book.NextChangeAt(H(8)));
        Assert.Null(book.NextChangeAt(H(9.5)));
    }

    [Fact]
    public void A_position_counts_from_just_after_its_entry_until_just_after_its_exit()
    {
        var book = new AccountBook(new TradeLedger(10_000));
        book.Open(Opened("BTCUSDT", 1, 500));
        book.Open(Opened("ETHUSDT", 2, -300));

        Assert.Empty(book.OpenNotionalBefore(H(1)));
        Assert.Equal(500, book.OpenNotionalBefore(H(2))["BTCUSDT"]);
        book.Close(Closed("BTCUSDT", 1, 5, -20));
        var atExit = book.OpenNotionalBefore(H(5));
        Assert.Equal((500.0, -300.0), (atExit["BTCUSDT"], atExit["ETHUSDT"]));
        var after = book.OpenNotionalBefore(H(5).AddTicks(1));
        Assert.False(after.ContainsKey("BTCUSDT"));
        Assert.Equal(-300, after["ETHUSDT"]);

        // An earlier instant asked again (a test probing the past) still sees the past.
        Assert.Equal(500, book.OpenNotionalBefore(H(3))["BTCUSDT"]);
    }

    [Fact]
    public void The_view_joins_ledger_equity_the_given_mode_and_open_notional()
    {
        var book = new AccountBook(new TradeLedger(10_000));
        book.Close(Closed("BTCUSDT", 0, 1, 200));
        book.Close(Closed("BTCUSDT", 1, 2, -500));
        book.Open(Opened("ETHUSDT", 2, 400));

        var view = book.ViewBefore(H(3), "PROTECTIVE");
        Assert.Equal(9_700, view.Equity);
        Assert.Equal(10_200, view.PeakEquity);
        Assert.Equal("PROTECTIVE", view.EssMode);
        Assert.Equal(400, Assert.Single(view.OpenNotional).Value);
    }

    [Fact]
    public void Settled_trades_are_handed_out_once_in_ledger_order()
    {
        var book = new AccountBook(new TradeLedger(10_000));
        book.Close(Closed("ETHUSDT", 0, 3, 1));
        book.Close(Closed("BTCUSDT", 1, 3, 2));
        book.Close(Closed("BTCUSDT", 4, 5, 3));

        Assert.Empty(book.TakeSettledBefore(H(3)));
        Assert.Equal(["BTCUSDT", "ETHUSDT"], book.TakeSettledBefore(H(4)).Select(t => t.Symbol));
        Assert.Empty(book.TakeSettledBefore(H(4)));
        Assert.Equal([3.0], book.TakeSettledBefore(H(6)).Select(t => t.Pnl));
    }

    [Fact]
    public void A_new_trade_exiting_before_trades_already_settled_is_refused_but_a_repeat_is_ignored()
    {
        var book = new AccountBook(new TradeLedger(10_000));
        var first = Closed("BTCUSDT", 0, 3, 1);
        book.Close(first);
        book.TakeSettledBefore(H(4));

        Assert.False(book.Close(first));
        var ex = Assert.Throws<InvalidOperationException>(() => book.Close(Closed("ETHUSDT", 1, 2, 1)));
        Assert.Contains("ETHUSDT-20210301T010000Z exited at 2021-03-01T02:00:00.0000000+00:00, before trades already settled", ex.Message);
    }

    [Fact]
    public void Trades_already_in_the_ledger_close_their_positions()
    {
        var ledger = new TradeLedger(10_000);
        ledger.Add(Closed("BTCUSDT", 1, 2, 5));
        var book = new AccountBook(ledger);
        book.Open(Opened("BTCUSDT", 1, 500));
        Assert.Empty(book.OpenNotionalBefore(H(3)));
    }

    [Fact]
    public void An_entry_fill_opens_a_signed_position_and_other_fills_do_not()
    {
        var buy = new FillExecuted("BTCUSDT", 5, H(1), new Fill("BTCUSDT", H(1), TradeAction.Buy, 100, 100.05, 2, 0.2, FillReasons.Entry));
        var sell = new FillExecuted("BTCUSDT", 5, H(1), new Fill("BTCUSDT", H(1), TradeAction.Sell, 100, 99.95, 2, 0.2, FillReasons.Entry));
        var stop = new FillExecuted("BTCUSDT", 6, H(2), new Fill("BTCUSDT", H(2), TradeAction.Sell, 98, 97.95, 2, 0.2, FillReasons.StopLoss));

        var p = PositionOpened.From(buy)!;
        Assert.Equal(("BTCUSDT-20210301T010000Z", 200.1), (p.TradeId, p.Notional));
        Assert.Equal(-199.9, PositionOpened.From(sell)!.Notional, 9);
        Assert.Null(PositionOpened.From(stop));
    }
}
