using System.Text.Json;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

/// <summary>The account's emergency stop fed with injected trades: equity path, each trade once, market clock, mode at an instant.</summary>
public class AccountEssTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    private static EssTrade Trade(string id, double entryHour, double exitHour, double pnl) => new(id, "BTCUSDT", H(entryHour), H(exitHour), pnl);

    private static EssTradesSettled Batch(double asOfHour, params EssTrade[] trades) => new("paper", H(asOfHour), trades);

    private static (AccountEss Ess, List<EssTransition> Transitions) Settle(AccountEss ess, params EssTradesSettled[] batches)
    {
        var all = new List<EssTransition>();
        foreach (var b in batches)
        {
            var (next, ts) = ess.Apply(b);
            ess = next;
            all.AddRange(ts);
        }
        return (ess, all);
    }

    [Fact]
    public void The_first_loss_counts_from_the_starting_equity()
    {
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), Batch(2, Trade("t1", 0, 1, -300)));

        Assert.Equal(9_700, ess.Equity);
        Assert.Equal(10_000, ess.State.PeakEquity);
        Assert.Equal(-3.0, ess.State.Drawdown, 10);
        var t = Assert.Single(ts);
        Assert.Equal((H(1), EssMode.Normal, EssMode.Cautious), (t.Time, t.From, t.To));
        Assert.Equal(H(2), ess.Clock);
    }

    [Fact]
    public void A_trade_sent_again_is_applied_once()
    {
        var batch = Batch(2, Trade("t1", 0, 1, -300));
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), batch, batch, Batch(3, Trade("t1", 0, 1, -300)));

        Assert.Single(ts);
        Assert.Equal(9_700, ess.Equity);
        Assert.Equal(["t1"], ess.AppliedTradeIds);
        Assert.True(ess.HasApplied("t1"));
        Assert.Empty(ess.WithoutApplied(batch).Trades);
    }

    [Fact]
    public void A_long_lived_account_applies_thousands_of_trades_each_once_and_in_ledger_order()
    {
        var trades = Enumerable.Range(0, 5_000).Select(i => Trade($"t{i:D5}", i, i + 0.5, i % 3 == 0 ? -1 : 1)).ToArray();
        var ess = AccountEss.Start("paper", 10_000);
        foreach (var t in trades) ess = ess.Apply(Batch(t.ExitTime.Subtract(T0).TotalHours, t)).Next;
        var again = ess.Apply(Batch(6_000, trades)).Next;

        Assert.Equal(10_000 + trades.Sum(t => t.Pnl), again.Equity);
        Assert.Equal(trades.Select(t => t.TradeId), again.AppliedTradeIds);
        Assert.All(trades, t => Assert.True(again.HasApplied(t.TradeId)));
        Assert.Empty(again.WithoutApplied(Batch(6_001, trades)).Trades);
        // the state before the re-send is unchanged by it
        Assert.Equal(5_000, ess.AppliedTradeIds.Count);
        Assert.False(AccountEss.Start("paper", 10_000).HasApplied("t00000"));
    }

    [Fact]
    public void Equity_walks_into_emergency_and_back_to_normal_one_confirmed_stage_at_a_time()
    {
        // -12% at hour 1, back to the peak at hour 2, then small wins every hour: each stage needs 6 hours held.
        var trades = new List<EssTrade> { Trade("crash", 0, 1, -1_200), Trade("rebound", 1, 2, 1_250) };
        for (var h = 3; h <= 21; h++) trades.Add(Trade($"w{h:00}", h - 1, h, 1));
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), Batch(21, [.. trades]));

        Assert.Equal(
            [(H(1), EssMode.Normal, EssMode.Emergency), (H(8), EssMode.Emergency, EssMode.Protective),
             (H(14), EssMode.Protective, EssMode.Cautious), (H(20), EssMode.Cautious, EssMode.Normal)],
            ts.Select(t => (t.Time, t.From, t.To)));
        Assert.Equal(-12.0, ts[0].Drawdown, 10);
        Assert.False(ts[0].TradingEnabled);
        Assert.All(ts.Skip(1), t => Assert.True(t.TradingEnabled));
        Assert.Equal(EssMode.Normal, ess.Mode);
    }

    [Fact]
    public void Trades_that_swing_equity_around_a_threshold_do_not_make_it_flap()
    {
        // -2.1%, then hourly +/-0.3 points between -1.8% and -2.1%: below the -1.5% recovery level all along.
        var trades = new List<EssTrade> { Trade("dip", 0, 1, -210) };
        for (var h = 2; h <= 30; h++) trades.Add(Trade($"n{h:00}", h - 1, h, h % 2 == 0 ? 30 : -30));
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), Batch(30, [.. trades]));

        var t = Assert.Single(ts);
        Assert.Equal((H(1), EssMode.Normal, EssMode.Cautious), (t.Time, t.From, t.To));
        Assert.Equal(EssMode.Cautious, ess.Mode);
        Assert.Equal(-1.8, ess.State.Drawdown, 10);
    }

    [Fact]
    public void The_mode_before_an_instant_ignores_later_transitions()
    {
        var (ess, _) = Settle(AccountEss.Start("paper", 10_000),
            Batch(2, Trade("t1", 0, 1, -300)),
            Batch(6, Trade("t2", 1, 5, -800)));

        Assert.Equal(EssMode.Normal, ess.ModeBefore(H(1)));
        Assert.Equal(EssMode.Cautious, ess.ModeBefore(H(1).AddTicks(1)));
        Assert.Equal(EssMode.Cautious, ess.ModeBefore(H(5)));
        Assert.Equal(EssMode.Emergency, ess.ModeBefore(H(5).AddTicks(1)));
        Assert.Equal(EssMode.Normal, AccountEss.ModeBefore([], H(100)));
    }

    [Fact]
    public void Manual_inputs_take_effect_at_the_account_clock_and_latch_until_reset()
    {
        var (ess, _) = Settle(AccountEss.Start("paper", 10_000), Batch(10, Trade("t1", 0, 2, -100)));
        var wallClock = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(H(10), ess.ManualInputTime(wallClock));

        var (triggered, trigger) = ess.Apply(new EssManualTrigger("paper", "exchange outage", ess.ManualInputTime(wallClock)));
        var t = Assert.Single(trigger);
        Assert.Equal((H(10), EssMode.Normal, EssMode.Emergency, true), (t.Time, t.From, t.To, t.Manual));
        Assert.Equal("manual trigger: exchange outage", t.Reason);

        // Winning trades do not relax a manual trigger, however long they last.
        var (still, none) = Settle(triggered, Batch(30, Trade("t2", 10, 11, 500), Trade("t3", 11, 29, 1)));
        Assert.Empty(none);
        Assert.Equal(EssMode.Emergency, still.Mode);

        var (reset, back) = still.Apply(new EssManualReset("paper", "venue back", still.ManualInputTime(wallClock)));
        Assert.Equal((H(30), EssMode.Emergency, EssMode.Normal), (back[0].Time, back[0].From, back[0].To));
        Assert.Equal(EssMode.Normal, reset.Mode);
    }

    [Fact]
    public void A_command_is_dated_one_tick_before_the_next_bar_and_waits_for_the_first_bar_after_those_decided_before_the_start()
    {
        Assert.Equal(H(14).AddTicks(-1), AccountEss.BeforeBar(H(14)));
        Assert.True(AccountEss.TakesCommandsBefore(H(14), null));
        Assert.True(AccountEss.TakesCommandsBefore(H(14), H(9)));
        Assert.False(AccountEss.TakesCommandsBefore(H(14), H(14)));
        Assert.False(AccountEss.TakesCommandsBefore(H(14), H(30)));
    }

    [Fact]
    public void A_time_the_job_fixes_for_a_manual_input_is_kept_unless_the_account_has_seen_later_input()
    {
        var (ess, _) = Settle(AccountEss.Start("paper", 10_000), Batch(10, Trade("t1", 0, 2, -100)));
        var wallClock = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var beforeBar14 = H(14).AddTicks(-1);

        Assert.Equal(beforeBar14, ess.ManualInputTime(wallClock, beforeBar14));
        Assert.Equal(H(10), ess.ManualInputTime(wallClock, H(9)));
        Assert.Equal(beforeBar14, AccountEss.Start("paper", 10_000).ManualInputTime(wallClock, beforeBar14));

        var (triggered, trigger) = ess.Apply(new EssManualTrigger("paper", "exchange outage", ess.ManualInputTime(wallClock, beforeBar14)));
        Assert.Equal(EssMode.Normal, triggered.ModeBefore(beforeBar14));
        Assert.Equal(EssMode.Emergency, triggered.ModeBefore(H(14)));
        Assert.Equal(beforeBar14, Assert.Single(trigger).Time);
    }

    [Fact]
    public void Without_a_market_clock_an_operator_input_uses_its_own_time_and_later_trades_are_taken_at_it()
    {
        var ess = AccountEss.Start("paper", 10_000);
        var at = H(50);
        Assert.Equal(at, ess.ManualInputTime(at));
        var (triggered, _) = ess.Apply(new EssManualTrigger("paper", "before the first bar", at));

        var (after, ts) = Settle(triggered, Batch(60, Trade("t1", 0, 1, -2_000)));
        Assert.Empty(ts);
        Assert.Equal(at, after.State.LastTime);
        Assert.Equal(-20.0, after.State.Drawdown, 10);
    }

    [Fact]
    public void A_batch_out_of_ledger_order_or_ahead_of_its_time_is_refused()
    {
        var late = Assert.Throws<DomainValidationException>(() => Batch(3, Trade("b", 0, 2, 1), Trade("a", 0, 1, 1)));
        Assert.Equal("EssTradesSettled.Trades", $"{late.Type}.{late.Field}");
        Assert.Contains("ledger order", late.Message);

        var ahead = Assert.Throws<DomainValidationException>(() => Batch(1, Trade("a", 0, 2, 1)));
        Assert.Contains("exits after AsOf", ahead.Message);

        var backwards = Assert.Throws<DomainValidationException>(() => Trade("a", 2, 1, 1));
        Assert.Equal("EssTrade.ExitTime: cannot precede EntryTime (2021-03-01T01:00:00.0000000+00:00)", backwards.Message);
        Assert.Throws<DomainValidationException>(() => Trade("a", 0, 1, double.NaN));
    }

    private static EssMark Mark(double hour, double openPnl) => new(H(hour), openPnl);

    private static EssTradesSettled Marked(double asOfHour, EssTrade[] trades, params EssMark[] marks) => new("paper", H(asOfHour), trades, marks);

    [Fact]
    public void An_open_loss_tightens_the_mode_before_the_trade_closes()
    {
        // Realized equity stays at 10,000 until hour 4; the open position is down 250 at hour 2 and 450 at hour 3.
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), Marked(4, [], Mark(1, -50), Mark(2, -250), Mark(3, -450)));

        Assert.Equal([(H(2), EssMode.Normal, EssMode.Cautious), (H(3), EssMode.Cautious, EssMode.Protective)], ts.Select(t => (t.Time, t.From, t.To)));
        Assert.Equal(-4.5, ts[1].Drawdown, 10);
        Assert.Equal(10_000, ess.Equity);
        Assert.Equal(H(4), ess.MarkedBefore);
    }

    [Fact]
    public void The_peak_includes_open_gains_so_giving_them_back_is_drawdown()
    {
        // Up 600 while open, closed for +100: marked equity fell from 10,600 to 10,100, -4.7% from the peak.
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000),
            Marked(6, [Trade("t1", 0, 5, 100)], Mark(1, 200), Mark(2, 600), Mark(3, 350), Mark(4, 150), Mark(5, 0)));

        Assert.Equal(10_600, ess.State.PeakEquity);
        Assert.Equal(EssMode.Protective, ess.Mode);
        Assert.Equal([H(3), H(4)], ts.Select(t => t.Time));
        Assert.Equal(10_100, ess.Equity);
    }

    [Fact]
    public void A_trade_exiting_at_a_mark_is_settled_before_the_mark_and_the_other_position_counts_at_its_mark()
    {
        // At hour 3 trade t1 closes -450 while the other position is up 300: marked equity 9,850 (-1.5%), no change of mode.
        // Without the mark, the trade alone would have shown -4.5%.
        var trade = Trade("t1", 0, 3, -450);
        var (marked, tsMarked) = Settle(AccountEss.Start("paper", 10_000), Marked(4, [trade], Mark(2, 0), Mark(3, 300)));
        var (alone, tsAlone) = Settle(AccountEss.Start("paper", 10_000), Batch(4, trade));

        Assert.Empty(tsMarked);
        Assert.Equal(-1.5, marked.State.Drawdown, 10);
        Assert.Equal(EssMode.Protective, Assert.Single(tsAlone).To);
        Assert.Equal(-4.5, alone.State.Drawdown, 10);
    }

    [Fact]
    public void Marks_sent_again_are_applied_once_and_a_preview_tells_the_same_transitions()
    {
        var first = Marked(3, [], Mark(1, -50), Mark(2, -250));
        var (ess, ts) = Settle(AccountEss.Start("paper", 10_000), first);
        Assert.Single(ts);

        var again = Marked(5, [], Mark(1, -50), Mark(2, -250), Mark(3, -260), Mark(4, -450));
        Assert.Equal([H(3), H(4)], ess.WithoutApplied(again).Marks.Select(m => m.Time));
        var preview = AccountEss.Preview(ess.State, ess.Equity, ess.MarkedBefore, [], again.Marks);
        var (after, applied) = ess.Apply(again);

        Assert.Equal(applied.Select(t => (t.Time, t.To)), preview.Select(t => (t.Time, t.To)));
        Assert.Equal((H(4), EssMode.Protective), (applied.Single().Time, applied.Single().To));
        Assert.Equal(-4.5, after.State.Drawdown, 10);
    }

    [Fact]
    public void A_preview_tells_the_transitions_settling_makes_for_any_marks_from_any_mode()
    {
        var random = new Random(7);
        for (var run = 0; run < 300; run++)
        {
            // Start NORMAL, or after a loss that left the account CAUTIOUS or PROTECTIVE.
            var ess = AccountEss.Start("paper", 10_000);
            if (run % 3 > 0) ess = ess.Apply(Batch(1, Trade("loss", 0, 0.5, run % 3 == 1 ? -300 : -600))).Next;
            var marks = Enumerable.Range(2, 40).Select(h => Mark(h, random.NextDouble() * 900 - 600)).ToArray();
            var trades = run % 5 == 0 ? new[] { Trade("t", 1, 20, random.NextDouble() * 400 - 200) } : [];
            var batch = Marked(50, trades, marks);

            var preview = AccountEss.Preview(ess.State, ess.Equity, ess.MarkedBefore, batch.Trades, batch.Marks);
            var applied = ess.Apply(batch).Transitions;
            Assert.Equal(applied.Select(t => (t.Time, t.From, t.To, t.Drawdown)), preview.Select(t => (t.Time, t.From, t.To, t.Drawdown)));
        }
    }

    [Fact]
    public void The_path_holds_every_state_the_stop_passed_through_in_order_and_ends_in_the_account_state()
    {
        // Starting equity first, then each mark (settled equity plus open PnL) after the trade that exited at its bar,
        // then the operator's trigger: the path is what the stop read.
        var path = new List<EssState>();
        var (ess, _) = AccountEss.Start("paper", 10_000).Apply(Marked(4, [Trade("t1", 0, 2, -100)], Mark(1, -150), Mark(2, -250), Mark(3, -350)), path);
        (ess, _) = ess.Apply(new EssManualTrigger("paper", "venue outage", H(4)), path);

        Assert.Equal([(H(1), 10_000.0), (H(1), 9_850), (H(2), 9_650), (H(3), 9_550), (H(4), 9_550)],
            path.Select(s => (s.LastTime!.Value, Math.Round(s.LastEquity, 6))));
        Assert.Equal([EssMode.Normal, EssMode.Normal, EssMode.Cautious, EssMode.Protective, EssMode.Emergency], path.Select(s => s.Mode));
        Assert.Equal(ess.State, path[^1]);
        Assert.Equal((-4.5, H(3)), (Math.Round(ess.State.MaxDrawdown, 10), ess.State.MaxDrawdownAt));
    }

    [Fact]
    public void Marks_out_of_order_or_not_before_the_batch_time_are_refused()
    {
        var late = Assert.Throws<DomainValidationException>(() => Marked(4, [], Mark(2, 0), Mark(1, 0)));
        Assert.Equal("EssTradesSettled.Marks", $"{late.Type}.{late.Field}");
        Assert.Contains("time order", late.Message);
        Assert.Contains("not before AsOf", Assert.Throws<DomainValidationException>(() => Marked(2, [], Mark(2, 0))).Message);
        Assert.Throws<DomainValidationException>(() => Mark(1, double.PositiveInfinity));
    }

    [Fact]
    public void A_batch_journaled_before_marks_existed_reads_back_without_marks()
    {
        var json = JsonSerializer.Serialize(Batch(2, Trade("t1", 0, 1, -300)), ProtocolSerializer.JsonOptions).Replace(",\"Marks\":[]", "");
        Assert.DoesNotContain("Marks", json);
        var back = JsonSerializer.Deserialize<EssTradesSettled>(json, ProtocolSerializer.JsonOptions)!;

        Assert.Empty(back.Marks);
        Assert.Equal(EssMode.Cautious, AccountEss.Start("paper", 10_000).Apply(back).Next.Mode);
    }

    [Fact]
    public void The_state_round_trips_through_the_journal_serializer()
    {
        var (ess, _) = Settle(AccountEss.Start("paper", 10_000), Marked(6, [Trade("t1", 0, 1, -300), Trade("t2", 1, 5, -800)], Mark(3, -20)));
        var json = JsonSerializer.Serialize(ess, ProtocolSerializer.JsonOptions);
        var back = JsonSerializer.Deserialize<AccountEss>(json, ProtocolSerializer.JsonOptions)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, ProtocolSerializer.JsonOptions));
        Assert.Equal(ess.Mode, back.Mode);
        Assert.Equal(ess.Transitions.Count, back.Transitions.Count);
        Assert.True(back.HasApplied("t2"));
        Assert.Equal(H(6), back.MarkedBefore);
    }
}
