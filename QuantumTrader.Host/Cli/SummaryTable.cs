using System.Globalization;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

public static class SummaryTable
{
    public static void Print(RunSummary s)
    {
        var totals = new Table().Title("run summary").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        void Row(string k, string v) => totals.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("bars", s.Bars.ToString(CultureInfo.InvariantCulture));
        Row("rejected rows", s.RejectedRows.ToString(CultureInfo.InvariantCulture));
        Row("gaps in the data (bars missing)", $"{s.Gaps.Count} ({s.Gaps.Sum(g => g.MissingBars)})");
        Row("trades opened / closed / open", $"{s.TradesOpened} / {s.TradesClosed} / {s.OpenPositions}");
        Row("signals rejected", s.SignalsRejected.ToString(CultureInfo.InvariantCulture));
        Row("net PnL", s.NetPnl.ToString("F2", CultureInfo.InvariantCulture));
        Row("final equity", s.FinalEquity.ToString("F2", CultureInfo.InvariantCulture));
        Row("win rate", s.WinRate.ToString("P1", CultureInfo.InvariantCulture));
        Row("average R", s.AvgR.ToString("F3", CultureInfo.InvariantCulture));
        Row("Sharpe (per trade)", s.Sharpe.ToString("F3", CultureInfo.InvariantCulture));
        Row("max drawdown % (closed trades)", s.MaxDrawdown.ToString("F2", CultureInfo.InvariantCulture));
        Row("max drawdown % (marked to market)", s.MarkedMaxDrawdownAt is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"{s.MarkedMaxDrawdown:F2} at {at:yyyy-MM-dd HH:mm}")
            : s.MarkedMaxDrawdown.ToString("F2", CultureInfo.InvariantCulture));
        Row("events in journal", s.EventsPersisted.ToString(CultureInfo.InvariantCulture));
        Row("bars re-aligned / already done", $"{s.BarsReplayedFromJournal} / {s.BarsAlreadyProcessed}");
        Row("replay bars/s", s.BarsPerSecond.ToString("F0", CultureInfo.InvariantCulture));
        Row("replay batches / bars decided again / batches decided again", $"{s.ReplayBatches} / {s.BarsDecidedAgain} / {s.BatchesDecidedAgain}");
        Row("elapsed s", s.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(totals);

        var models = new Table().Title("models").AddColumns("id", "version", "weight", "trades", "win rate", "avg R", "failures", "timeouts");
        foreach (var m in s.Models)
            models.AddRow(m.Id, Markup.Escape(m.Version), m.Weight.ToString("F3", CultureInfo.InvariantCulture), m.Trades.ToString(CultureInfo.InvariantCulture),
                m.WinRate.ToString("P1", CultureInfo.InvariantCulture), m.AvgR.ToString("F3", CultureInfo.InvariantCulture),
                m.Failures.ToString(CultureInfo.InvariantCulture), m.Timeouts.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(models);

        var symbols = new Table().Title("symbols").AddColumns("symbol", "bars", "opened", "closed", "rejected signals", "realized PnL", "regime", "open position");
        foreach (var x in s.Symbols)
            symbols.AddRow(x.Symbol, x.Bars.ToString(CultureInfo.InvariantCulture), x.TradesOpened.ToString(CultureInfo.InvariantCulture),
                x.TradesClosed.ToString(CultureInfo.InvariantCulture), x.SignalsRejected.ToString(CultureInfo.InvariantCulture),
                x.RealizedPnl.ToString("F2", CultureInfo.InvariantCulture), x.Regime ?? "-", x.PositionOpen ? "yes" : "no");
        AnsiConsole.Write(symbols);
        LearningTable.Print(s);
        SizingTable.Print(s.Sizing);
        RiskTables.Print(s);
    }
}
