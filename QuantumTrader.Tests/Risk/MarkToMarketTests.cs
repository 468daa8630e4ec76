using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Risk;

/// <summary>Marking open positions at the closes: which bars get a mark, what it holds, and what is forgotten.</summary>
public class MarkToMarketTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    private static Bar Bar(string symbol, double hour, double close) => new(symbol, H(hour), close, close, close, close, 1);

    private static MarkToMarket Closes(params (string Symbol, double Hour, double Close)[] closes)
    {
        var marks = new MarkToMarket();
        marks.Observe(closes.Select(c => Bar(c.Symbol, c.Hour, c.Close)).ToArray());
        return marks;
    }

    [Fact]
    public void An_open_position_is_marked_at_every_bar_from_its_entry_and_not_after_its_exit()
    {
        var marks = Closes(("BTCUSDT", 0, 100), ("BTCUSDT", 1, 102), ("BTCUSDT", 2, 99), ("BTCUSDT", 3, 105), ("BTCUSDT", 4, 110));
        // Long 1,000 of notional at 100 with a fee of 1, entered at hour 1 and exited at hour 3.
        var position = new PositionOpened("BTCUSDT-1", "BTCUSDT", H(1), 1_000, 100, 1);

        var got = marks.Marks(null, H(10), [position], _ => H(3));

        Assert.Equal([H(1), H(2), H(3)], got.Select(m => m.Time));
        Assert.Equal(1_000 * 0.02 - 1, got[0].OpenPnl, 10);
        Assert.Equal(1_000 * -0.01 - 1, got[1].OpenPnl, 10);
        // At its exit the trade is settled, not marked: the mark is there, at zero.
        Assert.Equal(0, got[2].OpenPnl);
    }

    [Fact]
    public void A_short_gains_when_the_close_falls_and_a_symbol_without_a_bar_keeps_its_last_close()
    {
        var marks = Closes(("BTCUSDT", 0, 100), ("ETHUSDT", 0, 50), ("BTCUSDT", 1, 90), ("BTCUSDT", 2, 80), ("ETHUSDT", 2, 55));
        var shortBtc = new PositionOpened("BTCUSDT-0", "BTCUSDT", H(0), -500, 100, 0);
        var longEth = new PositionOpened("ETHUSDT-0", "ETHUSDT", H(0), 200, 50, 0);

        var got = marks.Marks(H(1), H(3), [shortBtc, longEth], _ => null);

        Assert.Equal([H(1), H(2)], got.Select(m => m.Time));
        Assert.Equal(50 + 0, got[0].OpenPnl, 10);
        Assert.Equal(100 + 20, got[1].OpenPnl, 10);
    }

    [Fact]
    public void Bars_without_an_open_position_get_no_mark_and_a_bar_seen_again_changes_nothing()
    {
        var marks = Closes(("BTCUSDT", 0, 100), ("BTCUSDT", 1, 101), ("BTCUSDT", 2, 102));
        // Timestamps already taken are skipped when handed again as part of a batch.
        marks.Observe([Bar("BTCUSDT", 1, 50), Bar("BTCUSDT", 2, 50)]);
        var position = new PositionOpened("BTCUSDT-2", "BTCUSDT", H(2), 1_000, 102, 0);

        var got = Assert.Single(marks.Marks(null, H(3), [position], _ => null));
        Assert.Equal((H(2), 0.0), (got.Time, got.OpenPnl));
        Assert.Empty(marks.Marks(null, H(2), [position], _ => null));
        Assert.Empty(marks.Marks(H(3), H(3), [position], _ => null));
    }

    [Fact]
    public void Forgetting_keeps_the_close_a_later_mark_needs()
    {
        var marks = Closes(("BTCUSDT", 0, 100), ("ETHUSDT", 0, 50), ("BTCUSDT", 1, 110), ("BTCUSDT", 2, 120));
        var longEth = new PositionOpened("ETHUSDT-0", "ETHUSDT", H(0), 100, 50, 0);
        marks.ForgetBefore(H(2));

        // ETHUSDT's last close is from hour 0, before the forgotten times: still there for the mark at hour 2.
        var got = Assert.Single(marks.Marks(null, H(3), [longEth], _ => null));
        Assert.Equal((H(2), 0.0), (got.Time, got.OpenPnl));
    }

    [Fact]
    public void A_position_whose_symbol_never_had_a_bar_cannot_be_marked()
    {
        var marks = Closes(("BTCUSDT", 0, 100));
        var orphan = new PositionOpened("ETHUSDT-0", "ETHUSDT", H(0), 100, 50, 0);

        var error = Assert.Throws<InvalidOperationException>(() => marks.Marks(null, H(1), [orphan], _ => null));
        Assert.Contains("no close of ETHUSDT", error.Message);
    }
}
