using System.CommandLine;
using System.Globalization;
using QuantumTrader.Host.Bench;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>qt bench regime: latency from the bar that changed a regime to the overlay in force.</summary>
public static class RegimeBenchVerb
{
    public static Command Create()
    {
        var changes = new Option<int>("--changes") { Description = "Regime changes to measure", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic bars", DefaultValueFactory = _ => 7 };
        var json = new Option<string?>("--json") { Description = "Write the figures as one JSON object to this file" };
        var command = new Command("regime", "Latency from a bar that changes a symbol's regime to the regime policy applied by the coordinator (in process)")
        {
            changes, seed, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var result = await RegimeBench.RunAsync(parse.GetValue(changes), parse.GetValue(seed), m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)), cancel);
            var table = new Table().Title("bench regime").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("regime changes measured", result.RegimeChanges.ToString(CultureInfo.InvariantCulture));
            table.AddRow("bars sent / symbols", $"{result.Bars} / {result.Symbols}");
            table.AddRow("bar -> policy applied p50 (ms)", F(result.P50Millis));
            table.AddRow("bar -> policy applied p99 (ms)", F(result.P99Millis));
            table.AddRow("mean / max (ms)", $"{F(result.MeanMillis)} / {F(result.MaxMillis)}");
            table.AddRow($"goal p99 < {F(result.GoalMillis, "F0")} ms", result.GoalMet ? "met" : "missed");
            AnsiConsole.Write(table);
            JsonOut.Write(parse.GetValue(json), result);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string F(double x, string format = "F3") => x.ToString(format, CultureInfo.InvariantCulture);
}
