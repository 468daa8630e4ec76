using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using QuantumTrader.Models.Learning;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>bench drift: every detector's false-alarm rate and detection delay on seeded simulated trade streams.</summary>
public static class DriftBenchCommand
{
    public static Command Create()
    {
        var json = new Option<string?>("--json")
        {
            Description = "Write {\"detectors\": [{name, falseAlarmsPer10k, medianDelayMeanShift, medianDelayWinRateDrop}]} to this file",
        };
        var command = new Command("drift",
            "False alarms per 10,000 stationary trades and median delay after a 0.5R mean drop and a 10-point win-rate drop, per drift detector")
        {
            json,
        };
        command.SetAction(parse =>
        {
            var settings = new DriftBenchmarkSettings();
            var decile = -1;
            var result = DriftBenchmark.Run(settings, done =>
            {
                var d = (int)(done * 10);
                if (d == decile) return;
                decile = d;
                AnsiConsole.MarkupLine("[grey]simulated {0}% of the runs[/]", d * 10);
            });

            var s = result.Settings;
            var table = new Table()
                .Title("bench drift")
                .Caption(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{s.StationaryRuns} stationary runs of {s.StationaryTrades} trades; {s.ChangeRuns} runs per change, {s.TradesBeforeChange} trades before it, " +
                    $"at most {s.TradesAfterChange} after; mean R {s.MeanR} σ {s.SigmaR} falling by {s.MeanShift}; win rate {s.WinRateBefore} to {s.WinRateAfter}")))
                .AddColumn("name")
                .AddColumn(new TableColumn("false alarms per 10k trades").RightAligned())
                .AddColumn(new TableColumn("median delay after a 0.5R drop").RightAligned())
                .AddColumn(new TableColumn("median delay after a win-rate drop").RightAligned())
                .AddColumn("severity");
            foreach (var d in result.Detectors)
                table.AddRow(d.Name, d.FalseAlarmsPer10k.ToString("0.###", CultureInfo.InvariantCulture),
                    Delay(d.MedianDelayMeanShift, d.DetectedMeanShift, s.TradesAfterChange),
                    Delay(d.MedianDelayWinRateDrop, d.DetectedWinRateDrop, s.TradesAfterChange),
                    DriftMonitorSettings.SeverityOf(d.Name).ToString());
            AnsiConsole.Write(table);
            JsonOut.Write(parse.GetValue(json), JsonNode.Parse(result.ToJson())!);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The median delay in trades; when most runs saw no alarm within the horizon, that and the share that did.</summary>
    private static string Delay(double? median, double detected, int horizon) => median is { } m
        ? m.ToString("0.#", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"none within {horizon} ({detected * 100:0}% caught)");
}
