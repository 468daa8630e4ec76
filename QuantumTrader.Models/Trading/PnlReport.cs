using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Trading;

[JsonConverter(typeof(JsonStringEnumConverter<ReportPeriod>))]
public enum ReportPeriod { Day, Week, Month }

/// <summary>
/// The closed trades that exited in one period (UTC; weeks are ISO weeks): the equity at its start and end, its return
/// on the starting equity, and its deepest drawdown from the highest equity reached within it.
/// </summary>
public sealed record PeriodPnl(
    string Period, int Trades, int Wins, double NetPnl, double Fees, double EquityStart, double EquityEnd, double ReturnPercent, double MaxDrawdownPercent);

/// <summary>One symbol's or exit reason's closed trades; <see cref="ProfitFactor"/> is null when none lost.</summary>
public sealed record GroupPnl(string Group, int Trades, double WinRate, double NetPnl, double Fees, double? ProfitFactor, double AverageR);

/// <summary>
/// Holding one symbol from the close of its first trading bar (the plan's cut; the bars before trained the models) to
/// the close of its last bar, without fees: what the strategy's return competes with.
/// </summary>
public sealed record BuyAndHold(string Symbol, DateTimeOffset From, DateTimeOffset To, double FirstClose, double LastClose, double ReturnPercent)
{
    /// <summary>One row per symbol of <paramref name="tradeFrom"/> with a bar at or after its cut, in symbol order.</summary>
    public static IReadOnlyList<BuyAndHold> Of(IEnumerable<Bar> bars, IReadOnlyDictionary<string, DateTimeOffset> tradeFrom) =>
        bars.Where(b => tradeFrom.TryGetValue(b.Symbol, out var from) && b.Time >= from)
            .GroupBy(b => b.Symbol, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.MinBy(b => b.Time)!;
                var last = g.MaxBy(b => b.Time)!;
                return new BuyAndHold(g.Key, first.Time, last.Time, first.Close, last.Close, (last.Close / first.Close - 1) * 100);
            })
            .ToArray();
}

/// <summary>
/// A trading account's result from its closed trades in exit order: totals (profit factor, expectancy per trade, average
/// win and loss, the longest run of trades that did not win, fees, the deepest drawdown of the equity path), and the
/// same trades by period, by symbol and by why they closed. A win is a trade with PnL above 0, as in the run summary.
/// </summary>
public sealed record PnlReport(
    double StartingEquity, double FinalEquity, int Trades, double NetPnl, double ReturnPercent, double WinRate, double GrossProfit, double GrossLoss,
    double? ProfitFactor, double Expectancy, double AverageWin, double AverageLoss, double LargestWin, double LargestLoss, int LongestLosingStreak,
    double Fees, double MaxDrawdownPercent, ReportPeriod By, IReadOnlyList<PeriodPnl> Periods, IReadOnlyList<GroupPnl> BySymbol,
    IReadOnlyList<GroupPnl> ByExitReason)
{
    /// <summary>
    /// The deepest drawdown of the equity the account's emergency stop read (closed trades plus open positions marked at
    /// each bar's close), percent, and when; null without an account journal. <see cref="MaxDrawdownPercent"/> sees closed trades only.
    /// </summary>
    public double? MarkedMaxDrawdownPercent { get; init; }
    public DateTimeOffset? MarkedMaxDrawdownAt { get; init; }

    /// <summary>Each symbol held over its trading span; empty when the report was made without the data.</summary>
    public IReadOnlyList<BuyAndHold> BuyAndHold { get; init; } = [];

    /// <summary>The starting equity split evenly over the symbols and held: the average of their returns; null without them.</summary>
    public double? BuyAndHoldPercent => BuyAndHold.Count == 0 ? null : BuyAndHold.Average(b => b.ReturnPercent);

    /// <summary>The report of <paramref name="trades"/> (each id once, ordered as the ledger orders them) on <paramref name="startingEquity"/>.</summary>
    public static PnlReport Of(IEnumerable<ClosedTrade> trades, double startingEquity, ReportPeriod by)
    {
        var ledger = new TradeLedger(startingEquity);
        foreach (var t in trades) ledger.Add(t);
        var ordered = ledger.Trades;

        var periods = new List<PeriodPnl>();
        var equity = startingEquity;
        var peak = equity;
        var maxDrawdown = 0.0;
        var streak = 0;
        var longestStreak = 0;
        foreach (var group in ordered.GroupBy(t => PeriodOf(t.ExitTime, by)))
        {
            var start = equity;
            var periodPeak = equity;
            var periodDrawdown = 0.0;
            foreach (var t in group)
            {
                equity += t.Pnl;
                peak = Math.Max(peak, equity);
                periodPeak = Math.Max(periodPeak, equity);
                maxDrawdown = Math.Min(maxDrawdown, Drawdown.Percent(equity, peak));
                periodDrawdown = Math.Min(periodDrawdown, Drawdown.Percent(equity, periodPeak));
                streak = t.Pnl > 0 ? 0 : streak + 1;
                longestStreak = Math.Max(longestStreak, streak);
            }
            periods.Add(new PeriodPnl(group.Key, group.Count(), group.Count(t => t.Pnl > 0), equity - start, group.Sum(t => t.Fees), start, equity,
                start > 0 ? (equity - start) / start * 100 : 0, periodDrawdown));
        }

        var wins = ordered.Where(t => t.Pnl > 0).ToArray();
        var losses = ordered.Where(t => t.Pnl <= 0).ToArray();
        var grossProfit = wins.Sum(t => t.Pnl);
        var grossLoss = losses.Sum(t => t.Pnl);
        var net = equity - startingEquity;
        return new PnlReport(
            startingEquity, equity, ordered.Count, net, startingEquity > 0 ? net / startingEquity * 100 : 0,
            ordered.Count == 0 ? 0 : wins.Length / (double)ordered.Count, grossProfit, grossLoss, FactorOf(grossProfit, grossLoss),
            ordered.Count == 0 ? 0 : net / ordered.Count, wins.Length == 0 ? 0 : wins.Average(t => t.Pnl), losses.Length == 0 ? 0 : losses.Average(t => t.Pnl),
            wins.Length == 0 ? 0 : wins.Max(t => t.Pnl), losses.Length == 0 ? 0 : losses.Min(t => t.Pnl), longestStreak, ordered.Sum(t => t.Fees),
            maxDrawdown, by, periods, Groups(ordered, t => t.Symbol), Groups(ordered, t => t.ExitReason));
    }

    /// <summary>"2021-03-01", "2021-W09" (ISO week and its year) or "2021-03", from the UTC exit time.</summary>
    public static string PeriodOf(DateTimeOffset time, ReportPeriod by)
    {
        var utc = time.UtcDateTime;
        return by switch
        {
            ReportPeriod.Day => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ReportPeriod.Week => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):00}"),
            _ => utc.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        };
    }

    private static double? FactorOf(double grossProfit, double grossLoss) => grossLoss < 0 ? grossProfit / -grossLoss : null;

    private static IReadOnlyList<GroupPnl> Groups(IReadOnlyList<ClosedTrade> trades, Func<ClosedTrade, string> key) =>
        trades.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new GroupPnl(g.Key, g.Count(), g.Count(t => t.Pnl > 0) / (double)g.Count(), g.Sum(t => t.Pnl), g.Sum(t => t.Fees),
                FactorOf(g.Where(t => t.Pnl > 0).Sum(t => t.Pnl), g.Where(t => t.Pnl <= 0).Sum(t => t.Pnl)), g.Average(t => t.RMultiple)))
            .ToArray();
}
