using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// Four runs of the bundled data with the tree models: without retraining; with weekly retraining behind the seed's
/// promotion gate and A/B test; and behind a gate loose enough to approve (accuracy 0.5, symbol accuracy 0.45, any drift,
/// any gain), once promoting on approval and once through an A/B test that ends at 5 challenger trades. Two more with
/// N-HiTS alone: without retraining and behind the loose gate promoting on approval.
/// </summary>
public sealed class RetrainingRuns : IAsyncLifetime
{
    public static readonly PromotionGateSettings LooseGate =
        PromotionGateSettings.Seed with { MinAccuracy = 0.5, MinSymbolAccuracy = 0.45, MaxDrift = 1, MinImprovement = 0 };

    public static readonly AbTestSettings ShortAbTest = AbTestSettings.Seed with { MinTrades = 5 };

    /// <summary>The loose gate as command-line options.</summary>
    public static readonly string[] LooseGateOptions =
        ["--gate-min-accuracy", "0.5", "--gate-min-symbol-accuracy", "0.45", "--gate-max-drift", "1", "--gate-min-improvement", "0"];

    /// <summary>The loose gate and the short A/B test as command-line options.</summary>
    public static readonly string[] LooseAbOptions = [.. LooseGateOptions, "--ab-min-trades", "5"];

    public TempDir Dir { get; } = new();
    public RunSummary Off { get; private set; } = null!;
    public RunSummary Seed { get; private set; } = null!;
    public RunSummary Direct { get; private set; } = null!;
    public RunSummary Ab { get; private set; } = null!;
    public RunSummary Review { get; private set; } = null!;
    public RunSummary NhitsOff { get; private set; } = null!;
    public RunSummary NhitsDirect { get; private set; } = null!;
    public List<string> AbMessages { get; } = [];

    public string Trades(string run) => Dir.File(run + ".csv");
    public string State(string run) => Dir.File(run + "-state");

    public async Task InitializeAsync()
    {
        Off = await Run("off", null, []);
        Seed = await Run("seed", RetrainSettings.Weekly(), []);
        Direct = await Run("direct", RetrainSettings.Weekly(LooseGate) with { AbTest = null }, []);
        Ab = await Run("ab", RetrainSettings.Weekly(LooseGate) with { AbTest = ShortAbTest }, AbMessages);
        Review = await Run("review", RetrainSettings.Weekly(LooseGate) with { AbTest = null, AutoPromote = false }, []);
        NhitsOff = await Run("nhits-off", null, [], "nhits");
        NhitsDirect = await Run("nhits-direct", RetrainSettings.Weekly(LooseGate) with { AbTest = null }, [], "nhits");
    }

    private Task<RunSummary> Run(string name, RetrainSettings? retrain, List<string> messages, string models = "xgb,lgbm") =>
        RunJob.ExecuteAsync(new RunSettings
        {
            Data = [ReferenceRun.Data], StateDirectory = State(name), Models = [models], TradesOut = Trades(name), Retrain = retrain,
        }, new CollectingObserver(messages, []), CancellationToken.None);

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Continuous retraining in a replay: shadow tests, the promotion gate's decisions, what a promotion changes, and a resume after one.</summary>
public sealed class RetrainingRunTests(RetrainingRuns runs) : IClassFixture<RetrainingRuns>
{
    private static string Qt => Path.Combine(AppContext.BaseDirectory, "qt.dll");

    private static (DateTimeOffset Exit, string Line)[] TradesOf(string csv) =>
        File.ReadAllLines(csv).Skip(1).Select(l => (DateTimeOffset.Parse(l.Split(',')[5], CultureInfo.InvariantCulture), l)).ToArray();

    [Fact]
    public void Behind_the_seed_gate_few_challengers_pass_each_runs_an_ab_test_and_none_is_promoted()
    {
        var r = runs.Seed.Retraining;

        Assert.True(r.Enabled);
        Assert.True(r.Retrained >= 10, $"weekly retraining of two slots over about 18 weeks of trading retrained {r.Retrained} times");
        Assert.Equal(r.Retrained, r.Approved + r.Rejected + r.UnderTest);
        var verdicts = string.Join("\n", r.Decisions.Select(d => d.Verdict));
        Assert.True(r.Approved >= 1 && r.Approved <= r.Decisions.Count / 4, verdicts);
        Assert.All(r.Decisions, d => Assert.StartsWith(d.Approved ? "approved: " : "rejected: ", d.Verdict));
        Assert.All(r.Decisions, d => Assert.True(d.ShadowCalls >= 100 || d.Verdict.Contains("shadow calls"), d.Verdict));
        // The drift is calibrated on each challenger's training bars: it holds back a few, not every one as price levels did.
        Assert.InRange(r.Decisions.Count(d => !d.Approved && d.Verdict.Contains("feature drift")), 0, r.Decisions.Count / 2);

        // Seed 002's A/B test needs 100 challenger trades, more than its 7 days give on this data: each keeps the champion.
        Assert.Equal((r.Approved, 0, 0), (r.AbTests, r.AbTestsWon, r.Promoted));
        Assert.Equal(runs.Off.Models.Select(m => m.Version), runs.Seed.Models.Select(m => m.Version));
        AssertSameUntil(r.Decisions.Where(d => d.Approved).Min(d => d.Time), runs.Trades("seed"));
        Assert.False(runs.Off.Retraining.Enabled);
    }

    [Fact]
    public async Task Every_check_journals_the_markets_drift_a_feature_drift_retrains_and_new_drift_is_one_alert()
    {
        using var dir = new TempDir();
        var state = runs.State("seed");
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
        var checks = history.Where(e => e.GetProperty("$type").GetString() == "market-drift-checked").ToArray();
        var retrainings = history.Where(e => e.GetProperty("$type").GetString() == "shadow-test-started").ToArray();

        foreach (var slot in new[] { "xgb", "lgbm" })
        {
            var own = checks.Where(c => c.GetProperty("slot").GetString() == slot).ToArray();
            // One check a day from the first whose window lies after the champion's training, each symbol's features and regimes in it.
            Assert.True(own.Length >= 100, $"{slot}: {own.Length} checks");
            var times = own.Select(c => c.GetProperty("time").GetDateTimeOffset()).ToArray();
            Assert.Equal(times.Distinct().Count(), times.Length);
            Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(0, (p.Item2 - p.Item1).TotalHours % 24));
            Assert.All(own, c =>
            {
                var kinds = c.GetProperty("measures").EnumerateArray().Select(m => $"{m.GetProperty("symbol").GetString()} {m.GetProperty("kind").GetString()}").ToArray();
                Assert.Subset(kinds.ToHashSet(), new HashSet<string> { "BTCUSDT Feature", "BTCUSDT Regime", "ETHUSDT Feature", "ETHUSDT Regime" });
                Assert.All(c.GetProperty("measures").EnumerateArray(), m => Assert.True(m.GetProperty("threshold").GetDouble() >= 0.15, m.ToString()));
            });
            // The prediction baseline is the champion's calls on the 400 bars after its training, so predictions join later.
            Assert.Contains(own, c => c.GetProperty("measures").EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "Prediction"));
            Assert.DoesNotContain("Prediction", own[0].GetProperty("measures").ToString());

            // A retraining on feature drift happens at a check that found it, on bars no version of the slot had learned from.
            var onDrift = retrainings.Where(e => e.GetProperty("slot").GetString() == slot
                && e.GetProperty("trigger").GetString()!.StartsWith("feature drift from the champion", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(onDrift);
            foreach (var r in onDrift)
            {
                var at = r.GetProperty("time").GetDateTimeOffset();
                var check = Assert.Single(own, c => c.GetProperty("time").GetDateTimeOffset() == at);
                Assert.Contains(check.GetProperty("measures").EnumerateArray(), m => m.GetProperty("kind").GetString() == "Feature" && m.GetProperty("detected").GetBoolean());
                var earlier = retrainings.Where(e => e.GetProperty("slot").GetString() == slot && e.GetProperty("time").GetDateTimeOffset() < at)
                    .Select(e => e.GetProperty("time").GetDateTimeOffset()).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
                Assert.True(at - earlier > TimeSpan.FromHours(124), $"{slot} retrained at {at} on drift, {at - earlier} after the one before");
            }
        }

        // Drift that holds is journaled at every check and alerted once: a warning for each check where a symbol's features or
        // regimes newly drifted, a note for one where only the model's calls did.
        var (market, calls) = (0, 0);
        foreach (var g in checks.GroupBy(c => c.GetProperty("slot").GetString()))
        {
            var before = new HashSet<string>();
            foreach (var c in g)
            {
                var now = c.GetProperty("measures").EnumerateArray().Where(m => m.GetProperty("detected").GetBoolean())
                    .Select(m => $"{m.GetProperty("symbol").GetString()} {m.GetProperty("kind").GetString()}").ToHashSet();
                var fresh = now.Except(before).ToArray();
                if (fresh.Any(d => !d.EndsWith(" Prediction", StringComparison.Ordinal))) market++;
                else if (fresh.Length > 0) calls++;
                before = now;
            }
        }
        Assert.True(market > 0);
        Assert.Equal(0, await QtCli.RunAsync(["audit", "--state", state, "--json", dir.File("audit.json")]));
        using var audit = JsonDocument.Parse(File.ReadAllText(dir.File("audit.json")));
        var kinds = audit.RootElement.GetProperty("kinds").EnumerateArray().ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("count").GetInt32());
        Assert.Equal((market, calls), (kinds["market-drift"], kinds.GetValueOrDefault("prediction-drift")));
        Assert.Equal(checks.Length, market + calls + kinds["market-drift-checked"]);

        // The registry view's latest check per slot is the journal's last one.
        var latest = doc.RootElement.GetProperty("marketDrift").EnumerateArray().ToArray();
        Assert.Equal(["lgbm", "xgb"], latest.Select(c => c.GetProperty("slot").GetString()!));
        Assert.All(latest, c =>
        {
            var last = checks.Last(x => x.GetProperty("slot").GetString() == c.GetProperty("slot").GetString());
            Assert.Equal((last.GetProperty("time").GetDateTimeOffset(), last.GetProperty("version").GetString(), last.GetProperty("measures").ToString()),
                (c.GetProperty("time").GetDateTimeOffset(), c.GetProperty("version").GetString(), c.GetProperty("measures").ToString()));
        });
    }

    [Fact]
    public async Task A_challenger_the_gate_approves_serves_from_its_check_on()
    {
        var r = runs.Direct.Retraining;
        Assert.True(r.Approved >= 1, string.Join("\n", r.Decisions.Select(d => d.Verdict)));
        Assert.Equal((r.Approved, 0), (r.Promoted, r.AbTests));
        var first = r.Decisions.Where(d => d.Approved).Min(d => d.Time);

        // Every trade closed before the first promotion is the same; later ones follow the promoted model.
        AssertSameUntil(first, runs.Trades("direct"));

        // The journal names each slot's champion and why, and the run served exactly those versions at its end.
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", runs.State("direct"), "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var champions = doc.RootElement.GetProperty("champions").EnumerateArray()
            .ToDictionary(c => c.GetProperty("slot").GetString()!, c => (Version: c.GetProperty("version").GetString()!, Why: c.GetProperty("why").GetString()!));
        Assert.Equal(champions.OrderBy(c => c.Key).Select(c => c.Value.Version), runs.Direct.Models.OrderBy(m => m.Id).Select(m => m.Version));
        var promoted = r.Decisions.Where(d => d.Approved).Select(d => d.Version).ToHashSet();
        Assert.Contains(champions.Values, c => promoted.Contains(c.Version) && c.Why.Contains("promotion gate approved: "));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(r.Decisions.Count, history.Count(e => e.GetProperty("$type").GetString() == "promotion-gate-decided"));
        Assert.Equal(r.Retrained, history.Count(e => e.GetProperty("$type").GetString() == "shadow-test-started"));
    }

    [Fact]
    public async Task Without_auto_promotion_an_approval_awaits_review_its_slot_waits_and_a_decline_is_journaled_and_replayed()
    {
        var r = runs.Review.Retraining;
        Assert.True(r.Approved >= 1, string.Join("\n", r.Decisions.Select(d => d.Verdict)));
        Assert.Equal((0, 0), (r.Promoted, r.AbTests));
        // Nothing switched without a review, so the trades are those of the run without retraining.
        Assert.Equal(File.ReadAllLines(runs.Trades("off")), File.ReadAllLines(runs.Trades("review")));

        using var dir = new TempDir();
        var state = runs.State("review");
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("before.json")]));
        using var before = JsonDocument.Parse(File.ReadAllText(dir.File("before.json")));
        var awaiting = before.RootElement.GetProperty("awaitingReview").EnumerateArray().ToArray();
        Assert.NotEmpty(awaiting);
        var history = before.RootElement.GetProperty("history").EnumerateArray().ToArray();
        foreach (var a in awaiting)
        {
            var (slot, version) = (a.GetProperty("slot").GetString()!, a.GetProperty("version").GetString()!);
            Assert.Equal(r.Decisions.Where(d => d.Slot == slot && d.Approved).Select(d => d.Version).First(), version);
            // The slot is not retrained while its promotion waits.
            var at = Array.FindIndex(history, e => e.GetProperty("$type").GetString() == "promotion-awaiting-review" && e.GetProperty("slot").GetString() == slot);
            Assert.DoesNotContain(history.Skip(at), e => e.GetProperty("$type").GetString() == "shadow-test-started" && e.GetProperty("slot").GetString() == slot);
            // Every 72 h of market time it waits, a check reminds of it: the first 72 h after it began to wait, each next 72 h after the last.
            var since = history[at].GetProperty("time").GetDateTimeOffset();
            var reminders = history.Where(e => e.GetProperty("$type").GetString() == "promotion-review-overdue" && e.GetProperty("slot").GetString() == slot)
                .Select(e => (Since: e.GetProperty("since").GetDateTimeOffset(), Time: e.GetProperty("time").GetDateTimeOffset())).ToArray();
            Assert.NotEmpty(reminders);
            Assert.All(reminders, x => Assert.Equal(since, x.Since));
            Assert.All(reminders.Select(x => x.Time).Prepend(since).Zip(reminders.Select(x => x.Time)),
                p => Assert.InRange(p.Item2 - p.Item1, TimeSpan.FromHours(72), TimeSpan.FromHours(72 + 24)));
        }
        Assert.Equal(0, await QtCli.RunAsync(["audit", "--state", state, "--json", dir.File("audit.json")]));
        using (var audit = JsonDocument.Parse(File.ReadAllText(dir.File("audit.json"))))
            Assert.Equal(history.Count(e => e.GetProperty("$type").GetString() == "promotion-review-overdue"),
                audit.RootElement.GetProperty("alerts").GetProperty("Critical").GetInt32());

        var (declinedSlot, declinedVersion) = (awaiting[0].GetProperty("slot").GetString()!, awaiting[0].GetProperty("version").GetString()!);
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["models", "decline", "--state", state, "--slot", declinedSlot, "--version", "no-such-version", "--reason", "x"]));
        Assert.Equal(0, await QtCli.RunAsync(["models", "decline", "--state", state, "--slot", declinedSlot, "--version", declinedVersion,
            "--reason", "reviewed: a week of shadow calls is too little"]));
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("after.json")]));
        using var after = JsonDocument.Parse(File.ReadAllText(dir.File("after.json")));
        Assert.DoesNotContain(after.RootElement.GetProperty("awaitingReview").EnumerateArray(), a => a.GetProperty("slot").GetString() == declinedSlot);
        Assert.Equal("Rejected", after.RootElement.GetProperty("versions").EnumerateArray()
            .Single(v => v.GetProperty("slot").GetString() == declinedSlot && v.GetProperty("version").GetString() == declinedVersion).GetProperty("status").GetString());
        var declined = after.RootElement.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("$type").GetString() == "promotion-declined");
        Assert.Equal(("reviewed: a week of shadow calls is too little", Environment.UserName),
            (declined.GetProperty("reason").GetString(), declined.GetProperty("operator").GetString()));

        // The replay gives the decline again as the same operator and ends with the same decisions.
        Assert.Equal(0, await QtCli.RunAsync(["replay", "--state", state, "--json", dir.File("replay.json")]));
    }

    /// <summary>Seed 004: each judged shadow test adds the champion's worst errors; the next retraining replays buffered ones; a promotion clears what its version replayed.</summary>
    [Fact]
    public async Task Judged_shadow_tests_fill_the_error_buffer_and_retrainings_replay_it()
    {
        var e = runs.Direct.Retraining.ErrorReplay;
        Assert.True(e.Enabled);
        Assert.Equal(runs.Direct.Retraining.Decisions.Count, e.Runs);
        Assert.InRange(e.Recorded, e.Runs, e.Runs * ErrorReplaySettings.Seed.PerRun);
        Assert.True(e.Retrainings >= 5 && e.Cleared >= 1, $"{e.Retrainings} retrainings replayed errors, {e.Cleared} promotions cleared them");
        Assert.True(e.RepeatErrors < e.RepeatCalls / 2, $"wrong again on {e.RepeatErrors} of {e.RepeatCalls} replayed errors");

        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", runs.State("direct"), "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
        static string Key(JsonElement x) => x.GetProperty("symbol").GetString() + "@" + x.GetProperty("time").GetString();
        var recorded = new Dictionary<string, HashSet<string>>();
        var replayedBy = new Dictionary<string, string[]>();
        foreach (var x in history)
        {
            var slot = x.GetProperty("slot").GetString()!;
            switch (x.GetProperty("$type").GetString())
            {
                case "errors-recorded":
                    var errors = x.GetProperty("errors").EnumerateArray().ToArray();
                    Assert.All(errors, er => Assert.NotEqual(er.GetProperty("up").GetBoolean(), er.GetProperty("predicted").GetString() == "Buy"));
                    recorded.TryAdd(slot, []);
                    recorded[slot].UnionWith(errors.Select(Key));
                    break;
                case "shadow-test-started" when x.TryGetProperty("replayed", out var keys) && keys.ValueKind == JsonValueKind.Array:
                    // A retraining replays only errors an earlier judged shadow test of its slot recorded.
                    replayedBy[slot + "/" + x.GetProperty("version").GetString()] = keys.EnumerateArray().Select(Key).ToArray();
                    Assert.Subset(recorded[slot], replayedBy[slot + "/" + x.GetProperty("version").GetString()].ToHashSet());
                    break;
            }
        }
        Assert.Equal(e.Replayed, replayedBy.Values.Sum(k => k.Length));
        Assert.Equal(e.Cleared, history.Count(x => x.GetProperty("$type").GetString() == "version-promoted"
            && replayedBy.ContainsKey(x.GetProperty("slot").GetString() + "/" + x.GetProperty("version").GetString())));
        var buffers = doc.RootElement.GetProperty("errorBuffers");
        Assert.Equal(e.Buffers.ToDictionary(b => b.Key, b => b.Value.Errors),
            buffers.EnumerateObject().ToDictionary(b => b.Name, b => b.Value.GetProperty("errors").GetInt32()));
        Assert.All(e.Buffers.Values, b => Assert.InRange(b.Errors, 1, ErrorReplaySettings.Seed.MaxSize));
    }

    [Fact]
    public void An_approved_challenger_trades_a_share_in_an_A_B_test_and_is_promoted_only_when_it_wins()
    {
        var r = runs.Ab.Retraining;
        Assert.True(r.Approved >= 2, string.Join("\n", r.Decisions.Select(d => d.Verdict)));
        Assert.Equal(r.Approved, r.AbTests);
        Assert.True(r.AbTestsWon >= 1, string.Join("\n", r.AbTestResults.Select(a => a.Verdict)));
        Assert.Equal(r.AbTestsWon, r.Promoted);
        Assert.Contains(r.AbTestResults, a => !a.Switch);
        Assert.All(r.AbTestResults, a => Assert.True(a.Switch == a.Verdict.StartsWith("switch: ", StringComparison.Ordinal), a.Verdict));
        Assert.All(r.AbTestResults.Where(a => a.Switch), a => Assert.True(a.ChallengerTrades >= RetrainingRuns.ShortAbTest.MinTrades));
        Assert.Contains(runs.AbMessages, m => m.Contains("A/B test of ") && m.Contains(": switch: "));

        // Trades before the first A/B test are those of the run without retraining; the challenger's share changes later ones.
        AssertSameUntil(r.Decisions.Where(d => d.Approved).Min(d => d.Time), runs.Trades("ab"));
        // Each slot ends serving its first version or one that won an A/B test: nothing reaches the champion's seat another way.
        var won = r.AbTestResults.Where(a => a.Switch).Select(a => a.Version).ToHashSet();
        Assert.All(runs.Ab.Models, m => Assert.True(won.Contains(m.Version) || runs.Off.Models.Single(o => o.Id == m.Id).Version == m.Version,
            $"{m.Id} serves {m.Version}"));
        Assert.Contains(runs.Ab.Models, m => won.Contains(m.Version));
    }

    private void AssertSameUntil(DateTimeOffset time, string csv, string withoutRetraining = "off")
    {
        var off = TradesOf(runs.Trades(withoutRetraining));
        var other = TradesOf(csv);
        Assert.Equal(off.Where(t => t.Exit < time).Select(t => t.Line), other.Where(t => t.Exit < time).Select(t => t.Line));
        Assert.NotEqual(off.Where(t => t.Exit >= time).Select(t => t.Line), other.Where(t => t.Exit >= time).Select(t => t.Line));
    }

    /// <summary>Seed 001 retrains all four models: a forecaster goes through the same shadow test and gate as a tree model.</summary>
    [Fact]
    public async Task A_forecaster_is_retrained_shadow_tested_and_promoted_like_a_tree_model()
    {
        var r = runs.NhitsDirect.Retraining;
        Assert.True(r.Retrained >= 10, $"weekly retraining of N-HiTS over about 18 weeks of trading retrained it {r.Retrained} times");
        Assert.All(r.Decisions, d => Assert.Equal("nhits", d.Slot));
        Assert.True(r.Approved >= 1, string.Join("\n", r.Decisions.Select(d => d.Verdict)));
        Assert.Contains(r.Decisions, d => !d.Approved);
        Assert.Equal((r.Approved, 0), (r.Promoted, r.AbTests));
        AssertSameUntil(r.Decisions.Where(d => d.Approved).Min(d => d.Time), runs.Trades("nhits-direct"), "nhits-off");

        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", runs.State("nhits-direct"), "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var champion = doc.RootElement.GetProperty("champions").EnumerateArray().Single();
        var served = runs.NhitsDirect.Models.Single().Version;
        Assert.Equal(served, champion.GetProperty("version").GetString());
        Assert.NotEqual(runs.NhitsOff.Models.Single().Version, served);
        Assert.Contains("promotion gate approved: ", champion.GetProperty("why").GetString());

        // Every version is its own artifact directory that opens, with what it learned from and how it validated.
        var versions = doc.RootElement.GetProperty("versions").EnumerateArray().ToArray();
        Assert.Equal(r.Retrained + 1, versions.Length);
        Assert.Equal(versions.Length, versions.Select(v => v.GetProperty("artifactPath").GetString()).Distinct().Count());
        foreach (var v in versions)
        {
            using var predictor = ForecastPredictor.Open("nhits", v.GetProperty("artifactPath").GetString()!);
            Assert.Equal(v.GetProperty("version").GetString(), predictor.Version);
            Assert.True(v.GetProperty("metrics").GetProperty("validationMse").GetDouble() > 0);
            Assert.True(v.GetProperty("trainingData").GetProperty("to").GetDateTimeOffset() <= v.GetProperty("createdAt").GetDateTimeOffset());
        }
        // A forecaster has no labelled calls to replay: nothing goes to an error buffer.
        Assert.DoesNotContain(doc.RootElement.GetProperty("history").EnumerateArray(), e => e.GetProperty("$type").GetString() == "errors-recorded");
        Assert.False(doc.RootElement.GetProperty("errorBuffers").TryGetProperty("nhits", out _));
    }

    [Fact]
    public async Task A_run_killed_after_forecaster_promotions_resumes_to_the_same_trades()
    {
        using var dir = new TempDir();
        string[] args = ["run", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--models", "nhits", "--trades-out", dir.File("trades.csv"),
            .. RetrainingRuns.LooseGateOptions, "--ab-share", "0"];

        var promotions = 0;
        await AssertResumesToTradesOf("nhits-direct", args, dir.File("trades.csv"), "as a shadow test started after two promotions", line =>
        {
            if (line.Contains("; promoted nhits/")) promotions++;
            return promotions >= 2 && line.Contains(" shadow-tests against ");
        });
    }

    [Fact]
    public async Task A_forecasters_first_version_an_approved_cleanup_deleted_is_not_trained_again_at_the_next_start()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        foreach (var file in new[] { "BTCUSDT-1h.csv", "ETHUSDT-1h.csv" })
            File.WriteAllLines(Path.Combine(data, file), File.ReadLines(Path.Combine(ReferenceRun.Data, file)).Take(3000));
        var state = dir.File("state");
        string[] args = ["run", "--data", data, "--state", state, "--models", "nhits", "--summary-json", dir.File("first.json"), .. RetrainingRuns.LooseGateOptions, "--ab-share", "0"];
        Assert.Equal(0, await QtCli.RunAsync(args));
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("models.json")]));
        string version, directory;
        using (var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json"))))
        {
            // The slot's first version, which a start trains before it reads the registry, replaced since by a promotion.
            var firstVersion = doc.RootElement.GetProperty("versions").EnumerateArray().First();
            Assert.Equal("Retired", firstVersion.GetProperty("status").GetString());
            (version, directory) = (firstVersion.GetProperty("version").GetString()!, firstVersion.GetProperty("artifactPath").GetString()!);
        }
        Assert.True(File.Exists(Path.Combine(directory, Forecaster.ManifestFileName)));
        Assert.Equal(0, await QtCli.RunAsync(["models", "approve-cleanup", "--state", state, "--slot", "nhits", "--version", version, "--by", "ops"]));
        Assert.False(Directory.Exists(directory));

        args[Array.IndexOf(args, dir.File("first.json"))] = dir.File("second.json");
        Assert.Equal(0, await QtCli.RunAsync(args));

        Assert.False(Directory.Exists(directory), $"{directory} was written again");
        using var first = JsonDocument.Parse(File.ReadAllText(dir.File("first.json")));
        using var second = JsonDocument.Parse(File.ReadAllText(dir.File("second.json")));
        Assert.Equal(first.RootElement.GetProperty("tradesClosed").GetInt32(), second.RootElement.GetProperty("tradesClosed").GetInt32());
        Assert.Equal(first.RootElement.GetProperty("netPnl").GetDouble(), second.RootElement.GetProperty("netPnl").GetDouble());
    }

    [Fact]
    public async Task A_run_killed_during_A_B_tests_resumes_to_the_same_trades()
    {
        using var dir = new TempDir();
        string[] args = ["run", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--models", "xgb,lgbm", "--trades-out", dir.File("trades.csv"),
            .. RetrainingRuns.LooseAbOptions];

        var switches = 0;
        await AssertResumesToTradesOf("ab", args, dir.File("trades.csv"), "as an A/B test started, after one had been won", line =>
        {
            if (line.Contains(": switch: ")) switches++;
            return switches > 0 && line.Contains(" in an A/B test against ");
        });
    }

    /// <summary>
    /// Starts <paramref name="args"/>, kills the process at the first output line <paramref name="killAt"/> accepts, starts it again, and
    /// checks the resumed run ends with the trades of the fixture's uninterrupted <paramref name="run"/>.
    /// </summary>
    private async Task AssertResumesToTradesOf(string run, string[] args, string tradesCsv, string when, Func<string, bool> killAt)
    {
        using (var victim = Start(args))
        {
            var killed = false;
            while (await victim.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!killAt(line)) continue;
                victim.Kill(entireProcessTree: true);
                killed = true;
                break;
            }
            await victim.WaitForExitAsync();
            Assert.True(killed, $"the first run was killed {when}: " + await victim.StandardError.ReadToEndAsync());
        }

        using var resumed = Start(args);
        var output = await resumed.StandardOutput.ReadToEndAsync();
        var errors = await resumed.StandardError.ReadToEndAsync();
        await resumed.WaitForExitAsync();
        Assert.True(resumed.ExitCode == 0, $"resume failed ({resumed.ExitCode}): {errors}\n{output}");
        Assert.Contains("already processed", output);
        Assert.Equal(File.ReadAllLines(runs.Trades(run)), File.ReadAllLines(tradesCsv));
    }

    /// <summary>Seed 001's manual trigger: a request journaled while the run is down is taken at the resumed run's first check.</summary>
    [Fact]
    public async Task A_retraining_an_operator_requests_happens_at_the_next_check()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        string[] args = ["run", "--data", ReferenceRun.Data, "--state", state, "--models", "xgb,lgbm", "--error-replay-size", "0"];
        using (var victim = Start(args))
        {
            while (await victim.StandardOutput.ReadLineAsync() is { } line)
                if (line.StartsWith("retraining xgb, lgbm every ", StringComparison.Ordinal))
                {
                    victim.Kill(entireProcessTree: true);
                    break;
                }
            await victim.WaitForExitAsync();
        }
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["models", "retrain", "--state", state, "--slot", "svm", "--reason", "no such slot"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["models", "retrain", "--state", state, "--slot", "nhits", "--reason", "not served in this state"]));
        Assert.Equal(0, await QtCli.RunAsync(["models", "retrain", "--state", state, "--slot", "lgbm", "--reason", "exchange changed its fee tiers",
            "--json", dir.File("request.json")]));
        using (var request = JsonDocument.Parse(File.ReadAllText(dir.File("request.json"))))
            Assert.StartsWith("retraining of lgbm requested (exchange changed its fee tiers)", request.RootElement.GetProperty("message").GetString());
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("waiting.json")]));
        using (var waiting = JsonDocument.Parse(File.ReadAllText(dir.File("waiting.json"))))
            Assert.Equal(["lgbm"], waiting.RootElement.GetProperty("pendingRetraining").EnumerateArray().Select(r => r.GetProperty("slot").GetString()));

        using var resumed = Start(args);
        var output = await resumed.StandardOutput.ReadToEndAsync();
        await resumed.WaitForExitAsync();
        Assert.True(resumed.ExitCode == 0, output);

        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().Where(e => e.GetProperty("slot").GetString() == "lgbm").ToArray();
        var requestAt = Array.FindIndex(history, e => e.GetProperty("$type").GetString() == "retraining-requested");
        // However far the first run got, the next lgbm shadow test the journal holds after the request is the one trained for it.
        var answer = history.Skip(requestAt).First(e => e.GetProperty("$type").GetString() == "shadow-test-started");
        Assert.Matches("^requested by an operator at .*: exchange changed its fee tiers$", answer.GetProperty("trigger").GetString());
        Assert.Equal(history[requestAt].GetProperty("time").GetDateTimeOffset(), answer.GetProperty("answers").GetDateTimeOffset());
        Assert.Empty(doc.RootElement.GetProperty("pendingRetraining").EnumerateArray());
        Assert.Single(doc.RootElement.GetProperty("history").EnumerateArray(),
            e => e.TryGetProperty("trigger", out var t) && t.GetString()!.StartsWith("requested by an operator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_a_drift_window_without_retraining_the_checks_run_alone_and_no_trade_changes()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        Assert.Equal(0, await QtCli.RunAsync(["run", "--data", ReferenceRun.Data, "--state", state, "--models", "xgb,lgbm", "--retrain-every", "0",
            "--market-drift-window", "100", "--trades-out", dir.File("trades.csv"), "--summary-json", dir.File("summary.json")]));

        Assert.Equal(File.ReadAllLines(runs.Trades("off")), File.ReadAllLines(dir.File("trades.csv")));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("summary.json")));
        var retraining = summary.RootElement.GetProperty("retraining");
        Assert.False(retraining.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, retraining.GetProperty("retrained").GetInt32());

        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("models.json")]));
        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json")));
        var history = doc.RootElement.GetProperty("history").EnumerateArray().ToArray();
        var checks = history.Where(e => e.GetProperty("$type").GetString() == "market-drift-checked").ToArray();
        Assert.Equal(retraining.GetProperty("driftChecks").GetInt32(), checks.Length);
        Assert.Equal(checks.Count(c => c.GetProperty("measures").EnumerateArray().Any(m => m.GetProperty("detected").GetBoolean())),
            retraining.GetProperty("driftFound").GetInt32());
        foreach (var slot in new[] { "xgb", "lgbm" })
        {
            var times = checks.Where(c => c.GetProperty("slot").GetString() == slot).Select(c => c.GetProperty("time").GetDateTimeOffset()).ToArray();
            Assert.True(times.Length >= 100, $"{slot}: {times.Length} checks");
            Assert.All(times.Zip(times.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(24), p.Item2 - p.Item1));
        }
        // Drift found on bars the champions never learned from retrains nothing: the first versions serve throughout.
        Assert.Contains(checks, c => c.GetProperty("measures").EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "Feature" && m.GetProperty("detected").GetBoolean()));
        Assert.DoesNotContain(history, e => e.GetProperty("$type").GetString() == "shadow-test-started");
        Assert.Equal(runs.Off.Models.OrderBy(m => m.Id).Select(m => m.Version), doc.RootElement.GetProperty("champions").EnumerateArray().OrderBy(c => c.GetProperty("slot").GetString()).Select(c => c.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Retraining_options_that_cannot_work_are_refused_before_anything_is_written()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--retrain-every", "12"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--gate-min-accuracy", "1.2"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--shadow-min", "0"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--error-replay-size", "-1"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--error-replay-weight", "0.5"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--market-drift-window", "-1"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--market-drift-threshold", "1.5"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--market-drift-confidence", "0"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--market-drift-confirm", "-24"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["run", "--state", dir.File("state"), "--retrain-every", "0", "--market-drift-window", "5"]));
        Assert.False(Directory.Exists(dir.File("state")));
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Qt);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }
}
