using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>A journal replayed from its data and recorded settings: the same decisions, or the first place they part.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class ReplayVerbTests(ReferenceRun reference)
{
    private string State => reference.Dir.File("state");

    [Fact]
    public async Task The_reference_run_replays_to_the_same_decisions()
    {
        var view = await ReplayVerb.RunAsync(State, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Equal(reference.Summary.TradesClosed, view.ReplayTradesClosed);
        Assert.Equal(reference.Summary.TradesClosed, view.Comparison.Kinds.Single(k => k.Kind == "trade-closed").Journal);
        Assert.Equal(0, view.Comparison.BeyondHorizon);
        Assert.True(view.Comparison.Compared > 1_000, $"compared {view.Comparison.Compared} decisions");
    }

    [Fact]
    public async Task A_node_whose_operator_triggered_and_reset_the_emergency_stop_after_its_replay_replays_with_both()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        var operated = new OperatorAfterReplay(dir);
        await RunJob.ExecuteAsync(new RunSettings { Data = [ReferenceRun.Data], StateDirectory = state, Models = ["xgb"], OpsUrl = "http://127.0.0.1:0" },
            operated, CancellationToken.None);
        Assert.True(operated.Done);

        var view = await ReplayVerb.RunAsync(state, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Empty(view.Comparison.OperatorActions);
        int Count(string kind) => view.Comparison.Kinds.Single(k => k.Kind == kind).Replay;
        Assert.Equal((1, 1), (Count("emergency-manual-trigger"), Count("emergency-manual-reset")));
        var journal = await AuditVerb.ReadAsync(state, CancellationToken.None);
        Assert.Contains(journal.Trail, e => e.Kind == "emergency-triggered" && e.Detail.Contains("-> EMERGENCY") && e.Detail.Contains("venue outage drill"));
        // The replay gives each action as the operator who gave it: the comparison would part at a different name.
        Assert.Equal(["dana", "erin"], journal.Trail.Where(e => e.Kind.StartsWith("emergency-manual-", StringComparison.Ordinal)).Select(e => e.Operator));
    }

    [Fact]
    public async Task An_emergency_stop_triggered_and_reset_while_the_node_decides_its_bars_reaches_the_next_bar_and_replays_there()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        var operated = new OperatorDuringReplay(dir);
        await RunJob.ExecuteAsync(new RunSettings { Data = [ReferenceRun.Data], StateDirectory = state, Models = ["xgb"], OpsUrl = "http://127.0.0.1:0" },
            operated, CancellationToken.None);
        Assert.Equal((0, 0), await operated.ExitCodes());

        var journal = await AuditVerb.ReadAsync(state, CancellationToken.None);
        var trigger = journal.Trail.Single(e => e.Kind == "emergency-manual-trigger");
        var reset = journal.Trail.Single(e => e.Kind == "emergency-manual-reset");
        var lastBar = journal.Trail.Where(e => e.Kind == "trade-closed").Max(e => e.Time);
        // Each is dated one tick before the hourly bar it reached first, inside the bars of the start.
        foreach (var given in new[] { trigger, reset })
        {
            Assert.Equal(0, given.Time.AddTicks(1).Ticks % TimeSpan.TicksPerHour);
            Assert.True(given.Time < lastBar, $"{given.Kind} at {given.Time:O}, after the start's bars");
        }
        Assert.Contains(journal.Trail, e => e.Kind == "emergency-triggered" && e.Time == trigger.Time && e.Detail.Contains("-> EMERGENCY"));
        Assert.Contains(journal.Trail, e => e.Kind == "signal-rejected" && e.Time > trigger.Time && e.Time < reset.Time && e.Detail.Contains("EMERGENCY mode blocks every new entry"));
        Assert.DoesNotContain(journal.Trail, e => e.Kind == "signal-rejected" && e.Detail.Contains("EMERGENCY") && (e.Time < trigger.Time || e.Time > reset.Time));

        var view = await ReplayVerb.RunAsync(state, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Empty(view.Comparison.OperatorActions);
        int Count(string kind) => view.Comparison.Kinds.Single(k => k.Kind == kind).Replay;
        Assert.Equal((1, 1), (Count("emergency-manual-trigger"), Count("emergency-manual-reset")));
    }

    [Fact]
    public async Task An_emergency_stop_sent_before_the_node_answers_reaches_it_once_it_is_up_and_replays()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        int port;
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        try { port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; } finally { probe.Stop(); }
        var url = $"http://127.0.0.1:{port}";

        var trigger = Task.Run(() => QtCli.RunAsync(["ctl", "ess", "trigger", "--node", url, "--reason", "sent while the node started", "--wait", "120", "--json", dir.File("trigger.json")]));
        // Nothing listens yet: without --wait the console fails at once.
        Assert.Equal(1, await QtCli.RunAsync(["ctl", "ess", "status", "--node", url]));
        await RunJob.ExecuteAsync(new RunSettings { Data = [ReferenceRun.Data], StateDirectory = state, Models = ["xgb"], OpsUrl = url },
            new ServingObserver([], async _ => Assert.Equal(0, await trigger)), CancellationToken.None);

        var journal = await AuditVerb.ReadAsync(state, CancellationToken.None);
        Assert.Equal("sent while the node started", journal.Trail.Single(e => e.Kind == "emergency-manual-trigger").Detail);
        Assert.Contains(journal.Trail, e => e.Kind == "emergency-triggered" && e.Detail.Contains("-> EMERGENCY"));

        var view = await ReplayVerb.RunAsync(state, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Empty(view.Comparison.OperatorActions);
    }

    [Fact]
    public async Task A_node_that_followed_its_data_replays_start_by_start_with_the_operators_trigger_between_its_starts()
    {
        using var dir = new TempDir();
        var state = await FollowTwiceAsync(dir,
            url => QtCli.RunAsync(["ctl", "ess", "trigger", "--node", url, "--reason", "feed check", "--json", dir.File("trigger.json")]),
            url => QtCli.RunAsync(["ctl", "ess", "reset", "--node", url, "--reason", "feed fine", "--json", dir.File("reset.json")]));
        var journal = await AuditVerb.ReadAsync(state, CancellationToken.None);
        // The trigger decided the appended bars: the positions open when it came were closed by the emergency stop.
        Assert.Contains(journal.Trail, e => e.Kind == "trade-closed" && e.Detail.Contains("emergency_stop"));

        var view = await ReplayVerb.RunAsync(state, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Equal((2, 2), (view.Starts, view.StartsReplayed));
        Assert.Empty(view.Comparison.OperatorActions);
        Assert.Equal(journal.Trail.Count(e => e.Kind == "trade-closed"), view.ReplayTradesClosed);
    }

    [Fact]
    public async Task Operator_commands_between_a_following_nodes_starts_decide_the_new_bars_in_the_journal_and_in_the_replay()
    {
        using var dir = new TempDir();
        string? promoted = null;
        var state = await FollowTwiceAsync(dir, async url =>
            {
                // The operator serves the latest xgb version the gate rejected, raises CAUTIOUS's minimum confidence and asks for a retraining.
                using (var client = new Host.Ops.OpsClient(url, Host.Ops.OpsCredentials.None))
                {
                    var view = await client.AskAsync<QuantumTrader.Actors.Protocol.ModelRegistryView>("registry", QuantumTrader.Actors.Protocol.GetModelRegistry.Instance, CancellationToken.None);
                    promoted = view.Versions.Last(v => v.Slot == ModelSlots.Xgb && v.Status == Models.Learning.ModelVersionStatus.Rejected).Version;
                }
                int[] codes =
                [
                    await QtCli.RunAsync(["ctl", "registry", "promote", "--node", url, "--slot", "xgb", "--version", promoted, "--reason", "operator's pick"]),
                    await QtCli.RunAsync(["ctl", "risk", "set", "--node", url, "--mode", "CAUTIOUS", "--min-confidence", "0.99", "--reason", "near-certain calls only"]),
                    await QtCli.RunAsync(["ctl", "registry", "retrain", "--node", url, "--slot", "xgb", "--reason", "listing change"]),
                ];
                return codes.Max();
            },
            _ => Task.FromResult(0));
        var journal = await AuditVerb.ReadAsync(state, CancellationToken.None);
        // The first part ends CAUTIOUS: its appended bars were refused under the changed minimum, decided by the promoted
        // version, and the first check among them retrained xgb for the request.
        Assert.Contains(journal.Trail, e => e.Kind == "signal-rejected" && e.Detail.Contains("below the minimum 0.99 (CAUTIOUS)"));
        Assert.Contains(journal.Trail, e => e.Kind == "version-promoted" && e.Subject == $"xgb/{promoted}" && e.Detail.EndsWith(": operator's pick"));
        var answer = Assert.Single(journal.Trail, e => e.Kind == "shadow-test-started" && e.Detail.Contains("requested by an operator"));
        Assert.Contains($"beside champion {promoted}: requested by an operator at ", answer.Detail);
        Assert.EndsWith(": listing change", answer.Detail);
        // Answered at a check among the appended bars, not at an earlier check the restart ran again.
        Assert.True(answer.Time > FirstPartEnds, $"the request was answered at {answer.Time:O}");
        // The promotion is dated right after the first part's last bar, so the restart serves it from the first appended bar.
        var promotion = Assert.Single(journal.Trail, e => e.Kind == "version-promoted" && e.Subject == $"xgb/{promoted}");
        Assert.Equal(FirstPartEnds.AddTicks(1), promotion.Time);
        await AssertVotedBy(state, promoted!, FirstPartEnds, NextServingChange(journal, promotion.Time));

        var view = await ReplayVerb.RunAsync(state, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Empty(view.Comparison.OperatorActions);
        int Replayed(string kind) => view.Comparison.Kinds.Single(k => k.Kind == kind).Replay;
        Assert.Equal((1, 1), (Replayed("risk-limits-changed"), Replayed("retraining-requested")));
        Assert.Equal(journal.Trail.Count(e => e.Kind == "version-promoted"), Replayed("version-promoted"));
    }

    [Fact]
    public async Task A_promotion_made_on_the_state_directory_between_two_runs_serves_the_bars_the_second_run_adds()
    {
        using var dir = new TempDir();
        var (data, files) = FirstPart(dir);
        var settings = new RunSettings { Data = [data], StateDirectory = dir.File("state"), Models = ["xgb"], Retrain = Models.Learning.RetrainSettings.Weekly() };
        await RunJob.ExecuteAsync(settings, new CollectingObserver([], []), CancellationToken.None);
        var rejected = (await AuditVerb.ReadAsync(settings.StateDirectory, CancellationToken.None)).Trail
            .Last(e => e.Kind == "promotion-gate" && e.Subject.StartsWith("xgb/", StringComparison.Ordinal) && e.Detail.StartsWith("rejected", StringComparison.Ordinal));
        var promoted = rejected.Subject["xgb/".Length..];
        Assert.Equal(0, await QtCli.RunAsync(["models", "promote", "--state", settings.StateDirectory, "--slot", "xgb", "--version", promoted, "--reason", "operator's pick"]));
        AppendRest(data, files);

        var second = await RunJob.ExecuteAsync(settings, new CollectingObserver([], []), CancellationToken.None);

        var journal = await AuditVerb.ReadAsync(settings.StateDirectory, CancellationToken.None);
        var promotion = Assert.Single(journal.Trail, e => e.Kind == "version-promoted" && e.Subject == $"xgb/{promoted}");
        Assert.Equal(FirstPartEnds.AddTicks(1), promotion.Time);
        await AssertVotedBy(settings.StateDirectory, promoted, FirstPartEnds, NextServingChange(journal, promotion.Time));

        // Ages are judged at the last bar decided, the market time versions are dated by; the approval and the mark are dated right after it.
        var lastBar = RecordedStart.ReadAll(settings.StateDirectory)[^1].LastBars.Values.Max();
        Assert.Equal(0, await QtCli.RunAsync(["models", "cleanup", "--state", settings.StateDirectory, "--json", dir.File("cleanup.json")]));
        string deleted;
        using (var doc = JsonDocument.Parse(File.ReadAllText(dir.File("cleanup.json"))))
        {
            Assert.Equal(lastBar, doc.RootElement.GetProperty("at").GetDateTimeOffset());
            // The slot's first version, which a start trains before it reads the registry: it must not come back either.
            deleted = journal.Trail.First(e => e.Kind == "version-registered").Subject["xgb/".Length..];
            Assert.Contains(deleted, doc.RootElement.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("version").GetString()!));
        }
        var given = DateTimeOffset.UtcNow;
        Assert.Equal(0, await QtCli.RunAsync(["models", "mark-important", "--state", settings.StateDirectory, "--slot", "xgb", "--version", promoted]));
        Assert.Equal(0, await QtCli.RunAsync(["models", "approve-cleanup", "--state", settings.StateDirectory, "--slot", "xgb", "--version", deleted, "--by", "ops"]));
        journal = await AuditVerb.ReadAsync(settings.StateDirectory, CancellationToken.None);
        var byHand = journal.Trail.Where(e => e.Kind is "version-important" or "cleanup-approved" or "version-deleted").ToArray();
        Assert.Equal([lastBar.AddTicks(1)], byHand.Select(e => e.Time).Distinct());
        // The audit also tells when each was given, by the wall clock.
        Assert.All(byHand, e => Assert.InRange(e.GivenAt!.Value, given, DateTimeOffset.UtcNow));
        // The state directory moves (its journal records where each artifact was written), and the job starts again there. A
        // restart runs the checks again from the journal: the deleted version is not trained and written again, the promoted
        // version serves from its new place, and nothing else changes.
        var moved = dir.File("moved");
        Directory.Move(settings.StateDirectory, moved);
        settings = settings with { StateDirectory = moved };
        var messages = new List<string>();
        var third = await RunJob.ExecuteAsync(settings, new CollectingObserver(messages, []), CancellationToken.None);
        Assert.Empty(Directory.GetFiles(Path.Combine(moved, "models", "xgb"), deleted + ".*"));
        Assert.Contains(messages, m => m.StartsWith($"xgb: the first version's artifact {deleted} was deleted by an approved cleanup", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.StartsWith("training xgb", StringComparison.Ordinal));
        Assert.Equal((second.TradesClosed, second.NetPnl), (third.TradesClosed, third.NetPnl));
        var audit = await AuditVerb.ReadAsync(moved, CancellationToken.None);
        Assert.Equal(Models.Audit.CheckOutcome.Passed, audit.Checks.Single(c => c.Name == "artifacts").Outcome);

        var view = await ReplayVerb.RunAsync(settings.StateDirectory, null, null, new CollectingObserver([], []), CancellationToken.None);
        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Equal((3, 2), (view.Starts, view.StartsReplayed));
        Assert.Empty(view.Comparison.OperatorActions);
        int Replayed(string kind) => view.Comparison.Kinds.Single(k => k.Kind == kind).Replay;
        Assert.Equal((1, 1, 1), (Replayed("version-important"), Replayed("cleanup-approved"), Replayed("version-deleted")));
    }

    /// <summary>The first change of what serves a slot after <paramref name="time"/> in the journal's trail; MaxValue when none.</summary>
    private static DateTimeOffset NextServingChange(Models.Audit.AuditReport journal, DateTimeOffset time) =>
        journal.Trail.Where(e => e.Time > time && e.Kind is "version-promoted" or "version-rolled-back" or "ab-test-started" or "ab-test-concluded")
            .Select(e => e.Time).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();

    /// <summary>
    /// Every xgb vote the journal holds for bars after <paramref name="after"/> and before <paramref name="before"/> is what
    /// <paramref name="version"/>'s artifact answers for the decision's features, and not what the first champion answers.
    /// </summary>
    private static async Task AssertVotedBy(string state, string version, DateTimeOffset after, DateTimeOffset before)
    {
        var registry = await AuditVerb.ReadJournalAsync(state, system => JournalReader.Events(system, QuantumTrader.Actors.Learning.ModelRegistryActor.Id));
        var records = registry.OfType<Models.Learning.VersionRegistered>().Select(r => r.Record).Where(r => r.Slot == ModelSlots.Xgb).ToArray();
        var served = QuantumTrader.Actors.Learning.RegistryServing.Open(records.Single(r => r.Version == version));
        var first = QuantumTrader.Actors.Learning.RegistryServing.Open(records[0]);
        using var closeServed = (IDisposable)served;
        using var closeFirst = (IDisposable)first;
        var decisions = new List<Models.Execution.TradeDecisionRecord>();
        foreach (var symbol in new[] { "BTCUSDT", "ETHUSDT" })
        {
            var events = await AuditVerb.ReadJournalAsync(state, system => JournalReader.Events(system, $"symbol-{symbol}"));
            decisions.AddRange(events.OfType<Models.Trading.SignalRejected>().Select(r => r.Decision)
                .Concat(events.OfType<Models.Trading.TradeClosed>().Select(c => c.Trade.Decision))
                .Where(d => d.DecidedAt > after && d.DecidedAt < before));
        }
        Assert.NotEmpty(decisions);
        var differs = 0;
        foreach (var d in decisions)
        {
            var input = new ModelInput(d.Symbol, new Models.Features.FeatureVector(new Models.Features.FeatureSet(d.FeatureSetVersion, d.FeatureNames), d.DecidedAt, d.FeatureValues, true), []);
            var vote = d.Ensemble.Votes.Single(v => v.ModelId == ModelSlots.Xgb);
            var expected = served.Predict(input);
            Assert.Equal((expected.Action, expected.Confidence), (vote.Action, vote.Confidence), (a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2 - b.Item2) < 1e-9);
            var old = first.Predict(input);
            if (old.Action != vote.Action || Math.Abs(old.Confidence - vote.Confidence) > 1e-9) differs++;
        }
        Assert.True(differs > 0, $"the first champion gives the same votes on all {decisions.Count} decisions");
    }

    /// <summary>
    /// A node following the first 3,000 rows of each bundled file (xgb, weekly retraining): while it serves them the
    /// operator acts (<paramref name="betweenStarts"/>), the rest of the rows arrive, the node starts again by itself, and
    /// while it serves them the operator acts again (<paramref name="afterSecond"/>). Returns the state directory.
    /// </summary>
    private static async Task<string> FollowTwiceAsync(TempDir dir, Func<string, Task<int>> betweenStarts, Func<string, Task<int>> afterSecond)
    {
        var (data, files) = FirstPart(dir);
        var state = dir.File("state");
        var messages = new List<string>();
        var serving = 0;
        var observer = new ServingObserver(messages, async cancel =>
        {
            string url;
            lock (messages) url = messages.Last(m => m.StartsWith(ApiAt, StringComparison.Ordinal))[ApiAt.Length..];
            if (++serving > 1)
            {
                Assert.Equal(0, await afterSecond(url));
                return;
            }
            Assert.Equal(0, await betweenStarts(url));
            AppendRest(data, files);
            await Task.Delay(TimeSpan.FromMinutes(2), cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await RunJob.ExecuteAsync(new RunSettings
        {
            Data = [data], StateDirectory = state, Models = ["xgb"], Retrain = Models.Learning.RetrainSettings.Weekly(),
            OpsUrl = "http://127.0.0.1:0", FollowEvery = TimeSpan.FromMilliseconds(200),
        }, observer, CancellationToken.None);
        Assert.Equal(2, serving);
        return state;
    }

    /// <summary>A data directory with the first 3,000 rows of each bundled file.</summary>
    private static (string Data, string[] Files) FirstPart(TempDir dir)
    {
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        string[] files = ["BTCUSDT-1h.csv", "ETHUSDT-1h.csv"];
        foreach (var file in files)
            File.WriteAllLines(Path.Combine(data, file), File.ReadLines(Path.Combine(ReferenceRun.Data, file)).Take(3000));
        return (data, files);
    }

    private static void AppendRest(string data, string[] files)
    {
        foreach (var file in files)
            File.AppendAllLines(Path.Combine(data, file), File.ReadLines(Path.Combine(ReferenceRun.Data, file)).Skip(3000));
    }

    private const string ApiAt = "ops API and dashboard at ";

    /// <summary>The last bar of the first 3,000 rows of the bundled files (ETHUSDT's).</summary>
    private static readonly DateTimeOffset FirstPartEnds = new(2021, 3, 23, 2, 0, 0, TimeSpan.Zero);

    private sealed class ServingObserver(List<string> messages, Func<CancellationToken, Task> whileServing) : IRunObserver
    {
        public void Info(string message) { lock (messages) messages.Add(message); }
        public void BadRow(Models.Market.BadRow row) { }
        public void Progress(long done, long total) { }
        public Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => whileServing(cancel);
    }

    /// <summary>
    /// The operator of a node who triggers the emergency stop through the console while the node decides its bars (after
    /// 2,000 of them), and resets it 1,500 bars later, when the trigger is long journaled. The console runs beside
    /// the replay; the report holds the replay until the node's status shows the command waiting for the next bar, so
    /// both are given while the start decides, however fast it is.
    /// </summary>
    private sealed class OperatorDuringReplay(TempDir dir) : IRunObserver
    {
        private readonly List<string> _messages = [];
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
        private Task<int>? _trigger, _reset;
        private long _triggeredAt;

        public void Info(string message) { lock (_messages) _messages.Add(message); }
        public void BadRow(Models.Market.BadRow row) { }

        public void Progress(long done, long total)
        {
            if (_trigger is null && done >= 2_000)
            {
                _trigger = Give("trigger", "venue outage drill");
                _triggeredAt = done;
            }
            else if (_trigger is not null && _reset is null && done >= _triggeredAt + 1_500)
                _reset = Give("reset", "drill over");
        }

        private Task<int> Give(string verb, string reason)
        {
            var url = Url();
            var given = Task.Run(() => QtCli.RunAsync(["ctl", "ess", verb, "--node", url, "--reason", reason, "--json", dir.File(verb + ".json")]));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!given.IsCompleted && DateTime.UtcNow < deadline)
            {
                using var status = JsonDocument.Parse(_http.GetStringAsync(url.TrimEnd('/') + "/api/ess").GetAwaiter().GetResult());
                if (status.RootElement.GetProperty("commandsWaiting").GetInt32() > 0) break;
                Thread.Sleep(20);
            }
            return given;
        }

        public async Task<(int Trigger, int Reset)> ExitCodes() =>
            (await (_trigger ?? Task.FromResult(-1)), await (_reset ?? Task.FromResult(-1)));

        private string Url()
        {
            lock (_messages) return _messages.Single(m => m.StartsWith(ApiAt, StringComparison.Ordinal))[ApiAt.Length..];
        }
    }

    /// <summary>The operator of a node, who triggers the emergency stop through the console once the replay is done and then resets it.</summary>
    private sealed class OperatorAfterReplay(TempDir dir) : IRunObserver
    {
        private readonly List<string> _messages = [];

        public bool Done { get; private set; }

        public void Info(string message) { lock (_messages) _messages.Add(message); }
        public void BadRow(Models.Market.BadRow row) { }
        public void Progress(long done, long total) { }

        public async Task AfterReplayAsync(RunSummary summary, CancellationToken cancel)
        {
            string url;
            lock (_messages) url = _messages.Single(m => m.StartsWith(ApiAt, StringComparison.Ordinal))[ApiAt.Length..];
            Assert.Equal(0, await QtCli.RunAsync(["ctl", "ess", "trigger", "--node", url, "--reason", "venue outage drill", "--as", "dana", "--json", dir.File("trigger.json")]));
            Assert.Equal(0, await QtCli.RunAsync(["ctl", "ess", "reset", "--node", url, "--reason", "drill over", "--as", "erin", "--json", dir.File("reset.json")]));
            Done = true;
        }
    }

    [Fact]
    public async Task A_journal_that_lost_a_commit_parts_from_its_replay_at_the_first_decision_of_that_commit()
    {
        using var dir = new TempDir();
        var copy = reference.CopyState(dir.File("state"));
        const string symbol = "symbol-BTCUSDT";
        var original = await AuditVerb.ReadAsync(State, CancellationToken.None);
        var lost = original.Trail.Where(e => e.Source == symbol && e.Kind == "trade-closed").ElementAt(10);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(copy, "journal.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM journal WHERE persistence_id = '{symbol}' AND sequence_number = {lost.SequenceNr}";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var firstLost = original.Trail.Where(e => e.Source == symbol && e.SequenceNr == lost.SequenceNr)
            .OrderBy(e => e.Time).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Detail, StringComparer.Ordinal).First();

        Assert.Equal(1, await QtCli.RunAsync(["replay", "--state", copy, "--json", dir.File("replay.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("replay.json")));
        var replaySide = doc.RootElement.GetProperty("comparison").GetProperty("firstDifference").GetProperty("replay");
        Assert.Equal((firstLost.Time, firstLost.Kind, firstLost.Detail),
            (replaySide.GetProperty("time").GetDateTimeOffset(), replaySide.GetProperty("kind").GetString(), replaySide.GetProperty("detail").GetString()));
        Assert.Equal(symbol, replaySide.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_run_serving_an_imported_model_replays_with_that_model()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        const string imported = "xgb-20240301000000-bbbb0001";
        var file = Fs1Onnx.Write(dir.Path, "team.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, imported));
        Assert.Equal(0, await QtCli.RunAsync(["models", "import", "--slot", "xgb", "--file", file, "--state", state]));
        Assert.Equal(0, await QtCli.RunAsync(["run", "--data", ReferenceRun.Data, "--state", state, "--models", "xgb", "--retrain-every", "0"]));

        var view = await ReplayVerb.RunAsync(state, null, dir.File("replay"), new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.True(view.ReplayTradesClosed > 0);
        Assert.Equal(imported, ImportedServing.Read(ImportedServing.SlotDirectory(dir.File("replay"), ModelSlots.Xgb)));
    }

    [Fact]
    public async Task A_state_directory_without_recorded_settings_is_refused_with_exit_code_2()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("state"));
        File.Copy(Path.Combine(State, "journal.db"), dir.File(Path.Combine("state", "journal.db")));
        Assert.Equal(2, await QtCli.RunAsync(["replay", "--state", dir.File("state")]));
    }
}
