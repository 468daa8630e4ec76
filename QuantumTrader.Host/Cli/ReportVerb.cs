using System.CommandLine;
using System.Globalization;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The trading result of a state directory from its journal's closed trades: totals, each period, each symbol, each
/// reason a trade closed. Read-only, also beside a running node.
/// </summary>
public static class ReportVerb
{
    public static Command Create()
    {
        var state = new Option<string>("--state") { DefaultValueFactory = _ => "state", Description = "State directory of a run or node (holds journal.db)" };
        var by = new Option<ReportPeriod>("--by") { DefaultValueFactory = _ => ReportPeriod.Month, Description = "Period of the table: Day, Week (ISO) or Month, by exit time in UTC" };
        var equity = new Option<double?>("--equity") { Description = "Starting equity (default: the one run.json recorded)" };
        var json = new Option<string?>("--json") { Description = "Write the report as one JSON object to this file" };
        var marked = new Option<string?>("--marked-equity")
        {
            Description = "Write the equity the emergency stop read (closed trades plus open positions marked at each bar's close) as CSV: one row per observation, with its peak, drawdown and mode",
        };
        var command = new Command("report", "The trading result from the journal's closed trades: totals, profit factor, drawdown, each period, symbol and exit reason")
            { state, by, equity, json, marked };
        command.SetAction(async (parse, cancel) =>
        {
            var dir = parse.GetValue(state)!;
            var starting = parse.GetValue(equity) ?? RecordedRun.Read(dir)?.StartingEquity
                ?? throw new UsageException($"'{dir}' holds no {RecordedRun.FileName} with the starting equity; give it with --equity");
            if (!double.IsFinite(starting) || starting <= 0) throw new UsageException($"--equity must be > 0, got {starting}");
            var (trades, accounts) = await AuditVerb.ReadJournalAsync(dir, async system =>
            {
                var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
                return (await JournalTrades.ReadAsync(journal, system.Materializer()), await JournalEss.ReadAsync(journal, system.Materializer(), starting));
            });
            // A node trades one account; should a journal hold several, the deepest is the one to see.
            var deepest = accounts.Select(a => a.Account).MinBy(a => a.State.MaxDrawdown);
            var report = PnlReport.Of(trades, starting, parse.GetValue(by)) with
            {
                BuyAndHold = BuyAndHoldOf(dir, out var note),
                MarkedMaxDrawdownPercent = deepest?.State.MaxDrawdown,
                MarkedMaxDrawdownAt = deepest?.State.MaxDrawdownAt,
            };
            Print(report);
            if (note is not null) Console.WriteLine(note);
            JsonOut.Write(parse.GetValue(json), report);
            if (parse.GetValue(marked) is { } csv) WriteMarkedEquity(csv, accounts);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Buy and hold over the run's own data and trading span (run.json and plan.json); empty, with the reason, when they cannot be read.</summary>
    private static IReadOnlyList<BuyAndHold> BuyAndHoldOf(string dir, out string? note)
    {
        note = null;
        var recorded = RecordedRun.Read(dir);
        var plan = StoredPlan.Read(dir);
        if (recorded is null || plan is null)
        {
            note = $"no buy-and-hold comparison: '{dir}' holds no {RecordedRun.FileName} or {StoredPlan.FileName}";
            return [];
        }
        try
        {
            // The run reported each rejected row already; here they are only left out, as the run left them out.
            return BuyAndHold.Of(ReplayData.Load(recorded.Data, recorded.Format, BadRowPolicy.Skip, _ => { }).Bars, plan.TradeFrom);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MarketDataException or UsageException)
        {
            note = $"no buy-and-hold comparison: the run's data cannot be read ({ex.Message})";
            return [];
        }
    }

    /// <summary>Every state each account's emergency stop passed through, in order, in the layout <c>qt ess replay</c> reads (<see cref="EquityCurveReader.MarkedEquityHeader"/>).</summary>
    private static void WriteMarkedEquity(string path, IReadOnlyList<JournaledEss> accounts)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine(EquityCurveReader.MarkedEquityHeader);
        foreach (var (account, states) in accounts)
            foreach (var s in states)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{account.AccountId},{s.LastTime:O},{s.LastEquity:0.######},{s.PeakEquity:0.######},{s.Drawdown:0.######},{s.Mode.Label()}"));
        Console.WriteLine($"marked equity: {accounts.Sum(a => a.Path.Count)} row(s) written to {path}");
    }

    public static void Print(PnlReport r)
    {
        var console = WideConsole.ForTables();
        var totals = new Table().Title("result").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        totals.AddRow("starting / final equity", $"{Money(r.StartingEquity)} / {Money(r.FinalEquity)}");
        totals.AddRow("net PnL (return)", $"{Money(r.NetPnl)} ({Pct(r.ReturnPercent)})");
        totals.AddRow("closed trades, win rate", $"{r.Trades}, {Pct(r.WinRate * 100)}");
        totals.AddRow("gross profit / gross loss", $"{Money(r.GrossProfit)} / {Money(r.GrossLoss)}");
        totals.AddRow("profit factor", r.ProfitFactor is { } pf ? Num(pf) : "-");
        totals.AddRow("expectancy per trade", Money(r.Expectancy));
        totals.AddRow("average win / average loss", $"{Money(r.AverageWin)} / {Money(r.AverageLoss)}");
        totals.AddRow("largest win / largest loss", $"{Money(r.LargestWin)} / {Money(r.LargestLoss)}");
        totals.AddRow("longest run without a win", r.LongestLosingStreak.ToString(CultureInfo.InvariantCulture));
        totals.AddRow("fees", Money(r.Fees));
        totals.AddRow("max drawdown (closed trades)", Pct(r.MaxDrawdownPercent));
        totals.AddRow("max drawdown (marked to market)", r.MarkedMaxDrawdownPercent is not { } marked ? "-"
            : r.MarkedMaxDrawdownAt is { } at ? $"{Pct(marked)} at {Time(at)}" : Pct(marked));
        console.Write(totals);

        var periods = new Table().Title($"by {r.By.ToString().ToLowerInvariant()} (exit time, UTC)").AddColumn("period");
        foreach (var c in new[] { "trades", "wins", "net PnL", "fees", "equity at end", "return", "max drawdown" }) periods.AddColumn(new TableColumn(c).RightAligned());
        foreach (var p in r.Periods)
            periods.AddRow(p.Period, Int(p.Trades), Int(p.Wins), Money(p.NetPnl), Money(p.Fees), Money(p.EquityEnd), Pct(p.ReturnPercent), Pct(p.MaxDrawdownPercent));
        console.Write(periods);

        if (r.BuyAndHold.Count > 0)
        {
            var held = new Table().Title($"buy and hold over the same span, no fees (evenly split: {Pct(r.BuyAndHoldPercent!.Value)}; the strategy: {Pct(r.ReturnPercent)})")
                .AddColumns("symbol", "from", "to").AddColumn(new TableColumn("first close").RightAligned()).AddColumn(new TableColumn("last close").RightAligned())
                .AddColumn(new TableColumn("return").RightAligned());
            foreach (var b in r.BuyAndHold)
                held.AddRow(b.Symbol, Time(b.From), Time(b.To), Num(b.FirstClose), Num(b.LastClose), Pct(b.ReturnPercent));
            console.Write(held);
        }

        foreach (var (title, groups) in new[] { ("by symbol", r.BySymbol), ("by exit reason", r.ByExitReason) })
        {
            var table = new Table().Title(title).AddColumn("group");
            foreach (var c in new[] { "trades", "win rate", "net PnL", "fees", "profit factor", "average R" }) table.AddColumn(new TableColumn(c).RightAligned());
            foreach (var g in groups)
                table.AddRow(Markup.Escape(g.Group), Int(g.Trades), Pct(g.WinRate * 100), Money(g.NetPnl), Money(g.Fees), g.ProfitFactor is { } f ? Num(f) : "-", Num(g.AverageR));
            console.Write(table);
        }
    }

    private static string Money(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Pct(double x) => x.ToString("0.00", CultureInfo.InvariantCulture) + " %";
    private static string Num(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    private static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);
}
