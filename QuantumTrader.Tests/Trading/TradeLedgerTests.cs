using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

public sealed class TradeLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ClosedTrade Trade(string id, int exitHour, double pnl, double r = 1) =>
        SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade with
        {
            TradeId = id, ExitTime = T0.AddHours(exitHour), Pnl = pnl, RMultiple = r,
        };

    [Fact]
    public void Equity_counts_only_trades_that_exited_strictly_before_the_time()
    {
        var ledger = new TradeLedger(1_000);
        ledger.Add(Trade("b", 5, -50));
        ledger.Add(Trade("a", 2, 100));
        Assert.Equal(1_000, ledger.EquityBefore(T0.AddHours(2)));
        Assert.Equal(1_100, ledger.EquityBefore(T0.AddHours(3)));
        Assert.Equal(1_100, ledger.EquityBefore(T0.AddHours(5)));
        Assert.Equal(1_050, ledger.EquityBefore(T0.AddHours(6)));
        var view = ledger.ViewBefore(T0.AddHours(6));
        Assert.Equal(1_100, view.PeakEquity);
        Assert.Equal(-50 / 1_100.0 * 100, view.DrawdownPercent, 9);
    }

    [Fact]
    public void A_trade_id_is_counted_once_and_trades_are_kept_in_exit_order()
    {
        var ledger = new TradeLedger(1_000);
        Assert.True(ledger.Add(Trade("x", 3, 10)));
        Assert.False(ledger.Add(Trade("x", 3, 10)));
        ledger.Add(Trade("w", 1, 20));
        Assert.Equal(["w", "x"], ledger.Trades.Select(t => t.TradeId));
    }

    [Fact]
    public void The_summary_has_win_rate_sharpe_per_trade_and_max_drawdown_in_percent()
    {
        var ledger = new TradeLedger(1_000);
        ledger.Add(Trade("1", 1, 100, 2));
        ledger.Add(Trade("2", 2, -220, -2));
        ledger.Add(Trade("3", 3, 55, 1));
        var s = ledger.Summarize();
        Assert.Equal(3, s.Trades);
        Assert.Equal(-65, s.NetPnl, 9);
        Assert.Equal(1 / 3.0 * 2, s.WinRate, 9);
        Assert.Equal(1 / 3.0, s.AverageR, 9);
        // Equity 1000 -> 1100 -> 880 -> 935: the worst fall from the 1100 peak is 20%.
        Assert.Equal(-20, s.MaxDrawdownPercent, 9);
        double[] returns = [0.1, -0.2, 0.0625];
        var mean = returns.Average();
        var std = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / 2);
        Assert.Equal(mean / std, s.Sharpe, 9);
        Assert.Equal(935, s.FinalEquity, 9);
    }
}
