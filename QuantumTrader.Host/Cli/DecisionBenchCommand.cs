using System.CommandLine;
using System.Globalization;
using QuantumTrader.Host.Bench;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary><c>bench decision</c>: p50/p99 of one full four-model decision for one symbol, and for 10 symbols one after the other and batched.</summary>
public static class DecisionBenchCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Data file or folder (repeatable); default: the bundled data" };
        var state = new Option<string?>("--state") { Description = "State directory whose models to use (trained there if missing); default: a temporary one" };
        var models = new Option<string>("--models") { Description = "Models to serve: all, or a comma list of xgb, lgbm, nhits, patchtst", DefaultValueFactory = _ => "all" };
        var samples = new Option<int>("--samples") { Description = "Timed decisions (and batches)", DefaultValueFactory = _ => 1000 };
        var json = new Option<string?>("--json") { Description = "Write the figures as one JSON object to this file" };
        var command = new Command("decision", $"Latency of one full decision (features, every model, vote, filter) for one symbol and {DecisionBench.BatchSymbols} symbols, one after the other and batched; goal p99 <= {DecisionBench.GoalP99Ms} ms")
        {
            data, state, models, samples, json,
        };
        command.SetAction(parse =>
        {
            var temporary = parse.GetValue(state) is null ? Path.Combine(Path.GetTempPath(), "qt-decision-" + Guid.NewGuid().ToString("N")[..8]) : null;
            var settings = new RunSettings
            {
                Data = parse.GetValue(data) is { Length: > 0 } d ? d : [BundledData.Default],
                StateDirectory = parse.GetValue(state) ?? temporary!,
                Models = [parse.GetValue(models)!],
            };
            try
            {
                var result = DecisionBench.Run(settings, parse.GetValue(samples), m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)));
                Print(result);
                JsonOut.Write(parse.GetValue(json), result);
                return ExitCodes.Ok;
            }
            finally
            {
                if (temporary is not null && Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            }
        });
        return command;
    }

    private static string Ms(double x) => x.ToString("F3", CultureInfo.InvariantCulture);

    private static void Print(DecisionBenchResult r)
    {
        var table = new Table().Title($"bench decision: {string.Join(", ", r.Models)}")
            .AddColumns("measure", "samples", "p50 ms", "p99 ms", "mean ms", "cpu p50 ms", "cpu p99 ms");
        void Row(string name, DecisionLatency l) => table.AddRow(name, l.Samples.ToString(CultureInfo.InvariantCulture),
            Ms(l.P50Ms), Ms(l.P99Ms), Ms(l.MeanMs), l.CpuP50Ms is { } c50 ? Ms(c50) : "-", l.CpuP99Ms is { } c99 ? Ms(c99) : "-");
        Row("one symbol, one decision", r.OneSymbol);
        Row($"{r.BatchSymbols} symbols, one after the other", r.Sequential);
        table.AddRow("  per symbol (mean)", "", "", "", Ms(r.SequentialPerSymbolMeanMs), "", "");
        Row($"{r.BatchSymbols} symbols batched, one model call each", r.Batched);
        table.AddRow("  per symbol (mean)", "", "", "", Ms(r.BatchedPerSymbolMeanMs), "", "");
        foreach (var m in r.PerModel)
            table.AddRow(Markup.Escape($"  {m.Id} predict alone"), "", Ms(m.P50Ms), Ms(m.P99Ms), Ms(m.MeanMs), "", "");
        var console = WideConsole.ForTables();
        console.Write(table);
        console.MarkupLine("models: " + Markup.Escape(string.Join(", ", r.PerModel.Select(m => m.Version))));
        console.MarkupLine(Markup.Escape($"{r.ProcessorCount} cores, load average {(r.LoadAverage is { } load ? load.ToString("F1", CultureInfo.InvariantCulture) : "unknown")}: " +
            "wall-clock tails include time spent waiting for a core; cpu columns are the deciding thread's own CPU time"));
        console.MarkupLine(r.OneSymbolMeetsGoal
            ? $"[green]goal met: one-symbol p99 {Ms(r.OneSymbol.P99Ms)} ms <= {Ms(r.GoalP99Ms)} ms[/]"
            : $"[red]goal missed: one-symbol p99 {Ms(r.OneSymbol.P99Ms)} ms > {Ms(r.GoalP99Ms)} ms[/]");
    }
}
