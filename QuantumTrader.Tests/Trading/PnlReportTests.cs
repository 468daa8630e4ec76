using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

public class PnlReportTests
{
    private static ClosedTrade Trade(int n, DateTimeOffset exit, double pnl, double fees, string symbol = "BTCUSDT", string exitReason = "take_profit", double r = 1) =>
        LearningTrades.BothBuy(n, r) with { ExitTime = exit, EntryTime = exit.AddHours(-2), Pnl = pnl, Fees = fees, Symbol = symbol, ExitReason = exitReason };

    private static readonly DateTimeOffset Jan = new(2021, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Months_carry_the_equity_path_with_their_return_and_deepest_drawdown_and_the_totals_add_up()
    {
        ClosedTrade[] trades =
        [
            Trade(3, Jan.AddMonths(1), 30, 1, "ETHUSDT", "stop_loss", -0.5),
            Trade(1, Jan, 100, 2),
            Trade(2, Jan.AddDays(5), -50, 2, exitReason: "stop_loss", r: -1),
            Trade(2, Jan.AddDays(5), -50, 2, exitReason: "stop_loss", r: -1),
        ];

        var report = PnlReport.Of(trades, 1_000, ReportPeriod.Month);

        Assert.Equal(3, report.Trades);
        Assert.Equal((1_080.0, 80.0, 8.0, 5.0), (report.FinalEquity, report.NetPnl, report.ReturnPercent, report.Fees));
        Assert.Equal((130.0, -50.0, 2.6), (report.GrossProfit, report.GrossLoss, report.ProfitFactor!.Value));
        Assert.Equal(80.0 / 3, report.Expectancy, 12);
        Assert.Equal((65.0, -50.0, 100.0, -50.0, 1), (report.AverageWin, report.AverageLoss, report.LargestWin, report.LargestLoss, report.LongestLosingStreak));
        Assert.Equal((1_050.0 - 1_100) / 1_100 * 100, report.MaxDrawdownPercent, 12);

        Assert.Equal(["2021-01", "2021-02"], report.Periods.Select(p => p.Period));
        var january = report.Periods[0];
        Assert.Equal((2, 1, 50.0, 4.0, 1_000.0, 1_050.0, 5.0), (january.Trades, january.Wins, january.NetPnl, january.Fees, january.EquityStart, january.EquityEnd, january.ReturnPercent));
        Assert.Equal((1_050.0 - 1_100) / 1_100 * 100, january.MaxDrawdownPercent, 12);
        Assert.Equal(30.0 / 1_050 * 100, report.Periods[1].ReturnPercent, 12);
        Assert.Equal(0, report.Periods[1].MaxDrawdownPercent);

        Assert.Equal([("BTCUSDT", 2, 50.0), ("ETHUSDT", 1, 30.0)], report.BySymbol.Select(g => (g.Group, g.Trades, g.NetPnl)));
        var stops = report.ByExitReason.Single(g => g.Group == "stop_loss");
        Assert.Equal((2, 0.5, -20.0, 0.6, -0.75), (stops.Trades, stops.WinRate, stops.NetPnl, stops.ProfitFactor!.Value, stops.AverageR));
        Assert.Null(report.ByExitReason.Single(g => g.Group == "take_profit").ProfitFactor);
    }

    [Fact]
    public void Buy_and_hold_runs_from_each_symbols_first_trading_close_to_its_last_and_splits_evenly()
    {
        Bar B(string symbol, int hour, double close) => new(symbol, Jan.AddHours(hour), close, close, close, close, 1);
        Bar[] bars = [B("BTC", 0, 50), B("BTC", 1, 100), B("ETH", 1, 10), B("BTC", 2, 90), B("ETH", 2, 12), B("ETH", 3, 8), B("XRP", 3, 1)];
        var from = new Dictionary<string, DateTimeOffset> { ["BTC"] = Jan.AddHours(1), ["ETH"] = Jan.AddHours(1) };

        var held = BuyAndHold.Of(bars, from);

        Assert.Equal([("BTC", 100.0, 90.0), ("ETH", 10.0, 8.0)], held.Select(h => (h.Symbol, h.FirstClose, h.LastClose)));
        Assert.Equal((Jan.AddHours(1), Jan.AddHours(3)), (held[1].From, held[1].To));
        Assert.Equal(-10, held[0].ReturnPercent, 9);
        var report = PnlReport.Of([], 1_000, ReportPeriod.Month) with { BuyAndHold = held };
        Assert.Equal(-15, report.BuyAndHoldPercent!.Value, 9);
        Assert.Null(PnlReport.Of([], 1_000, ReportPeriod.Month).BuyAndHoldPercent);
    }

    [Fact]
    public void Weeks_are_iso_weeks_and_days_are_utc_days()
    {
        var sunday = new DateTimeOffset(2021, 1, 3, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal("2020-W53", PnlReport.PeriodOf(sunday, ReportPeriod.Week));
        Assert.Equal("2021-W01", PnlReport.PeriodOf(sunday.AddHours(1), ReportPeriod.Week));
        Assert.Equal("2021-01-03", PnlReport.PeriodOf(new DateTimeOffset(2021, 1, 4, 1, 0, 0, TimeSpan.FromHours(3)), ReportPeriod.Day));
    }

    [Fact]
    public void A_run_of_trades_that_did_not_win_is_the_losing_streak_and_no_trades_give_an_empty_report()
    {
        var trades = new[] { 10.0, -1, 0, -3, 5, -2 }.Select((pnl, i) => Trade(i + 1, Jan.AddHours(i), pnl, 0)).ToArray();
        Assert.Equal(3, PnlReport.Of(trades, 1_000, ReportPeriod.Day).LongestLosingStreak);

        var empty = PnlReport.Of([], 1_000, ReportPeriod.Week);
        Assert.Equal((0, 1_000.0, 0.0, 0.0), (empty.Trades, empty.FinalEquity, empty.MaxDrawdownPercent, empty.WinRate));
        Assert.Null(empty.ProfitFactor);
        Assert.Empty(empty.Periods);
    }
}
