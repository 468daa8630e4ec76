using System.CommandLine;
using QuantumTrader.Models.Risk;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The emergency stop system as a user tool: what its thresholds would have done to an equity history.</summary>
public static class EssVerb
{
    public static Command Create()
    {
        var equity = new Option<string>("--equity")
        {
            Description = $"CSV with header time,equity (ISO-8601 times), or the marked equity 'qt report --marked-equity' writes ({EquityCurveReader.MarkedEquityHeader})",
            Required = true,
        };
        var json = new Option<string?>("--json") { Description = "Write {\"transitions\": [...]} to this file" };
        var replay = new Command("replay", "Run the ESS state machine over an equity curve and print every mode transition") { equity, json };
        var control = new ControlOptions();
        control.AddEssTo(replay);
        replay.SetAction(parse =>
        {
            var path = parse.GetValue(equity)!;
            if (!File.Exists(path)) throw new UsageException($"equity file '{path}' does not exist");
            IReadOnlyList<EquityPoint> points;
            try
            {
                points = EquityCurveReader.Read(path);
            }
            catch (EquityCurveFormatException ex)
            {
                throw new UsageException(ex.Message);
            }
            var options = control.EssFrom(parse);
            var transitions = EssReplay.Run(points, options);
            var table = new Table().Title($"ESS replay of {Markup.Escape(Path.GetFileName(path))}: {points.Count} points, {transitions.Count} transition(s)")
                .AddColumns("time", "from", "to", "drawdown %", "trading", "reason");
            foreach (var t in transitions)
                table.AddRow(t.Time.ToString("O"), t.From.Label(), t.To.Label(), t.Drawdown.ToString("F2"), t.TradingEnabled ? "on" : "off", Markup.Escape(t.Reason));
            WideConsole.ForTables().Write(table);
            if (parse.GetValue(json) is { } jsonPath) File.WriteAllText(jsonPath, EssReplay.ToJson(transitions));
            return ExitCodes.Ok;
        });
        return new Command("ess", "Emergency stop system") { replay };
    }
}
