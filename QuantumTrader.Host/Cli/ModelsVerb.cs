using System.CommandLine;
using System.Globalization;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Trading;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The model registry for operators: list versions and champions, promote, roll back, mark important, see cleanup
/// recommendations and approve a deletion. Under 'models' each subcommand starts a node on the state directory's journal
/// (no data is replayed), sends one command to the registry and prints the outcome; run it while no other process uses
/// that state directory. Under 'ctl registry' the same subcommands go to a running node. A refused command exits with
/// code 2 and the registry's reason.
/// </summary>
public static class ModelsVerb
{
    public static Command Create()
    {
        var models = new Command("models", "The model registry: versions, champions, promotion, rollback and cleanup");
        foreach (var command in RegistryCommands(RegistryAccess.Journal)) models.Subcommands.Add(command);
        models.Subcommands.Add(ModelImportCommand.Create());
        return models;
    }

    /// <summary>The registry's subcommands, sent through <paramref name="access"/>: a state directory's journal, or a running node.</summary>
    public static IEnumerable<Command> RegistryCommands(RegistryAccess access) =>
        [List(access), Promote(access), Decline(access), RollBack(access), AbStart(access), AbStop(access), Retrain(access), MarkImportant(access), Cleanup(access),
            ApproveCleanup(access)];
    private static Option<string?> Json() => new("--json") { Description = "Write the result as one JSON object to this file" };
    private static Option<string> Slot() => new("--slot") { Description = $"Model slot: {string.Join(", ", ModelSlots.All)}", Required = true };
    private static Option<string> Version() => new("--version") { Description = "Model version, as 'models list' shows it", Required = true };
    private static Option<string> Reason(string fallback) => new("--reason") { DefaultValueFactory = _ => fallback, Description = "Why, kept in the history" };
    private static Option<string?> At(string what) => new("--at")
    {
        Description = $"Time of the {what}, ISO-8601 (default: now; refused while the node decides a start's bars); a replay's market time for a paper run",
    };

    private static Option<string?> MarketAt(string what) => new("--at")
    {
        Description = $"Market time of the {what}, ISO-8601 (default: right after the last bar the node decided; refused while it decides a start's bars)",
    };

    private static Command List(RegistryAccess access)
    {
        var where = access.NewOption();
        var at = new Option<string?>("--at") { Description = "Also show each slot's champion at this ISO-8601 time and the event that made it champion" };
        var json = Json();
        var command = new Command("list",
            "Every version with its status, training range, metrics and artifact; the champions; the circuit breakers; the promotion gate's decisions and the A/B tests")
            { where, at, json };
        command.SetAction(async (parse, cancel) =>
        {
            var when = parse.GetValue(at) is { } text ? ParseTime("--at", text) : (DateTimeOffset?)null;
            var view = await access.AskAsync<ModelRegistryView>(parse, parse.GetValue(where)!, GetModelRegistry.Instance, cancel);
            var book = Book(view);
            var slots = view.Versions.Select(v => v.Slot).Distinct().ToArray();

            var versions = new Table().Title($"model versions ({view.Versions.Count})")
                .AddColumns("slot", "version", "status", "trained on", "auc", "accuracy", "validation mse", "size", "flags");
            foreach (var v in view.Versions)
                versions.AddRow(v.Slot, Markup.Escape(v.Version), v.Status.ToString(),
                    $"{v.TrainingData.From:yyyy-MM-dd} .. {v.TrainingData.To:yyyy-MM-dd}", Metric(v, "auc"), Metric(v, "accuracy"),
                    Metric(v, "validationMse"), Bytes(v.SizeBytes), Markup.Escape(Flags(v)));
            AnsiConsole.Write(versions);

            var champions = new Table().Title(when is { } t ? $"champions at {t:O}" : "champions").AddColumns("slot", "version", "since", "why");
            var championRows = slots.Select(slot => when is { } t ? book.ChampionAt(slot, t) : book.ChampionAt(slot, DateTimeOffset.MaxValue))
                .OfType<ChampionAtTime>().ToArray();
            foreach (var c in championRows)
                champions.AddRow(c.Slot, Markup.Escape(c.Version), c.Since.ToString("O", CultureInfo.InvariantCulture), Markup.Escape(Why(c.Cause)));
            AnsiConsole.Write(champions);

            if (view.Breakers.Count > 0)
            {
                var breakers = new Table().Title("circuit breakers").AddColumns("slot", "watching", "rolls back to", "window", "trades", "avg R", "win rate", "status");
                foreach (var b in view.Breakers)
                    breakers.AddRow(b.Slot, Markup.Escape(b.NewVersion), Markup.Escape(b.PreviousVersion), $"{b.OpenedAt:O} .. {b.MonitorUntil:O}",
                        b.Trades.ToString(CultureInfo.InvariantCulture), b.AverageR.ToString("F3", CultureInfo.InvariantCulture),
                        b.WinRate.ToString("P1", CultureInfo.InvariantCulture), b.Status.ToString());
                AnsiConsole.Write(breakers);
            }

            if (view.AwaitingReview.Count > 0)
            {
                var review = new Table().Title("promotions awaiting review: 'promote' or 'decline'").AddColumns("slot", "version", "champion", "since", "why");
                foreach (var a in view.AwaitingReview)
                    review.AddRow(a.Slot, Markup.Escape(a.Version), Markup.Escape(a.Champion), a.Time.ToString("O", CultureInfo.InvariantCulture), Markup.Escape(a.Recommendation));
                AnsiConsole.Write(review);
            }

            if (view.AbTestsRunning.Count > 0)
            {
                var running = new Table().Title("A/B tests running (95 % intervals)")
                    .AddColumns("slot", "challenger / champion", "share", "ends by", "champion arm", "challenger arm", "lead in mean R", "if it ended now");
                foreach (var a in view.AbTestsRunning)
                    running.AddRow(a.Slot, Markup.Escape($"{a.Version} / {a.Champion}"), a.Settings.Share.ToString("P0", CultureInfo.InvariantCulture),
                        Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{a.EndsBy:O} or {a.ChallengerTradesToGo} more challenger trades")),
                        Markup.Escape(Arm(a.ChampionArm, a.ChampionSharpe)), Markup.Escape(Arm(a.ChallengerArm, a.ChallengerSharpe)),
                        Markup.Escape(Range(a.MeanRLead)), Markup.Escape(a.IfEndedNow));
                AnsiConsole.Write(running);
            }

            if (view.MarketDrift.Count > 0)
            {
                var checks = view.History.OfType<MarketDriftChecked>().ToArray();
                var drift = new Table().Title($"market drift (seed 004): latest check per slot; {checks.Count(c => c.Detected)} of {checks.Length} checks found drift")
                    .AddColumns("slot / champion", "checked", "symbol", "measure", "statistic / threshold", "drift", "detail");
                foreach (var c in view.MarketDrift)
                foreach (var m in c.Measures)
                    drift.AddRow(Markup.Escape($"{c.Slot} / {c.Version}"), c.Time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Markup.Escape(m.Symbol),
                        m.Kind.ToString().ToLowerInvariant(), string.Create(CultureInfo.InvariantCulture, $"{m.Statistic:0.###} / {m.Threshold:0.###}"),
                        m.Detected ? "[yellow]yes[/]" : "no", Markup.Escape(m.Detail));
                WideConsole.ForTables().Write(drift);
            }

            var decisions = view.History.OfType<PromotionGateDecided>().ToArray();
            if (decisions.Length > 0)
            {
                var gate = new Table().Title($"promotion gate ({decisions.Length} decisions)")
                    .AddColumns("slot", "challenger", "champion", "decided", "shadow calls", "accuracy / champion's", "verdict");
                foreach (var d in decisions)
                    gate.AddRow(d.Slot, Markup.Escape(d.Version), Markup.Escape(d.Champion), d.Time.ToString("O", CultureInfo.InvariantCulture),
                        d.Evidence.Challenger.Calls.ToString(CultureInfo.InvariantCulture),
                        string.Create(CultureInfo.InvariantCulture, $"{d.Evidence.Challenger.Accuracy:0.###} / {d.Evidence.Champion.Accuracy:0.###}"),
                        Markup.Escape(d.Report.Summary));
                AnsiConsole.Write(gate);
            }

            var abTests = view.History.OfType<AbTestConcluded>().ToArray();
            if (abTests.Length > 0)
            {
                var ab = new Table().Title($"A/B tests ({abTests.Length} concluded)")
                    .AddColumns("slot", "challenger", "champion", "concluded", "challenger trades / Sharpe", "champion trades / Sharpe", "verdict");
                foreach (var a in abTests)
                    ab.AddRow(a.Slot, Markup.Escape(a.Version), Markup.Escape(a.Champion), a.Time.ToString("O", CultureInfo.InvariantCulture),
                        string.Create(CultureInfo.InvariantCulture, $"{a.ChallengerArm.Trades} / {a.ChallengerArm.Sharpe:0.###}"),
                        string.Create(CultureInfo.InvariantCulture, $"{a.ChampionArm.Trades} / {a.ChampionArm.Sharpe:0.###}"), Markup.Escape(a.Verdict));
                AnsiConsole.Write(ab);
            }

            var pending = slots.Select(book.Registry.PendingRetraining).OfType<RetrainingRequested>().ToArray();
            if (pending.Length > 0)
            {
                var requests = new Table().Title("retraining requests waiting for a check").AddColumns("slot", "requested", "champion then", "reason");
                foreach (var r in pending)
                    requests.AddRow(r.Slot, r.Time.ToString("O", CultureInfo.InvariantCulture), Markup.Escape(r.Version), Markup.Escape(r.Reason));
                AnsiConsole.Write(requests);
            }

            // A forecaster learns returns, not labelled calls, so it keeps no error buffer.
            var buffers = slots.Where(slot => !ModelSlots.IsForecaster(slot)).ToDictionary(slot => slot, slot => book.Registry.ErrorBufferOf(slot));
            if (buffers.Values.Any(b => b.Errors.Count > 0))
            {
                var replay = new Table().Title("error replay buffers (seed 004)")
                    .AddColumns("slot", "errors", "by regime", "by label", "avg confidence", ">= 0.8", "worst");
                foreach (var (slot, buffer) in buffers)
                {
                    var stats = buffer.Stats();
                    replay.AddRow(slot, stats.Errors.ToString(CultureInfo.InvariantCulture), Markup.Escape(Counts(stats.ByRegime)), Markup.Escape(Counts(stats.ByLabel)),
                        stats.AverageConfidence.ToString("0.000", CultureInfo.InvariantCulture), stats.HighConfidence.ToString(CultureInfo.InvariantCulture),
                        buffer.Errors.FirstOrDefault() is { } w
                            ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{w.Symbol} {w.Time:yyyy-MM-dd HH:mm} {w.Predicted} at {w.Confidence:0.000} by {w.Version}"))
                            : "-");
                }
                AnsiConsole.Write(replay);
            }

            var championJson = championRows.Select(c => new ChampionJson(c.Slot, c.Version, c.Since, Why(c.Cause))).ToArray();
            JsonOut.Write(parse.GetValue(json), new ModelsListJson(view.Versions, championJson, view.Breakers, view.Trips, view.History,
                buffers.ToDictionary(b => b.Key, b => b.Value.Stats()), pending, view.AbTestsRunning, view.AwaitingReview, view.MarketDrift));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Promote(RegistryAccess access)
    {
        var (where, slot, version, reason, at, json) = (access.NewOption(), Slot(), Version(), Reason("promoted by an operator"), MarketAt("promotion"), Json());
        var command = new Command("promote", "Make a version its slot's champion and serve it; a circuit breaker watches it afterwards") { where, slot, version, reason, at, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new PromoteModelVersion(
            parse.GetValue(slot)!, parse.GetValue(version)!, parse.GetValue(reason)!, TimeGiven(parse.GetValue(at))), parse.GetValue(json), cancel));
        return command;
    }

    private static Command Decline(RegistryAccess access)
    {
        var (where, slot, version, at, json) = (access.NewOption(), Slot(), Version(), MarketAt("decline"), Json());
        var reason = new Option<string>("--reason") { Description = "Why the champion stays, kept in the history", Required = true };
        var command = new Command("decline",
            "Answer no to a promotion that awaits review (--auto-promote false, or an A/B test started with --await-review): the version is rejected and the champion stays")
            { where, slot, version, reason, at, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new DeclineModelPromotion(
            parse.GetValue(slot)!, parse.GetValue(version)!, parse.GetValue(reason)!, TimeGiven(parse.GetValue(at))), parse.GetValue(json), cancel));
        return command;
    }

    private static Command RollBack(RegistryAccess access)
    {
        var (where, slot, reason, at, json) = (access.NewOption(), Slot(), Reason("rolled back by an operator"), MarketAt("rollback"), Json());
        var to = new Option<string?>("--to") { Description = "Version to go back to (default: the last earlier champion still usable)" };
        var degraded = new Option<bool>("--degraded") { Description = "Mark the version rolled back from as degraded" };
        var command = new Command("rollback", "Make an earlier version the champion again and serve it") { where, slot, to, reason, degraded, at, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new RollBackModelVersion(
            parse.GetValue(slot)!, parse.GetValue(to), parse.GetValue(reason)!, parse.GetValue(degraded), TimeGiven(parse.GetValue(at))), parse.GetValue(json), cancel));
        return command;
    }

    private static Command AbStart(RegistryAccess access)
    {
        var (where, slot, version, reason, at, json) = (access.NewOption(), Slot(), Version(), Reason("started by an operator"), MarketAt("start"), Json());
        var seed = AbTestSettings.Seed;
        var share = new Option<double>("--share") { Description = "Share of the slot's decisions the version takes", DefaultValueFactory = _ => seed.Share };
        var minTrades = new Option<int>("--min-trades") { Description = "Challenger trades that end the test and that a switch needs", DefaultValueFactory = _ => seed.MinTrades };
        var days = new Option<double>("--days") { Description = "Days of market time after which the test ends", DefaultValueFactory = _ => seed.Duration.TotalDays };
        var improvement = new Option<double>("--min-improvement") { Description = "How much better the challenger's Sharpe ratio must be to switch", DefaultValueFactory = _ => seed.MinImprovement };
        var review = new Option<bool>("--await-review") { Description = "A win awaits an operator's promote or decline instead of promoting the version" };
        var command = new Command("ab-start", "Give a registered version a share of its slot's live decisions in an A/B test against the champion; promoted only if it wins")
        {
            where, slot, version, share, minTrades, days, improvement, review, reason, at, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var d = parse.GetValue(days);
            if (!(d > 0 && double.IsFinite(d))) throw new UsageException($"--days must be a positive number of days, got {d}");
            var settings = new AbTestSettings(parse.GetValue(share), parse.GetValue(minTrades), TimeSpan.FromDays(d), parse.GetValue(improvement))
            {
                AwaitsReview = parse.GetValue(review),
            };
            return await Send(access, parse, parse.GetValue(where)!, new StartModelAbTest(
                parse.GetValue(slot)!, parse.GetValue(version)!, settings, parse.GetValue(reason)!, TimeGiven(parse.GetValue(at))), parse.GetValue(json), cancel);
        });
        return command;
    }

    private static Command AbStop(RegistryAccess access)
    {
        var (where, slot, reason, at, json) = (access.NewOption(), Slot(), Reason("stopped by an operator"), MarketAt("stop"), Json());
        var command = new Command("ab-stop", "End the slot's A/B test now without a switch; the champion serves alone") { where, slot, reason, at, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new StopModelAbTest(
            parse.GetValue(slot)!, parse.GetValue(reason)!, TimeGiven(parse.GetValue(at))), parse.GetValue(json), cancel));
        return command;
    }

    private static Command Retrain(RegistryAccess access)
    {
        var (where, slot, reason, at, json) = (access.NewOption(), Slot(), Reason("requested by an operator"), At("request"), Json());
        var command = new Command("retrain",
            "Ask for a slot to be retrained at the next retraining check of the run or node (every 24 h of market time); the challenger then goes through the shadow test and the gate")
            { where, slot, reason, at, json };
        command.SetAction(async (parse, cancel) =>
        {
            var name = parse.GetValue(slot)!;
            if (!ModelSlots.All.Contains(name))
                throw new UsageException($"--slot: unknown slot '{name}'; use one of {string.Join(", ", ModelSlots.All)}");
            return await Send(access, parse, parse.GetValue(where)!, new RequestModelRetraining(name, parse.GetValue(reason)!, TimeGiven(parse.GetValue(at))),
                parse.GetValue(json), cancel);
        });
        return command;
    }

    private static Command MarkImportant(RegistryAccess access)
    {
        var (where, slot, version, json) = (access.NewOption(), Slot(), Version(), Json());
        var unmark = new Option<bool>("--unmark") { Description = "Remove the mark instead" };
        var command = new Command("mark-important", "Keep a version whatever the cleanup rules say") { where, slot, version, unmark, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new MarkModelImportant(
            parse.GetValue(slot)!, parse.GetValue(version)!, !parse.GetValue(unmark), null), parse.GetValue(json), cancel));
        return command;
    }

    /// <summary>The metric cleanup ranks versions by unless told otherwise: every tree version has it.</summary>
    public const string DefaultCleanupMetric = "auc";

    private static Command Cleanup(RegistryAccess access)
    {
        var (where, at, json) = (access.NewOption(),
            new Option<string?>("--at") { Description = "Judge ages at this ISO-8601 time (default: the last bar the node decided, the market time versions are dated by)" }, Json());
        var metric = new Option<string>("--score-metric") { DefaultValueFactory = _ => DefaultCleanupMetric, Description = "Metric that ranks versions (higher is better)" };
        var command = new Command("cleanup", "Recommend versions to delete and the space each frees; deletes nothing") { where, metric, at, json };
        command.SetAction(async (parse, cancel) =>
        {
            var view = await access.AskAsync<ModelRegistryView>(parse, parse.GetValue(where)!, GetModelRegistry.Instance, cancel);
            var when = parse.GetValue(at) is { } text ? ParseTime("--at", text) : view.DecidedThrough ?? DateTimeOffset.UtcNow;
            var report = CleanupAdvisor.Recommend(view.ToRegistry(), when, new CleanupPolicy(ScoreMetric: parse.GetValue(metric)!));
            var candidates = new Table()
                .Title($"cleanup recommendations at {when:yyyy-MM-dd HH:mm} UTC: {report.Candidates.Count} version(s), {Bytes(report.TotalBytesFreed)} to free")
                .AddColumns("slot", "version", "bytes freed", "why");
            foreach (var c in report.Candidates)
                candidates.AddRow(c.Slot, Markup.Escape(c.Version), c.BytesFreed.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join("; ", c.Reasons)));
            AnsiConsole.Write(candidates);
            var kept = new Table().Title("kept").AddColumns("slot", "version", "why");
            foreach (var k in report.Kept) kept.AddRow(k.Slot, Markup.Escape(k.Version), Markup.Escape(string.Join("; ", k.Reasons)));
            AnsiConsole.Write(kept);
            AnsiConsole.MarkupLine($"nothing was deleted; delete one with [bold]{access.CommandPrefix} approve-cleanup --slot S --version V[/]");
            JsonOut.Write(parse.GetValue(json), new CleanupJson(when, report.Candidates, report.Kept, report.TotalBytesFreed));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ApproveCleanup(RegistryAccess access)
    {
        var (where, slot, version, json) = (access.NewOption(), Slot(), Version(), Json());
        var by = new Option<string>("--by") { Description = "Who approves the deletion, kept in the history (default: the operator who gives the command)", DefaultValueFactory = _ => "" };
        var command = new Command("approve-cleanup", "Approve deleting a version's artifact files and delete them; never the champion") { where, slot, version, by, json };
        command.SetAction(async (parse, cancel) => await Send(access, parse, parse.GetValue(where)!, new ApproveModelCleanup(
            parse.GetValue(slot)!, parse.GetValue(version)!, parse.GetValue(by)!, null), parse.GetValue(json), cancel));
        return command;
    }

    private static async Task<int> Send(RegistryAccess access, ParseResult parse, string where, IProtocolMessage command, string? json, CancellationToken cancel)
    {
        var reply = await access.AskAsync<ModelRegistryReply>(parse, where, command, cancel);
        if (!reply.Succeeded) throw new UsageException($"the model registry refused: {reply.Error}");
        var table = new Table().Title(Markup.Escape(reply.Message)).AddColumns("event", "slot", "version", "time");
        foreach (var e in reply.Events)
            table.AddRow(e.GetType().Name, e.Slot, Markup.Escape(e.Version), e.Time.ToString("O", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        JsonOut.Write(json, reply);
        return ExitCodes.Ok;
    }

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value}")));

    private static ModelRegistryBook Book(ModelRegistryView view) => ModelRegistryBook.Empty with { Registry = view.ToRegistry() };


    /// <summary>The time --at gives; null lets the node date the command (refused while it decides a start's bars).</summary>
    private static DateTimeOffset? TimeGiven(string? text) => text is null ? null : ParseTime("--at", text);

    private static DateTimeOffset ParseTime(string option, string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new UsageException($"{option}: '{text}' is not an ISO-8601 time");

    private static string Why(RegistryEvent cause) => cause switch
    {
        VersionPromoted p => $"promoted{(p.PreviousChampion is null ? "" : $" over {p.PreviousChampion}")}: {p.Reason}",
        VersionRolledBack r => $"rolled back from {r.FromVersion}{(r.MarkedDegraded ? " (marked degraded)" : "")}: {r.Reason}",
        _ => cause.GetType().Name,
    };

    private static string Metric(ModelVersionRecord v, string name) =>
        v.Metrics.TryGetValue(name, out var x) ? x.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string Flags(ModelVersionRecord v) => string.Join(", ", new[]
    {
        v.Important ? "important" : null, v.DeletionApproved ? "deletion approved" : null, v.Deleted ? "deleted" : null,
    }.OfType<string>());

    private static string Arm(ArmStats arm, Interval? sharpe) => string.Create(CultureInfo.InvariantCulture,
        $"{arm.Trades} trades, win rate {arm.WinRate:P1}, Sharpe {Range(sharpe)}");

    private static string Range(Interval? x) => x is null ? "- (needs two trades that differ)"
        : string.Create(CultureInfo.InvariantCulture, $"{x.Estimate:0.###} [{x.Low:0.###}, {x.High:0.###}]");

    private static string Bytes(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.0} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB");

    private sealed record ChampionJson(string Slot, string Version, DateTimeOffset Since, string Why);

    private sealed record ModelsListJson(
        IReadOnlyList<ModelVersionRecord> Versions, IReadOnlyList<ChampionJson> Champions, IReadOnlyList<CircuitBreakerState> Breakers,
        IReadOnlyList<CircuitBreakerTripped> Trips, IReadOnlyList<RegistryEvent> History, IReadOnlyDictionary<string, ErrorReplayStats> ErrorBuffers,
        IReadOnlyList<RetrainingRequested> PendingRetraining, IReadOnlyList<AbTestProgress> AbTestsRunning,
        IReadOnlyList<PromotionAwaitingReview> AwaitingReview, IReadOnlyList<MarketDriftChecked> MarketDrift);

    private sealed record CleanupJson(DateTimeOffset At, IReadOnlyList<CleanupRecommendation> Candidates, IReadOnlyList<KeptVersion> Kept, long TotalBytesFreed);
}
