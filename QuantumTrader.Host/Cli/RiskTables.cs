using System.Globalization;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The run summary's risk tables: ESS mode changes and refused signals per stage.</summary>
public static class RiskTables
{
    public static void Print(RunSummary s)
    {
        var stages = new Table().Title("refused signals by stage").AddColumn("stage").AddColumn(new TableColumn("signals").RightAligned());
        foreach (var (stage, count) in s.SignalsRejectedByStage)
            stages.AddRow(Markup.Escape(stage), count.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(stages);

        var ess = new Table().Title($"emergency stop: {s.EssTransitions.Count} transition(s), final mode {s.EssMode}")
            .AddColumns("time", "from", "to", "drawdown %", "trading", "reason");
        foreach (var t in s.EssTransitions)
            ess.AddRow(t.Time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), t.From, t.To, t.Drawdown.ToString("F2", CultureInfo.InvariantCulture),
                t.TradingEnabled ? "on" : "off", Markup.Escape(t.Reason));
        AnsiConsole.Write(ess);
    }
}
