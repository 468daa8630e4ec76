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
        var warmup = new Option<int>("--warmup")
        {
            Description = "Runs after the first (which trains the models) while the runtime recompiles the hot code; reported, not measured",
            DefaultValueFactory = _ => 4,
        };
        var runs = new Option<int>("--runs") { Description = "Measured runs after the warm-up; the figure is their median", DefaultValueFactory = _ => 5 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most timestamps the replay decides in one batch (1: one timestamp at a time)", DefaultValueFactory = _ => new Run.RunSettings { Data = [] }.MaxBatch };
        var waitForJit = new Option<bool>("--wait-for-jit")
        {
            Description = "Start each replay clock once the runtime has compiled nothing for 200 ms (at most 10 s), so a new actor system's start-up code is not compiled during the replay",
            DefaultValueFactory = _ => true,
        };
        var command = new Command("pipeline", "Bars/s through the whole cascade with SQLite persistence, journal events/s, ONNX Runtime p50/p99")
        {
            data, samples, models, warmup, runs, maxBatch, waitForJit, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var paths = parse.GetValue(data) is { Length: > 0 } d ? d : [BundledData.Default];
            var slots = Run.ModelBootstrap.Slots([parse.GetValue(models)!]);
            if (parse.GetValue(warmup) < 0) throw new UsageException($"--warmup must be 0 or more, got {parse.GetValue(warmup)}");
            if (parse.GetValue(runs) < 1) throw new UsageException($"--runs must be at least 1, got {parse.GetValue(runs)}");
            if (parse.GetValue(maxBatch) < 1) throw new UsageException($"--max-batch must be at least 1, got {parse.GetValue(maxBatch)}");
            var result = await PipelineBench.RunAsync(paths, slots, parse.GetValue(samples), parse.GetValue(warmup), parse.GetValue(runs), parse.GetValue(maxBatch),
                parse.GetValue(waitForJit), m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)), cancel);
            var table = new Table().Title($"bench pipeline: {string.Join(", ", result.ServedSlots)}").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("bars through the cascade", result.Bars.ToString(CultureInfo.InvariantCulture));
            table.AddRow("first run: bars/s (SQLite journal on; trains, compiles)", F(result.FirstRun.BarsPerSecond, "F0"));
            table.AddRow("warm-up runs: bars/s", string.Join(" / ", result.WarmupRuns.Select(r => F(r.BarsPerSecond, "F0"))));
            table.AddRow($"bars/s, SQLite journal on (median of {result.MeasuredRuns.Count} measured runs)", F(result.BarsPerSecond, "F0"));
            table.AddRow("measured runs: bars/s", string.Join(" / ", result.MeasuredRuns.Select(r => F(r.BarsPerSecond, "F0"))));
            table.AddRow("measured runs: replay CPU seconds (all threads)", string.Join(" / ", result.MeasuredRuns.Select(r => F(r.ReplayCpuSeconds, "F2"))));
            table.AddRow("measured runs: seconds waited before the replay for the JIT to go quiet",
                result.WaitedForJit ? string.Join(" / ", result.MeasuredRuns.Select(r => F(r.JitWaitSeconds, "F1"))) : "no wait (--wait-for-jit false)");
            table.AddRow("replay CPU seconds (all threads), median run", F(result.ReplayCpuSeconds, "F2"));
            table.AddRow("bars per CPU second", F(result.BarsPerCpuSecond, "F0"));
            table.AddRow("measured runs: GC pause s / MB allocated during the replay",
                string.Join(" / ", result.MeasuredRuns.Select(r => $"{F(r.GcPauseSeconds, "F2")} s {F(r.AllocatedMegabytes, "F0")} MB")));
            table.AddRow($"batches to the symbols / bars decided again (max batch {result.MaxBatch})",
                $"{result.FirstRun.Batches} / {result.FirstRun.BarsDecidedAgain}");
            table.AddRow("same trades in every run", result.SameTradesEveryRun ? "yes" : "NO");
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
