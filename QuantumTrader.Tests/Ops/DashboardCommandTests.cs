using System.Text.Json;
using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Ops;
using QuantumTrader.Tests.Actors;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The dashboard's commands as an operator uses them: headless Chromium opens the page of a node with an access file,
/// the operator clicks seed 002's Approve and Keep on the cleanup panel and answers the confirmation, or triggers and
/// resets the emergency stop giving a reason; a read-only operator's click is refused and changes nothing.
/// </summary>
public sealed class DashboardCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private OperatorKeys _keys = null!;
    private ServedNode _served = null!;

    public async Task InitializeAsync()
    {
        _keys = await OperatorKeys.CreateAsync(("alice", "operate"), ("bob", "read"));
        _served = await ServedNode.StartAsync(endpoint: OpsEndpoint.Open("http://127.0.0.1:0", _keys.AccessFile));
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        for (var v = 1; v <= 10; v++) await ModelRegistryActorTests.Register(registry, _served.Dir.Path, $"xgb-v{v}", ServedNode.T0.AddDays(v - 60));
    }

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        _keys.Dispose();
    }

    private Task<string> Token(string name) => _keys.TokenAsync(name);

    private async Task<JsonElement> Registry()
    {
        var file = _served.Dir.File($"registry-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", "registry", "list", "--node", _served.Api.Url, "--token-file", _keys.TokenFile("bob"), "--json", file]));
        return JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    private async Task<JsonElement> Ess()
    {
        var file = _served.Dir.File($"ess-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", "ess", "status", "--node", _served.Api.Url, "--token-file", _keys.TokenFile("bob"), "--json", file]));
        return JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    [Fact]
    public async Task An_operator_triggers_and_resets_the_emergency_stop_from_the_page_with_a_reason_and_a_reader_cannot()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync("document.querySelector('.mode-NORMAL')");

        chromium.PromptAnswer = null;
        await chromium.EvaluateAsync("document.getElementById('ess-trigger').click()");
        await chromium.WaitForAsync("document.getElementById('ess-result').textContent === 'Nothing sent: a reason is needed.'");
        chromium.PromptAnswer = "venue outage";
        await chromium.EvaluateAsync("document.getElementById('ess-trigger').click()");
        await chromium.WaitForAsync("document.getElementById('ess-result').textContent === 'Trigger journaled: mode EMERGENCY, trading off.'");
        await chromium.WaitForAsync("document.querySelector('.mode-EMERGENCY')");
        var triggered = await Ess();
        Assert.Equal(("Emergency", true), (triggered.GetProperty("mode").GetString(), triggered.GetProperty("manualLatch").GetBoolean()));
        Assert.Equal("manual trigger by alice: venue outage", triggered.GetProperty("transitions").EnumerateArray().Last().GetProperty("reason").GetString());

        chromium.PromptAnswer = "venue back";
        await chromium.EvaluateAsync("document.getElementById('ess-reset').click()");
        await chromium.WaitForAsync("document.getElementById('ess-result').textContent === 'Reset journaled: mode NORMAL, trading on.'");
        Assert.Equal("manual reset by alice: venue back", (await Ess()).GetProperty("transitions").EnumerateArray().Last().GetProperty("reason").GetString());
        Assert.StartsWith("Trigger the emergency stop of account paper: why?", chromium.Dialogs.First(), StringComparison.Ordinal);

        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("bob")}");
        await chromium.WaitForAsync("document.querySelector('.mode-NORMAL')");
        chromium.PromptAnswer = "not mine to pull";
        await chromium.EvaluateAsync("document.getElementById('ess-trigger').click()");
        await chromium.WaitForAsync("document.getElementById('ess-result').textContent.startsWith('Refused: 403 bob may read but not give commands')");
        Assert.Equal(2, (await Ess()).GetProperty("transitions").GetArrayLength());
    }

    [Fact]
    public async Task An_operator_promotes_a_version_rolls_the_slot_back_and_stops_its_A_B_test_from_the_page_with_a_reason()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync("document.querySelector('button[data-promote=\"xgb/xgb-v9\"]')");
        // The champion has no Promote button.
        Assert.Equal(0, (await chromium.EvaluateAsync("document.querySelectorAll('button[data-promote=\"xgb/xgb-v1\"]').length")).GetInt32());
        chromium.PromptAnswer = "better auc";
        await chromium.EvaluateAsync("document.querySelector('button[data-promote=\"xgb/xgb-v9\"]').click()");
        await chromium.WaitForAsync("document.getElementById('cleanup-result').textContent.includes('xgb-v9')");
        Assert.Equal("xgb-v9", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        await chromium.WaitForAsync("document.querySelector('#model-slot option[value=\"xgb\"]')");
        await chromium.EvaluateAsync("document.getElementById('model-slot').value = 'xgb'");
        chromium.PromptAnswer = "worse live";
        await chromium.EvaluateAsync("document.getElementById('model-rollback').click()");
        await chromium.WaitForAsync("document.getElementById('model-result').textContent.includes('xgb-v1')");
        Assert.Equal("xgb-v1", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var started = await registry.Ask<ModelRegistryReply>(new StartModelAbTest(ModelSlots.Xgb, "xgb-v10", AbTestSettings.Seed, "try v10", null), Timeout);
        Assert.True(started.Succeeded, started.Error);
        Assert.IsType<SplitPredictor>(_served.Node.Serving.PredictorOf(ModelSlots.Xgb));
        var rollbackMessage = (await chromium.EvaluateAsync("document.getElementById('model-result').textContent")).GetString();
        chromium.PromptAnswer = "exchange outage";
        await chromium.EvaluateAsync("document.getElementById('model-ab-stop').click()");
        await chromium.WaitForAsync($"document.getElementById('model-result').textContent !== {JsonSerializer.Serialize(rollbackMessage)}");
        Assert.DoesNotContain("Refused", (await chromium.EvaluateAsync("document.getElementById('model-result').textContent")).GetString());
        Assert.IsNotType<SplitPredictor>(_served.Node.Serving.PredictorOf(ModelSlots.Xgb));

        var history = (await Registry()).GetProperty("history").EnumerateArray().ToArray();
        var promotion = history.Last(e => e.GetProperty("$type").GetString() == "version-promoted");
        Assert.Equal(("xgb-v9", "better auc", "alice"), (promotion.GetProperty("version").GetString(), promotion.GetProperty("reason").GetString(),
            promotion.GetProperty("operator").GetString()));
        var rolledBack = history.Single(e => e.GetProperty("$type").GetString() == "version-rolled-back");
        Assert.Equal(("xgb-v9", "worse live", true, "alice"), (rolledBack.GetProperty("fromVersion").GetString(), rolledBack.GetProperty("reason").GetString(),
            rolledBack.GetProperty("markedDegraded").GetBoolean(), rolledBack.GetProperty("operator").GetString()));
        var stopped = history.Single(e => e.GetProperty("$type").GetString() == "ab-test-concluded");
        Assert.Equal(("exchange outage", "alice"), (stopped.GetProperty("stoppedBecause").GetString(), stopped.GetProperty("operator").GetString()));
        Assert.Equal(["Make xgb/xgb-v9 the champion and serve it now: why?", "Roll xgb back to its previous champion (the one serving now is marked degraded): why?",
            "Stop the A/B test of xgb; its champion serves alone: why?"], chromium.Dialogs);
    }

    private async Task<JsonElement> Ctl(params string[] args)
    {
        var file = _served.Dir.File($"ctl-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", .. args, "--node", _served.Api.Url, "--token-file", _keys.TokenFile("bob"), "--json", file]));
        return JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    /// <summary>The alert of that kind, once the node's alert feed, which reads the journal live, has numbered it.</summary>
    private async Task<JsonElement> AlertOf(string kind)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var alerts = (await Ctl("alerts")).GetProperty("latest").EnumerateArray().Where(a => a.GetProperty("kind").GetString() == kind).ToArray();
            if (alerts.Length > 0 || DateTime.UtcNow > deadline) return Assert.Single(alerts);
            await Task.Delay(200);
        }
    }

    private static string Input(string limit) => $"document.querySelector('#risk-form input[data-limit=\"{limit}\"]')";

    [Fact]
    public async Task An_operator_changes_a_modes_limits_from_the_page_with_a_reason_a_bad_value_is_refused_and_a_reader_cannot()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync($"document.getElementById('risk-policy-version').textContent === '0' && {Input("maxPositionUsd")}.value === '500'");
        await chromium.EvaluateAsync("(s => { s.value = 'Cautious'; s.onchange(); })(document.getElementById('risk-mode'))");
        // The form shows the chosen mode's limits as the policy store holds them.
        Assert.Equal(["300", "10", "0.55", "4", "1000", "600", "0.7"],
            (await chromium.EvaluateAsync("[...document.querySelectorAll('#risk-form input[data-limit]')].map(i => i.value)")).EnumerateArray().Select(e => e.GetString()));

        await chromium.EvaluateAsync($"{Input("maxPositionUsd")}.value = ''");
        await chromium.EvaluateAsync("document.getElementById('risk-change').click()");
        await chromium.WaitForAsync("document.getElementById('risk-result').textContent === 'Nothing sent: max position $ is not a number.'");

        chromium.PromptAnswer = "tighter after the fee change";
        await chromium.EvaluateAsync($"{Input("maxPositionUsd")}.value = '250'; {Input("minConfidence")}.value = '1.5'");
        await chromium.EvaluateAsync("document.getElementById('risk-change').click()");
        await chromium.WaitForAsync("document.getElementById('risk-result').textContent.startsWith('Refused: 400')");
        Assert.Contains("MinConfidence", (await chromium.EvaluateAsync("document.getElementById('risk-result').textContent")).GetString());
        Assert.Equal(0, (await Ctl("risk", "show")).GetProperty("version").GetInt64());

        await chromium.EvaluateAsync($"{Input("minConfidence")}.value = '0.8'");
        await chromium.EvaluateAsync("document.getElementById('risk-change').click()");
        await chromium.WaitForAsync("document.getElementById('risk-result').textContent === 'The limits of CAUTIOUS changed (policy version 1).'");
        await chromium.WaitForAsync("document.getElementById('risk-policy-version').textContent === '1'");
        var risk = await Ctl("risk", "show");
        var cautious = risk.GetProperty("policy").GetProperty("cautious");
        Assert.Equal((250d, 0.8, 10d, 4, 1_000d, 600d, 0.7), (cautious.GetProperty("maxPositionUsd").GetDouble(), cautious.GetProperty("minConfidence").GetDouble(),
            cautious.GetProperty("maxLeverage").GetDouble(), cautious.GetProperty("maxOpenPositions").GetInt32(), cautious.GetProperty("maxGrossExposureUsd").GetDouble(),
            cautious.GetProperty("maxCorrelatedExposureUsd").GetDouble(), cautious.GetProperty("correlationThreshold").GetDouble()));
        Assert.Equal(500, risk.GetProperty("policy").GetProperty("normal").GetProperty("maxPositionUsd").GetDouble());
        var change = await AlertOf("risk-limits-changed");
        Assert.Equal("alice", change.GetProperty("operator").GetString());
        Assert.Contains("tighter after the fee change", change.GetProperty("detail").GetString());

        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("bob")}");
        await chromium.WaitForAsync($"document.getElementById('risk-policy-version').textContent === '1' && {Input("maxPositionUsd")}.value === '500'");
        chromium.PromptAnswer = "not mine to set";
        await chromium.EvaluateAsync("document.getElementById('risk-change').click()");
        await chromium.WaitForAsync("document.getElementById('risk-result').textContent.startsWith('Refused: 403 bob may read but not give commands')");
        Assert.Equal(1, (await Ctl("risk", "show")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task An_operator_requests_retraining_and_starts_an_A_B_test_with_chosen_settings_from_the_page()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync("document.querySelector('#model-slot option[value=\"xgb\"]') && document.querySelector('button[data-ab-test=\"xgb/xgb-v10\"]')");

        await chromium.EvaluateAsync("document.getElementById('model-slot').value = 'xgb'");
        chromium.PromptAnswer = "new fee tiers";
        await chromium.EvaluateAsync("document.getElementById('model-retrain').click()");
        await chromium.WaitForAsync("document.getElementById('model-result').textContent.length > 0");
        Assert.DoesNotContain("Refused", (await chromium.EvaluateAsync("document.getElementById('model-result').textContent")).GetString());

        await chromium.EvaluateAsync("document.getElementById('ab-days').value = '0'");
        await chromium.EvaluateAsync("document.querySelector('button[data-ab-test=\"xgb/xgb-v10\"]').click()");
        await chromium.WaitForAsync("document.getElementById('cleanup-result').textContent.startsWith('Nothing sent: the A/B test')");
        Assert.IsNotType<SplitPredictor>(_served.Node.Serving.PredictorOf(ModelSlots.Xgb));

        await chromium.EvaluateAsync("document.getElementById('ab-days').value = '3.5'; document.getElementById('ab-share').value = '30'; " +
                                     "document.getElementById('ab-min-trades').value = '40'; document.getElementById('ab-min-improvement').value = '10'");
        chromium.PromptAnswer = "try v10";
        await chromium.EvaluateAsync("document.querySelector('button[data-ab-test=\"xgb/xgb-v10\"]').click()");
        await chromium.WaitForAsync("document.getElementById('cleanup-result').textContent.includes('xgb-v10')");
        var split = Assert.IsType<SplitPredictor>(_served.Node.Serving.PredictorOf(ModelSlots.Xgb));
        Assert.Equal(("xgb-v10", 0.3), (split.Challenger.Version, split.Share));

        var history = (await Registry()).GetProperty("history").EnumerateArray().ToArray();
        var requested = history.Single(e => e.GetProperty("$type").GetString() == "retraining-requested");
        Assert.Equal(("xgb", "new fee tiers", "alice"), (requested.GetProperty("slot").GetString(), requested.GetProperty("reason").GetString(),
            requested.GetProperty("operator").GetString()));
        var started = history.Single(e => e.GetProperty("$type").GetString() == "ab-test-started");
        var settings = started.GetProperty("settings");
        Assert.Equal(("xgb-v10", "try v10", "alice", 0.3, 40, "3.12:00:00", 0.1),
            (started.GetProperty("version").GetString(), started.GetProperty("reason").GetString(), started.GetProperty("operator").GetString(),
                settings.GetProperty("share").GetDouble(), settings.GetProperty("minTrades").GetInt32(), settings.GetProperty("duration").GetString(),
                settings.GetProperty("minImprovement").GetDouble()));

        // Seed 002's live comparison: the trades decided since the start, counted in the arm the split gave them.
        var startedAt = started.GetProperty("time").GetDateTimeOffset();
        var trades = Enumerable.Range(1, 60).Select(n => LearningTrades.BothBuy(n, n % 3 == 0 ? -1 : 1.5, startedAt)).ToArray();
        await _served.Node.Registry.Get<ModelRegistrySingleton>().Ask<CircuitBreakersFed>(new FeedCircuitBreakers(trades), Timeout);
        var toChallenger = trades.Count(t => AbSplit.ToChallenger("xgb", "xgb-v10", t.Symbol, t.Decision.DecidedAt, 0.3));
        var running = (await Registry()).GetProperty("abTestsRunning").EnumerateArray().Single();
        Assert.Equal((60 - toChallenger, toChallenger, 40 - toChallenger),
            (running.GetProperty("championArm").GetProperty("trades").GetInt32(), running.GetProperty("challengerArm").GetProperty("trades").GetInt32(),
                running.GetProperty("challengerTradesToGo").GetInt32()));
        Assert.StartsWith($"keep the champion: {toChallenger} challenger trades < 40", running.GetProperty("ifEndedNow").GetString(), StringComparison.Ordinal);
        var lead = running.GetProperty("meanRLead");
        Assert.True(lead.GetProperty("low").GetDouble() < lead.GetProperty("estimate").GetDouble());
        await chromium.WaitForAsync($"document.getElementById('abtests').textContent.includes('xgb-v10 / xgb-v1') && " +
                                    $"document.getElementById('abtests').textContent.includes('{toChallenger} trades, win rate')");

        Assert.Equal(["Retrain xgb at the next retraining check; the challenger then goes through the shadow test and the promotion gate: why?",
            "Give xgb/xgb-v10 30 % of xgb's decisions in an A/B test against its champion: why?"], chromium.Dialogs);
    }

    /// <summary>An A/B test of <paramref name="version"/> that awaits review, won by trades the test scripts: the challenger's arm wins.</summary>
    private async Task WinAbTestAwaitingReview(string version)
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        var settings = new AbTestSettings(0.5, 3, TimeSpan.FromDays(7), 0.15) { AwaitsReview = true };
        var from = ServedNode.T0.AddDays(version == "xgb-v9" ? 0 : 10);
        var started = await registry.Ask<ModelRegistryReply>(new StartModelAbTest(ModelSlots.Xgb, version, settings, "try it", from), Timeout);
        Assert.True(started.Succeeded, started.Error);
        // The challenger's trades win more with each trade and the champion's lose more, so the challenger's Sharpe ratio wins.
        var trades = Enumerable.Range(1, 40).Select(i => LearningTrades.BothBuy(i, 0, from)).Select((t, i) => t with
        {
            TradeId = $"{version}-{t.TradeId}",
            RMultiple = AbSplit.ToChallenger(ModelSlots.Xgb, version, t.Symbol, t.Decision.DecidedAt, 0.5) ? 1.0 + i * 0.01 : -0.5 - i * 0.01,
        }).ToArray();
        var fed = await registry.Ask<CircuitBreakersFed>(new FeedCircuitBreakers(trades), Timeout);
        Assert.True(Assert.Single(fed.AbTestsConcluded).Switch);
    }

    [Fact]
    public async Task A_won_A_B_test_awaits_the_operators_review_on_the_page_who_declines_one_and_promotes_another()
    {
        await WinAbTestAwaitingReview("xgb-v9");
        Assert.Equal("xgb-v1", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync("document.querySelector('button[data-review-decline=\"xgb/xgb-v9\"]')");
        Assert.Contains("A/B test switch: challenger Sharpe", await chromium.TextAsync());

        chromium.PromptAnswer = "three trades an arm prove nothing";
        await chromium.EvaluateAsync("document.querySelector('button[data-review-decline=\"xgb/xgb-v9\"]').click()");
        await chromium.WaitForAsync("document.getElementById('review-result').textContent.length > 0 && !document.querySelector('button[data-review-decline]')");
        Assert.DoesNotContain("Refused", (await chromium.EvaluateAsync("document.getElementById('review-result').textContent")).GetString());
        var registry = await Registry();
        Assert.Equal("Rejected", Version(registry, "xgb/xgb-v9").GetProperty("status").GetString());
        var declined = registry.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("$type").GetString() == "promotion-declined");
        Assert.Equal(("three trades an arm prove nothing", "alice"), (declined.GetProperty("reason").GetString(), declined.GetProperty("operator").GetString()));
        Assert.Equal("xgb-v1", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        await WinAbTestAwaitingReview("xgb-v10");
        await chromium.WaitForAsync("document.querySelector('button[data-review-promote=\"xgb/xgb-v10\"]')");
        chromium.PromptAnswer = "reviewed the arms";
        await chromium.EvaluateAsync("document.querySelector('button[data-review-promote=\"xgb/xgb-v10\"]').click()");
        await chromium.WaitForAsync("document.getElementById('review-result').textContent.includes('xgb-v10')");
        Assert.Equal("xgb-v10", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);
        Assert.Empty((await Registry()).GetProperty("awaitingReview").EnumerateArray());
        Assert.Equal(["Keep xgb-v1 and reject xgb/xgb-v9: why?", "Switch xgb from xgb-v1 to xgb-v10 and serve it now: why?"], chromium.Dialogs);
    }

    private static JsonElement Version(JsonElement registry, string id) =>
        registry.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("slot").GetString() + "/" + v.GetProperty("version").GetString() == id);

    [Fact]
    public async Task Opened_with_a_token_the_page_shows_the_node_and_who_gave_each_command_and_without_one_it_says_how_to_open_it()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        var requested = await registry.Ask<ModelRegistryReply>(new RequestModelRetraining(ModelSlots.Xgb, "new fee tiers", ServedNode.T0) { Operator = "alice" }, Timeout);
        Assert.True(requested.Succeeded, requested.Error);

        var page = await DashboardBrowserTests.RenderedPage(_served.Api.Url, "#token=" + await Token("bob"));

        Assert.Contains("<span id=\"error\"></span>", page);
        Assert.Contains("mode <span class=\"mode-NORMAL\">NORMAL</span>, trading on", page);
        Assert.Contains("<td>retraining-requested</td><td>xgb</td><td>xgb-v1</td><td>retraining requested by an operator: new fee tiers</td><td>alice</td>", page);

        var refused = await DashboardBrowserTests.RenderedPage(_served.Api.Url);

        Assert.Contains("needs an access token", refused);
        Assert.Contains($"Open this page as {_served.Api.Url}/#token=TOKEN", refused);
        Assert.DoesNotContain("class=\"mode-NORMAL\"", refused);
    }

    [Fact]
    public async Task An_operator_approves_a_recommended_deletion_and_keeps_another_from_the_page_and_a_reader_cannot()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("alice")}");
        await chromium.WaitForAsync("document.querySelectorAll('button[data-approve]').length >= 3");

        var text = await chromium.TextAsync();
        Assert.Contains("10 versions", text);
        Assert.Contains("champion (serving)", text);
        var candidates = (await chromium.EvaluateAsync("[...document.querySelectorAll('button[data-approve]')].map(b => b.dataset.approve)"))
            .EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.DoesNotContain("xgb/xgb-v1", candidates);
        var (deleted, kept, refused) = (candidates[0], candidates[1], candidates[2]);

        await chromium.EvaluateAsync($"document.querySelector('button[data-approve=\"{deleted}\"]').click()");
        await chromium.WaitForAsync($"document.getElementById('cleanup-result').textContent.includes('{deleted.Split('/')[1]} approved by alice')");
        await chromium.EvaluateAsync($"document.querySelector('button[data-keep=\"{kept}\"]').click()");
        await chromium.WaitForAsync($"!document.querySelector('button[data-keep=\"{kept}\"]') && !document.getElementById('cleanup-result').textContent.startsWith('Refused')");
        Assert.Equal([$"Delete the artifact of {deleted}", $"Keep {kept} whatever the cleanup rules say"],
            chromium.Dialogs.Select(d => d[..d.IndexOf(d.StartsWith("Delete", StringComparison.Ordinal) ? " (" : " (mark", StringComparison.Ordinal)]));

        var registry = await Registry();
        Assert.True(Version(registry, deleted).GetProperty("deleted").GetBoolean());
        Assert.True(Version(registry, kept).GetProperty("important").GetBoolean());
        var approval = registry.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("$type").GetString() == "cleanup-approved");
        Assert.Equal(("alice", "alice"), (approval.GetProperty("approvedBy").GetString(), approval.GetProperty("operator").GetString()));
        Assert.False(File.Exists(Path.Combine(_served.Dir.Path, "models", "xgb", deleted.Split('/')[1] + ".onnx")));

        // The same page with a read-only token: the click is refused with the node's reason and nothing changes.
        await chromium.OpenAsync($"{_served.Api.Url}/#token={await Token("bob")}");
        await chromium.WaitForAsync($"document.querySelector('button[data-approve=\"{refused}\"]')");
        await chromium.EvaluateAsync($"document.querySelector('button[data-approve=\"{refused}\"]').click()");
        await chromium.WaitForAsync("document.getElementById('cleanup-result').textContent.startsWith('Refused: 403 bob may read but not give commands')");
        Assert.False(Version(await Registry(), refused).GetProperty("deleted").GetBoolean());
    }
}
