using System.CommandLine;
using System.Globalization;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Market;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Runs a state directory's job again from scratch, from its data and the settings it recorded, into a directory of its
/// own, start by start as the journaled job started, and compares every decision with the journal's. Exit 0 when they
/// are the same, 1 when they part.
/// </summary>
public static class ReplayVerb
{
    public static Command Create()
    {
        var state = new Option<string>("--state") { DefaultValueFactory = _ => "state", Description = "State directory of a run or node whose journal is replayed" };
        var data = new Option<string[]>("--data") { Description = "Data files or folders instead of those run.json names (for data that moved)", AllowMultipleArgumentsPerToken = true };
        var into = new Option<string?>("--into") { Description = "State directory for the replay, kept afterwards (default: a temporary one, deleted)" };
        var json = new Option<string?>("--json") { Description = "Write the comparison as one JSON object to this file" };
        var command = new Command("replay",
            "Run a state directory's job again from its data and recorded settings and compare every decision with its journal (exit 1 when they part)")
            { state, data, into, json };
        command.SetAction(async (parse, cancel) =>
        {
            var original = parse.GetValue(state)!;
            var target = parse.GetValue(into);
            Console.WriteLine($"replaying {original} from its data with the settings of {RecordedRun.PathIn(original)}, into {target ?? "a temporary state directory"}");
            var view = await RunAsync(original, parse.GetValue(data), target, new ProgressOnly(new ConsoleObserver()), cancel);
            JsonOut.Write(parse.GetValue(json), view);
            return Print(view);
        });
        return command;
    }

    /// <summary>Replays <paramref name="stateDirectory"/> into <paramref name="into"/> (a temporary directory when null, deleted afterwards) and compares.</summary>
    public static async Task<ReplayView> RunAsync(string stateDirectory, IReadOnlyList<string>? data, string? into, IRunObserver observer, CancellationToken cancel)
    {
        var recorded = RecordedRun.Read(stateDirectory)
                       ?? throw new UsageException($"'{stateDirectory}' holds no {RecordedRun.FileName}: it was not started by 'qt run' or 'qt node' of this version, so its settings are unknown");
        var journal = await AuditVerb.ReadAsync(stateDirectory, cancel);
        var target = into ?? Path.Combine(Path.GetTempPath(), "qt-replay-" + Guid.NewGuid().ToString("N"));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new UsageException($"--into {target}: the replay needs an empty or new directory");
        try
        {
            CopyImportedModels(stateDirectory, target);
            // The first start's cut between training and trading bars: a node whose data grew since keeps it, and so does its replay.
            StoredPlan.Read(stateDirectory)?.Write(target);
            var actions = EssOperatorAction.From(journal.Trail);
            var starts = RecordedStart.ReadAll(stateDirectory);
            var segments = ReplayPlan.Of(starts.Select(s => s.Job).ToArray(), actions, journal.OperatorCommands);
            // A state directory from before starts were recorded is replayed as one start on all of its data.
            IEnumerable<RunSettings> runs = segments.Count == 0
                ? [recorded.Settings(target, data) with { EssActions = actions }]
                : segments.Select(g => starts[g.Index].Settings.Settings(target, data) with
                {
                    DataUntil = g.Start.LastBars, EssActions = g.Actions, OperatorCommands = g.CommandsAfter,
                });
            RunSummary? summary = null;
            foreach (var settings in runs) summary = await RunJob.ExecuteAsync(settings, observer, cancel);
            var replay = await AuditVerb.ReadAsync(target, cancel);
            return new ReplayView(Path.GetFullPath(stateDirectory), into is null ? null : Path.GetFullPath(target), summary!.TradesClosed,
                ReplayComparison.Of(journal.Trail, replay.Trail)) { Starts = starts.Count, StartsReplayed = Math.Max(1, segments.Count) };
        }
        finally
        {
            if (into is null && Directory.Exists(target)) Directory.Delete(target, recursive: true);
        }
    }

    /// <summary>An imported model chosen for a tree slot is part of the job's input: the replay serves the same file.</summary>
    private static void CopyImportedModels(string from, string to)
    {
        foreach (var slot in new[] { ModelSlots.Xgb, ModelSlots.Lgbm })
        {
            var source = ImportedServing.SlotDirectory(from, slot);
            if (ImportedServing.Read(source) is not { } version) continue;
            var target = ImportedServing.SlotDirectory(to, slot);
            Directory.CreateDirectory(target);
            var sidecar = Path.Combine(source, TreeModelArtifact.SidecarFileName(version));
            foreach (var file in new[] { sidecar, TreeModelArtifact.Load(sidecar).OnnxPath(sidecar) })
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            ImportedServing.Write(target, version);
        }
    }

    /// <summary>The replay's run shows its progress; its messages and rejected rows are the journaled run's, reported when it ran.</summary>
    private sealed class ProgressOnly(IRunObserver inner) : IRunObserver
    {
        public void Info(string message) { }
        public void BadRow(BadRow row) { }
        public void Progress(long done, long total) => inner.Progress(done, total);
    }

    public static int Print(ReplayView view)
    {
        var c = view.Comparison;
        var console = WideConsole.ForTables();
        var kinds = new Table().Title($"decisions up to {Time(c.Horizon)}: journal against replay")
            .AddColumns("area", "kind", "journal", "replay", "same count");
        foreach (var k in c.Kinds)
            kinds.AddRow(k.Area.ToString().ToLowerInvariant(), k.Kind, N(k.Journal), N(k.Replay), k.Journal == k.Replay ? "yes" : "[red]no[/]");
        console.Write(kinds);
        if (view.Starts > 1)
            console.WriteLine($"the job started {view.Starts} times; the replay ran {view.StartsReplayed} of those starts one after another, each on the bars it had read (the others were restarts on the same data)");
        if (c.BeyondHorizon > 0) console.WriteLine($"the replay went on with {c.BeyondHorizon} decisions after each entity's last in the journal: the journaled run had not finished");
        var repeated = c.Kinds.Where(k => ReplayComparison.OperatorKinds.Contains(k.Kind)).Sum(k => k.Journal) - c.OperatorActions.Count;
        if (repeated > 0)
            console.WriteLine($"the replay repeated {repeated} operator action(s) where the journal has them: emergency-stop triggers and resets before the bar they reached first, limit changes, retraining requests and registry commands after the start they followed");
        if (c.OperatorActions.Count > 0)
            console.WriteLine($"the journal holds {c.OperatorActions.Count} operator action(s) a replay cannot repeat, the first {c.OperatorActions[0].Kind} at {Time(c.OperatorActions[0].Time)}; the two may part there");
        if (c.FirstDifference is not { } d)
        {
            console.WriteLine($"replay: all {c.Compared} decisions are the journal's, in market-time order");
            return ExitCodes.Ok;
        }
        var table = new Table().Title("first decision where journal and replay part").AddColumns("side", "time", "kind", "subject", "detail", "journal row");
        foreach (var (side, e) in new[] { ("journal", d.Journal), ("replay", d.Replay) })
            table.AddRow(side, e is null ? "-" : Time(e.Time), e?.Kind ?? "(none)", Markup.Escape(e?.Subject ?? ""), Markup.Escape(e?.Detail ?? ""),
                e is null ? "" : Markup.Escape($"{e.Source} #{e.SequenceNr}"));
        console.Write(table);
        Console.Error.WriteLine("replay: the journal and its replay part");
        return ExitCodes.Failure;
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>The comparison of a journal with its replay; <see cref="Into"/> is the replay's state directory when it was kept.</summary>
public sealed record ReplayView(string State, string? Into, int ReplayTradesClosed, ReplayComparison Comparison)
{
    /// <summary>The starts the journaled job had (0: not recorded), and how many the replay ran again, each on the data it had read.</summary>
    public int Starts { get; init; }
    public int StartsReplayed { get; init; }
}
