using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Run;
using QuantumTrader.Models;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The audit of a state directory: reads its whole journal (read-only, also beside a running node), prints the checks
/// that nothing was lost and every decision that changed money, risk or the models with its reason. Exits 1 when a
/// check fails, so a script can gate on it.
/// </summary>
public static class AuditVerb
{
    public static Command Create()
    {
        var state = new Option<string>("--state") { DefaultValueFactory = _ => "state", Description = "State directory of a run or node (holds journal.db)" };
        var trail = new Option<string?>("--trail") { Description = "Write every decision of the trail to this CSV file: time, area, kind, subject, detail, its journal row and, for an operator's command, when it was given (wall clock)" };
        var latest = new Option<int>("--latest") { DefaultValueFactory = _ => AuditView.DefaultLatest, Description = "How many of the latest decisions to print (signal rejections and regime changes are left out here, not from the counts and the CSV)" };
        var trade = new Option<string?>("--trade") { Description = "Also tell one closed trade's story: its features, what served each model slot, the emergency-stop mode and regime at its decision, every step to its settlement" };
        var alerts = new Option<int>("--alerts") { Description = "Also list the latest N alerts, numbered as a node's alert feed numbers them" };
        var json = new Option<string?>("--json") { Description = "Write the checks, the counts and the latest decisions as one JSON object to this file" };
        var command = new Command("audit",
            "Audit a journal: check that no trade, settlement, outcome or model event was lost, and list every decision that changed money, risk or models with its reason")
            { state, trail, latest, trade, alerts, json };
        command.SetAction(async (parse, cancel) =>
        {
            var dir = parse.GetValue(state)!;
            var report = await ReadAsync(dir, cancel);
            if (parse.GetValue(alerts) < 0) throw new UsageException($"--alerts must not be negative, got {parse.GetValue(alerts)}");
            var view = AuditView.Of(Path.GetFullPath(Settings(dir).JournalPath), report, parse.GetValue(latest), parse.GetValue(trade))
                with { LatestAlerts = Alert.Numbered(report.Trail).TakeLast(parse.GetValue(alerts)).ToArray(), Starts = StartRow.Of(RecordedStart.ReadAll(dir)) };
            if (parse.GetValue(trail) is { } path) WriteTrail(path, report.Trail);
            JsonOut.Write(parse.GetValue(json), view);
            return Print(view);
        });
        return command;
    }

    private static NodeSettings Settings(string stateDirectory) => new() { StateDirectory = stateDirectory };

    /// <summary>The checks, counts and latest decisions for people; exit code 1 when a check failed.</summary>
    public static int Print(AuditView view)
    {
        var console = WideConsole.ForTables();
        console.WriteLine($"journal {view.Journal}: {view.Rows} rows of {view.Entities} entities");

        var checks = new Table().Title("checks").AddColumns("check", "outcome", "detail");
        foreach (var c in view.Checks)
        {
            var outcome = c.Outcome switch
            {
                CheckOutcome.Passed => "[green]passed[/]",
                CheckOutcome.Pending => "[yellow]pending[/]",
                _ => "[red]FAILED[/]",
            };
            checks.AddRow(c.Name, outcome, Markup.Escape(c.Detail));
        }
        console.Write(checks);

        var kinds = new Table().Title("decisions by kind").AddColumns("area", "kind", "count", "first", "last");
        foreach (var k in view.Kinds)
            kinds.AddRow(k.Area.ToString().ToLowerInvariant(), k.Kind, k.Count.ToString(CultureInfo.InvariantCulture), Time(k.First), Time(k.Last));
        console.Write(kinds);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"alerts in the trail: {view.Alerts.GetValueOrDefault(AlertSeverity.Critical)} critical, {view.Alerts.GetValueOrDefault(AlertSeverity.Warning)} warning, {view.Alerts.GetValueOrDefault(AlertSeverity.Info)} info"));
        if (view.Starts.Count > 0)
        {
            var (first, last) = (view.Starts[0], view.Starts[^1]);
            console.WriteLine($"starts: {view.Starts.Count} recorded, from {Wall(first.StartedAt)} to {Wall(last.StartedAt)} (wall clock); the last read up to {Time(last.LastBar)}");
            foreach (var start in view.Starts.Where(s => s.Changed.Count > 0))
                console.WriteLine($"start {start.Number} ({Wall(start.StartedAt)}) changed {string.Join(", ", start.Changed)}");
            foreach (var start in view.Starts.Where(s => s.LostRows.Count > 0))
                console.WriteLine($"start {start.Number} ({Wall(start.StartedAt)}) read {string.Join(", ", start.LostRows)} to an earlier bar than the start before: rows the journal decided left the files, and a replay parts there");
        }

        if (view.Latest.Count > 0)
        {
            var trail = new Table().Title($"the latest {view.Latest.Count} decisions of {view.Decisions}")
                .AddColumns("time", "area", "kind", "subject", "detail");
            foreach (var e in view.Latest)
                trail.AddRow(Time(e.Time), e.Area.ToString().ToLowerInvariant(), e.Kind, Markup.Escape(e.Subject), Markup.Escape(e.Detail + Given(e)));
            console.Write(trail);
        }

        if (view.LatestAlerts.Count > 0)
        {
            var alerts = new Table().Title($"the latest {view.LatestAlerts.Count} alerts").AddColumn(new TableColumn("#").RightAligned())
                .AddColumns("severity", "time", "kind", "subject", "detail", "journal row");
            foreach (var a in view.LatestAlerts)
                alerts.AddRow(a.Number.ToString(CultureInfo.InvariantCulture), a.Severity.ToString().ToLowerInvariant(), Time(a.Entry.Time), a.Entry.Kind,
                    Markup.Escape(a.Entry.Subject), Markup.Escape(a.Entry.Detail), Markup.Escape($"{a.Entry.Source} #{a.Entry.SequenceNr}"));
            console.Write(alerts);
        }

        if (view.Trade is { } t) PrintTrade(console, t);

        var failed = view.Checks.Count(c => c.Outcome == CheckOutcome.Failed);
        if (failed == 0) return ExitCodes.Ok;
        Console.Error.WriteLine($"audit: {failed} check(s) failed");
        return ExitCodes.Failure;
    }

    /// <summary>Reads the journal of <paramref name="stateDirectory"/> in journal order and audits it; opens every kept model artifact.</summary>
    public static Task<AuditReport> ReadAsync(string stateDirectory, CancellationToken cancel) =>
        ReadJournalAsync(stateDirectory, system => AuditAsync(system, stateDirectory, cancel));

    /// <summary>
    /// Runs <paramref name="read"/> in a local actor system with the node's persistence and serializer over the journal of
    /// <paramref name="stateDirectory"/>: it reads, it never joins a cluster or writes. A directory without a journal, or
    /// with one of an earlier format, is refused.
    /// </summary>
    public static async Task<T> ReadJournalAsync<T>(string stateDirectory, Func<ActorSystem, Task<T>> read)
    {
        var settings = Settings(stateDirectory);
        if (!File.Exists(settings.JournalPath))
            throw new UsageException($"'{stateDirectory}' holds no journal ({settings.JournalPath} does not exist); run 'qt run --state {stateDirectory}' first");
        SqliteJournal.CheckFormat(settings);

        var config = ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(HoconFiles.Node(settings));
        var setup = BootstrapSetup.Create().WithConfig(config).And(SqliteJournal.Connections(settings)!);
        using var system = ActorSystem.Create("journal-reader", setup);
        try
        {
            return await read(system);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Audits the journal <paramref name="system"/> reads (a running node's, too); sizing checkpoints are relative to <paramref name="stateDirectory"/>.</summary>
    public static async Task<AuditReport> AuditAsync(ActorSystem system, string stateDirectory, CancellationToken cancel)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var auditor = new JournalAuditor();
        await journal.CurrentAllEvents(Offset.NoOffset())
            .RunForeach(envelope => JournalAuditing.Read(auditor, envelope), system.Materializer()).WaitAsync(cancel);
        return auditor.Report(version => OpenProblem(version, stateDirectory), checkpoint => File.Exists(Path.Combine(stateDirectory, checkpoint)));
    }

    private static string? OpenProblem(ModelVersionRecord version, string stateDirectory)
    {
        try
        {
            (RegistryServing.Open(RegistryServing.Located(version, stateDirectory)) as IDisposable)?.Dispose();
            return null;
        }
        catch (Exception ex)
        {
            return ex.InnerException?.Message ?? ex.Message;
        }
    }

    private static void PrintTrade(IAnsiConsole console, TradeExplanation x)
    {
        var t = x.Trade;
        var head = new Table().Title($"trade {Markup.Escape(t.TradeId)}").AddColumns("", "").HideHeaders();
        head.AddRow("symbol, side", $"{t.Symbol} {t.Side}");
        head.AddRow("decided", Time(t.Decision.DecidedAt));
        head.AddRow("entry, exit", string.Create(CultureInfo.InvariantCulture, $"{Time(t.EntryTime)} at {t.EntryPrice:0.####}, {Time(t.ExitTime)} at {t.ExitPrice:0.####} ({t.ExitReason})"));
        head.AddRow("pnl, R, fees", string.Create(CultureInfo.InvariantCulture, $"{t.Pnl:0.00}, {t.RMultiple:0.00}, {t.Fees:0.00}"));
        head.AddRow("ensemble", Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{t.Decision.Ensemble.Action} at confidence {t.Decision.Ensemble.Confidence:0.###}, agreement {t.Decision.Ensemble.Agreement:0.##} ({t.Decision.Ensemble.Reason})")));
        head.AddRow("filter, bias", Markup.Escape($"{t.Decision.Filter.Verdict}; {t.Decision.Bias.Reason}"));
        head.AddRow("emergency stop, regime", $"{x.EmergencyMode}, {x.Regime ?? "-"}");
        head.AddRow("features", Markup.Escape(string.Join(", ", x.Features.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Value:0.####}")))));
        console.Write(head);

        var votes = new Table().Title("votes and the versions serving").AddColumns("slot", "vote", "confidence", "weight", "voted by", "champion then", "A/B challenger then");
        foreach (var v in t.Decision.Ensemble.Votes)
        {
            var s = x.Served.FirstOrDefault(s => s.Slot == v.ModelId);
            votes.AddRow(v.ModelId, Markup.Escape(v.Fallback is null ? v.Action.ToString() : $"HOLD (fallback: {v.Fallback})"), v.Confidence.ToString("0.###", CultureInfo.InvariantCulture), v.Weight.ToString("0.###", CultureInfo.InvariantCulture),
                Markup.Escape(s?.Voted ?? "-"), Markup.Escape(s?.Champion ?? "-"),
                Markup.Escape(s?.Challenger is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c} ({s.ChallengerShare:P0} of decisions)") : "-"));
        }
        console.Write(votes);

        var story = new Table().Title("from decision to settlement").AddColumns("time", "kind", "detail", "journal row");
        foreach (var e in x.Story)
            story.AddRow(Time(e.Time), e.Kind, Markup.Escape(e.Detail), Markup.Escape($"{e.Source} #{e.SequenceNr}"));
        console.Write(story);
    }

    private static void WriteTrail(string path, IReadOnlyList<AuditEntry> trail)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(path);
        w.WriteLine("time,area,kind,subject,detail,persistence_id,sequence_nr,given_at,operator");
        foreach (var e in trail)
            w.WriteLine(string.Join(',', Iso(e.Time), e.Area.ToString().ToLowerInvariant(), e.Kind, Csv(e.Subject), Csv(e.Detail), Csv(e.Source),
                e.SequenceNr.ToString(CultureInfo.InvariantCulture), e.GivenAt is { } given ? Iso(given) : "", Csv(e.Operator ?? "")));
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>An operator's command also shows who gave it and when by the wall clock; its time is the market time it serves after.</summary>
    private static string Given(AuditEntry e) =>
        (e.Operator is { } by ? $" (by {by})" : "")
        + (e.GivenAt is { } given ? string.Create(CultureInfo.InvariantCulture, $" (given {given.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)") : "");

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Wall(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "an unrecorded time";
}

/// <summary>
/// One start of the job as starts.jsonl records it: when it began, the latest bar it read, the settings it changed from
/// the start before, and the symbols whose data ended earlier than at the start before.
/// </summary>
public sealed record StartRow(int Number, DateTimeOffset? StartedAt, DateTimeOffset LastBar, IReadOnlyList<string> Changed, IReadOnlyList<string> LostRows)
{
    public static IReadOnlyList<StartRow> Of(IReadOnlyList<RecordedStart> starts) =>
        starts.Select((s, i) => new StartRow(i + 1, s.StartedAt, s.Job.LastBar, i == 0 ? [] : starts[i - 1].Settings.Differences(s.Settings),
            i == 0 ? [] : s.Job.LostSince(starts[i - 1].Job))).ToArray();
}

/// <summary>What the audit shows people and scripts: the checks, each kind's count, and the latest decisions but refused signals and regime changes.</summary>
public sealed record AuditView(
    string Journal, int Rows, int Entities, bool Passed, double? StartingEquity, double? FinalEquity, IReadOnlyList<AuditCheck> Checks,
    IReadOnlyList<AuditKindCount> Kinds, int Decisions, IReadOnlyList<AuditEntry> Latest, TradeExplanation? Trade)
{
    /// <summary>How many decisions of the trail are alerts of each severity (what a node's alert feed numbers and sends).</summary>
    public IReadOnlyDictionary<AlertSeverity, int> Alerts { get; init; } = new Dictionary<AlertSeverity, int>();

    /// <summary>The latest alerts with the numbers a node's alert feed gives them (<c>--alerts N</c>).</summary>
    public IReadOnlyList<Alert> LatestAlerts { get; init; } = [];

    /// <summary>The job's starts as the state directory recorded them (none before starts were recorded).</summary>
    public IReadOnlyList<StartRow> Starts { get; init; } = [];

    public const int DefaultLatest = 15;

    /// <summary>The view, with <paramref name="tradeId"/>'s story when one is asked for; an id the journal never closed is refused naming it.</summary>
    public static AuditView Of(string journal, AuditReport report, int latest, string? tradeId = null) =>
        new(journal, report.Rows, report.Entities, report.Passed, report.StartingEquity, report.FinalEquity, report.Checks, report.Kinds,
            report.Trail.Count, report.Trail.Where(e => e.Kind is not ("signal-rejected" or "regime-changed")).TakeLast(Math.Max(0, latest)).ToArray(),
            tradeId is null ? null : report.Explain(tradeId) ?? throw new UsageException($"--trade {tradeId}: the journal holds no closed trade with that id"))
        {
            Alerts = Enum.GetValues<AlertSeverity>().ToDictionary(v => v, v => report.Trail.Count(e => e.Severity == v)),
        };
}
