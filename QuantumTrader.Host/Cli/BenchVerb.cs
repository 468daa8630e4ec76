using System.CommandLine;
using System.Globalization;
using QuantumTrader.Host.Bench;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>Benchmarks: each prints a table and writes one JSON object with --json.</summary>
public static class BenchVerb
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure throughput and latency (tables for people, --json for scripts)");
        bench.Subcommands.Add(Pipeline());
        bench.Subcommands.Add(DriftBenchCommand.Create());
        bench.Subcommands.Add(ForecastBenchCommand.Create());
        bench.Subcommands.Add(DecisionBenchCommand.Create());
        bench.Subcommands.Add(PpoBenchCommand.Create());
        bench.Subcommands.Add(RegimeBenchVerb.Create());
        return bench;
    }

    private static string F(double x, string format = "F1") => x.ToString(format, CultureInfo.InvariantCulture);

    private static Command Pipeline()
    {
        var data = new Option<string[]>("--data") { Description = "Data file or folder (repeatable); default: the bundled data" };
        var samples = new Option<int>("--samples") { Description = "Single-row predictions timed per tree model", DefaultValueFactory = _ => 20_000 };
        var json = new Option<string?>("--json") { Description = "Write the figures as one JSON object to this file" };
        var models = new Option<string>("--models")
        {
            Description = "Models the cascade serves: all, or a comma list of xgb, lgbm, nhits, patchtst (default: the two tree models)",
            DefaultValueFactory = _ => "xgb,lgbm",
        };
        var command = new Command("pipeline", "Bars/s through the whole cascade with SQLite persistence, journal events/s, ONNX Runtime p50/p99")
        {
            data, samples, models, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var paths = parse.GetValue(data) is { Length: > 0 } d ? d : [BundledData.Default];
            var slots = Run.ModelBootstrap.Slots([parse.GetValue(models)!]);
            var result = await PipelineBench.RunAsync(paths, slots, parse.GetValue(samples), m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)), cancel);
            var table = new Table().Title($"bench pipeline: {string.Join(", ", result.ServedSlots)}").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("bars through the cascade", result.Bars.ToString(CultureInfo.InvariantCulture));
            table.AddRow("bars/s (SQLite journal on)", F(result.BarsPerSecond, "F0"));
            table.AddRow("replay wall / CPU seconds (all threads)", $"{F(result.ReplaySeconds, "F2")} / {F(result.ReplayCpuSeconds, "F2")}");
            table.AddRow("bars per CPU second", F(result.BarsPerCpuSecond, "F0"));
            table.AddRow("bars/s, same cascade without actors or journal", F(result.PureCascadeBarsPerSecond, "F0"));
            table.AddRow("trades closed / events in journal", $"{result.TradesClosed} / {result.EventsInJournal}");
            table.AddRow($"journal events/s, PersistAll x100 ({result.JournalBatchEvents})", F(result.EventsPerSecondBatched, "F0"));
            table.AddRow($"journal events/s, one Persist per command ({result.JournalSequentialEvents})", F(result.EventsPerSecondSequential, "F0"));
            foreach (var m in result.Models)
                table.AddRow($"ONNX {m.Id} single row p50 / p99 (us)", $"{F(m.P50Micros)} / {F(m.P99Micros)}");
            AnsiConsole.Write(table);
            JsonOut.Write(parse.GetValue(json), result);
            return ExitCodes.Ok;
        });
        return command;
    }
}
