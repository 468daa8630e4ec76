using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using QuantumTrader.Models.Learning;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The drift detectors as a user tool: where each would have fired on a ledger of closed trades.</summary>
public static class DriftVerb
{
    public static Command Create()
    {
        var trades = new Option<string>("--trades")
        {
            Description = "CSV of closed trades with header time (or exit_time), model, r_multiple and ISO-8601 times; the --trades-out ledger of run reads as is",
            Required = true,
        };
        var json = new Option<string?>("--json") { Description = "Write {\"alarms\": [{detector, model, index, time}]} to this file" };
        var command = new Command("drift", "Run every drift detector over closed trades, each model on its own, and print where each fired") { trades, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(trades)!;
            if (!File.Exists(path)) throw new UsageException($"trades file '{path}' does not exist");
            IReadOnlyList<TradeOutcome> outcomes;
            try
            {
                outcomes = TradeLedgerReader.ReadFile(path);
            }
            catch (TradeLedgerException ex)
            {
                throw new UsageException(ex.Message);
            }

            var alarms = DriftScan.Run(outcomes);
            var models = outcomes.Select(o => o.ModelId).Distinct().Count();
            var table = new Table()
                .Title(Markup.Escape($"drift scan of {Path.GetFileName(path)}: {outcomes.Count} trade(s) of {models} model(s), {alarms.Count} alarm(s)"))
                .AddColumns("model", "index", "time", "detector", "severity", "rule");
            foreach (var a in alarms)
                table.AddRow(Markup.Escape(a.Model), a.Index.ToString(CultureInfo.InvariantCulture), a.Time.ToString("O", CultureInfo.InvariantCulture),
                    a.Detector, a.Severity.ToString(), Markup.Escape(a.Alarm.Describe()));
            AnsiConsole.Write(table);

            var counts = new Table().Title("alarms per detector").AddColumns("detector", "severity", "alarms");
            foreach (var detector in new[] { DriftDetectorNames.ConsecutiveLosses, DriftDetectorNames.SeedThresholds, DriftDetectorNames.PageHinkley, DriftDetectorNames.Adwin })
                counts.AddRow(detector, DriftMonitorSettings.SeverityOf(detector).ToString(),
                    alarms.Count(a => a.Detector == detector).ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(counts);
            JsonOut.Write(parse.GetValue(json), JsonNode.Parse(DriftScan.ToJson(alarms))!);
            return ExitCodes.Ok;
        });
        return command;
    }
}
