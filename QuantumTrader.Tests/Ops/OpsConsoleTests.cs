using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Tests.Actors;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The ops console against a real node (SQLite journal, sharded entities, singletons) serving its HTTP API on a free
/// port: every command goes through 'qt ctl' as an operator types it, and the test reads what it printed as JSON.
/// </summary>
public sealed class OpsConsoleTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset T0 = ServedNode.T0;
    private ServedNode _served = null!;

    public async Task InitializeAsync() => _served = await ServedNode.StartAsync();

    public async Task DisposeAsync() => await _served.DisposeAsync();

    /// <summary>Runs 'qt ctl ARGS --node URL --json FILE' and returns its exit code and the JSON it wrote.</summary>
    private async Task<(int Code, JsonElement Json)> Ctl(params string[] args)
    {
        var file = _served.Dir.File($"ctl-{Guid.NewGuid():N}.json");
        var code = await QtCli.RunAsync(["ctl", .. args, "--node", _served.Api.Url, "--json", file]);
        return (code, File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone() : default);
    }

    [Fact]
    public async Task The_console_lists_the_cluster_member_and_how_many_entities_each_region_runs()
    {
        await _served.Node.Accounts.Ask<EssStatus>(new GetEssStatus("paper"), Timeout);
        await _served.Node.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(ModelSlots.Xgb), Timeout);
        await _served.Node.Models.Ask<ModelPerformanceReport>(new GetModelPerformance(ModelSlots.Lgbm), Timeout);

        var (code, members) = await Ctl("members");
        Assert.Equal(0, code);
        var self = Cluster.Get(_served.Node.System).SelfAddress.ToString();
        Assert.Equal(self, members.GetProperty("self").GetString());
        Assert.Equal(self, members.GetProperty("leader").GetString());
        var member = Assert.Single(members.GetProperty("members").EnumerateArray());
        Assert.Equal(("Up", true), (member.GetProperty("status").GetString(), member.GetProperty("reachable").GetBoolean()));

        // A region no entity has used yet is listed once its coordinator has registered it, which a loaded machine may delay.
        var shards = await AwaitCtl(json => json.GetProperty("regions").EnumerateArray().Any(r => r.GetProperty("region").GetString() == "symbol"), "shards");
        var regions = shards.GetProperty("regions").EnumerateArray()
            .ToDictionary(r => r.GetProperty("region").GetString()!, r => (Node: r.GetProperty("node").GetString(), Entities: r.GetProperty("entities").GetInt32()));
        Assert.Equal((self, 2), regions["model"]);
        Assert.Equal((self, 1), regions["account"]);
        Assert.Equal((self, 0), regions["symbol"]);
        Assert.Empty(shards.GetProperty("unanswered").EnumerateArray());

        // No symbol has traded on this node yet: the journal holds no closed trade.
        var (tradesCode, trades) = await Ctl("trades");
        Assert.Equal((0, 0), (tradesCode, trades.GetProperty("total").GetInt32()));
        Assert.Equal(ExitCodes.BadInput, (await Ctl("trades", "--last", "0")).Code);
    }

    [Fact]
    public async Task The_console_shows_each_served_model_with_its_weight_and_the_live_performance_its_entity_keeps()
    {
        await _served.Node.Models.Ask<OutcomesAck>(new RecordModelOutcomes(ModelSlots.Xgb,
            [new ModelOutcome("t1", "BTCUSDT", T0, 2.0), new ModelOutcome("t2", "BTCUSDT", T0.AddHours(1), -1.0)]), Timeout);

        var (code, view) = await Ctl("models");
        Assert.Equal(0, code);
        var models = view.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm], models.Keys);
        // The seed weights 0.25 / 0.25 renormalised over the two models served.
        Assert.All(models.Values, m => Assert.Equal(0.5, m.GetProperty("weight").GetDouble(), 12));
        Assert.Equal((2, 0.5, 0.5), (models["xgb"].GetProperty("trades").GetInt32(), models["xgb"].GetProperty("winRate").GetDouble(),
            models["xgb"].GetProperty("averageR").GetDouble()));
        Assert.Equal(0, models["lgbm"].GetProperty("trades").GetInt32());
        Assert.Equal("scripted-1", models["lgbm"].GetProperty("version").GetString());
    }

    [Fact]
    public async Task The_console_shows_the_drift_alarms_the_supervisor_raised_with_their_evidence()
    {
        var trades = Enumerable.Range(0, 3).Select(i => LearningTrades.BothBuy(i, -1)).ToArray();
        var supervised = await _served.Node.Registry.Get<ModelSupervisorSingleton>().Ask<SupervisionResult>(new SuperviseClosedTrades(trades), Timeout);
        Assert.NotEmpty(supervised.Alarms);

        var (code, status) = await Ctl("learning", "--last", "5");
        Assert.Equal(0, code);
        Assert.Equal(3, status.GetProperty("tradesSupervised").GetInt64());
        var alarms = status.GetProperty("alarms").EnumerateArray().ToArray();
        Assert.Equal(supervised.Alarms.Count, alarms.Length);
        // Both models voted with three losing trades: the three-loss warning fired for each, on its third trade.
        Assert.Equal([ModelSlots.Lgbm, ModelSlots.Xgb], alarms.Select(a => a.GetProperty("modelId").GetString()).Distinct().Order());
        Assert.All(alarms, a => Assert.Equal(2, a.GetProperty("tradeIndex").GetInt64()));
        Assert.Equal(ExitCodes.BadInput, (await Ctl("learning", "--last", "0")).Code);
    }

    [Fact]
    public async Task Without_an_access_file_a_command_is_journaled_with_the_name_the_console_gives_itself()
    {
        Assert.Equal(0, (await Ctl("ess", "trigger", "--reason", "venue outage", "--as", "carol")).Code);
        Assert.Equal(0, (await Ctl("ess", "reset", "--reason", "venue back")).Code);
        Assert.Equal(ExitCodes.BadInput, (await Ctl("ess", "trigger", "--reason", "bad name", "--as", "carol smith")).Code);

        var (_, me) = await Ctl("whoami", "--as", "carol");
        Assert.Equal(("carol", false), (me.GetProperty("operator").GetString(), me.GetProperty("verified").GetBoolean()));
        var (_, audit) = await Ctl("audit", "--latest", "100");
        var given = audit.GetProperty("latest").EnumerateArray().Where(e => e.GetProperty("kind").GetString()!.StartsWith("emergency-manual-", StringComparison.Ordinal))
            .Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("operator").GetString())).ToArray();
        Assert.Equal([("emergency-manual-trigger", "carol"), ("emergency-manual-reset", Environment.UserName)], given);
    }

    [Fact]
    public async Task A_manual_trigger_from_the_console_stops_trading_survives_a_restart_and_a_reset_releases_it()
    {
        var (code, triggered) = await Ctl("ess", "trigger", "--reason", "exchange outage");
        Assert.Equal(0, code);
        Assert.Equal(("Emergency", false, true), (triggered.GetProperty("mode").GetString(), triggered.GetProperty("tradingEnabled").GetBoolean(),
            triggered.GetProperty("manualLatch").GetBoolean()));
        Assert.Contains("exchange outage", triggered.GetProperty("transitions").EnumerateArray().Last().GetProperty("reason").GetString());

        // The trigger is in the journal: a restarted node still holds it.
        await _served.RestartAsync();
        var (_, after) = await Ctl("ess", "status");
        Assert.Equal(("Emergency", true), (after.GetProperty("mode").GetString(), after.GetProperty("manualLatch").GetBoolean()));

        var (resetCode, reset) = await Ctl("ess", "reset", "--reason", "exchange back");
        Assert.Equal(0, resetCode);
        Assert.Equal(("Normal", true, false), (reset.GetProperty("mode").GetString(), reset.GetProperty("tradingEnabled").GetBoolean(),
            reset.GetProperty("manualLatch").GetBoolean()));
        Assert.Equal(2, reset.GetProperty("transitions").GetArrayLength());

        // Both mode changes are alerts, read from the journal: the trigger critical, the recovery info; no webhook, nothing waits.
        var alerts = await AwaitCtl(json => json.GetProperty("info").GetInt32() == 1, "alerts");
        Assert.Equal((1, 0, 0), (alerts.GetProperty("critical").GetInt32(), alerts.GetProperty("warning").GetInt32(), alerts.GetProperty("routes").GetArrayLength()));
        var latest = alerts.GetProperty("latest").EnumerateArray().ToArray();
        Assert.Equal([("emergency-triggered", "Critical"), ("emergency-recovered", "Info")],
            latest.Select(a => (a.GetProperty("kind").GetString(), a.GetProperty("severity").GetString())));
        Assert.Contains("(operator): ", latest[0].GetProperty("detail").GetString());
        Assert.Equal("account-paper", latest[0].GetProperty("source").GetString());
        Assert.Equal(ExitCodes.BadInput, (await Ctl("alerts", "--latest", "-1")).Code);
    }

    /// <summary>Runs 'qt ctl ARGS' until what it wrote satisfies <paramref name="until"/> (views the node fills from its journal in the background).</summary>
    private async Task<JsonElement> AwaitCtl(Func<JsonElement, bool> until, params string[] args)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (code, json) = await Ctl(args);
            Assert.Equal(0, code);
            if (until(json)) return json;
            Assert.True(waited.Elapsed < Timeout, $"ctl {string.Join(' ', args)} did not show it within {Timeout}: {json}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_limit_set_from_the_console_reaches_the_policy_store_and_an_invalid_one_changes_nothing()
    {
        var (code, set) = await Ctl("risk", "set", "--mode", "cautious", "--max-position", "250", "--reason", "tighter after the outage");
        Assert.Equal(0, code);
        var cautious = set.GetProperty("policy").GetProperty("cautious");
        // Only the limit given changes; the others keep seed 003's CAUTIOUS values.
        Assert.Equal((250.0, 10.0, 0.55), (cautious.GetProperty("maxPositionUsd").GetDouble(), cautious.GetProperty("maxLeverage").GetDouble(),
            cautious.GetProperty("minConfidence").GetDouble()));
        Assert.Equal(1, set.GetProperty("version").GetInt64());

        Assert.Equal(2, (await Ctl("risk", "set", "--mode", "cautious", "--min-confidence", "1.5", "--reason", "typo")).Code);
        Assert.Equal(2, (await Ctl("risk", "set", "--mode", "emergency", "--max-position", "10", "--reason", "nothing to set")).Code);
        Assert.Equal(2, (await Ctl("risk", "set", "--mode", "panic", "--max-position", "10", "--reason", "no such mode")).Code);
        var state = await _served.Node.Registry.Get<PolicyStoreSingleton>().Ask<RiskPolicyState>(GetRiskPolicy.Instance, Timeout);
        Assert.Equal((1L, 250.0, 0.55), (state.Version, state.Policy.Cautious.MaxPositionUsd, state.Policy.Cautious.MinConfidence));
    }

    [Fact]
    public async Task Promotion_and_rollback_from_the_console_change_what_the_running_node_serves()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v1", T0.AddDays(-2));
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v2", T0.AddDays(-1));
        Assert.Equal("xgb-v1", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var (code, promoted) = await Ctl("registry", "promote", "--slot", "xgb", "--version", "xgb-v2", "--reason", "better auc", "--at", T0.ToString("O"));
        Assert.Equal(0, code);
        Assert.True(promoted.GetProperty("succeeded").GetBoolean());
        Assert.Equal("xgb-v2", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        Assert.Equal(2, (await Ctl("registry", "promote", "--slot", "xgb", "--version", "xgb-v9", "--reason", "no such version")).Code);
        Assert.Equal("xgb-v2", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var (rollbackCode, _) = await Ctl("registry", "rollback", "--slot", "xgb", "--reason", "worse live", "--at", T0.AddHours(1).ToString("O"));
        Assert.Equal(0, rollbackCode);
        Assert.Equal("xgb-v1", _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!.Version);

        var (_, list) = await Ctl("registry", "list");
        Assert.Equal(["xgb-v1", "xgb-v2"], list.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).Order());
        Assert.Equal("xgb-v1", list.GetProperty("champions").EnumerateArray().Single(c => c.GetProperty("slot").GetString() == "xgb").GetProperty("version").GetString());
    }

    [Fact]
    public async Task An_A_B_test_started_from_the_console_splits_the_slot_and_a_stop_returns_it_to_the_champion()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v1", T0.AddDays(-2));
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v2", T0.AddDays(-1));

        var (code, started) = await Ctl("registry", "ab-start", "--slot", "xgb", "--version", "xgb-v2", "--share", "0.3", "--reason", "try the new features",
            "--at", T0.ToString("O"));
        Assert.Equal(0, code);
        Assert.Equal("xgb/xgb-v2 takes 30 % of the slot's decisions in an A/B test against xgb-v1 (try the new features)",
            started.GetProperty("message").GetString());
        var split = Assert.IsType<SplitPredictor>(_served.Node.Serving.PredictorOf(ModelSlots.Xgb));
        Assert.Equal(("xgb-v1", "xgb-v2", 0.3), (split.Champion.Version, split.Challenger.Version, split.Share));
        var (_, models) = await Ctl("models");
        var xgb = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "xgb");
        Assert.Equal(("xgb-v1", "xgb-v2", 0.3), (xgb.GetProperty("version").GetString(), xgb.GetProperty("abTest").GetProperty("version").GetString(),
            xgb.GetProperty("abTest").GetProperty("share").GetDouble()));

        Assert.Equal(2, (await Ctl("registry", "ab-start", "--slot", "xgb", "--version", "xgb-v2", "--reason", "again")).Code);
        var (stopCode, stopped) = await Ctl("registry", "ab-stop", "--slot", "xgb", "--reason", "exchange outage", "--at", T0.AddHours(5).ToString("O"));
        Assert.Equal(0, stopCode);
        Assert.StartsWith("A/B test of xgb/xgb-v2 ended: stopped by an operator: exchange outage; the arms then: keep the champion",
            stopped.GetProperty("message").GetString());
        var served = _served.Node.Serving.PredictorOf(ModelSlots.Xgb)!;
        Assert.IsNotType<SplitPredictor>(served);
        Assert.Equal("xgb-v1", served.Version);
        Assert.Equal(2, (await Ctl("registry", "ab-stop", "--slot", "xgb", "--reason", "nothing runs")).Code);
        Assert.Equal(2, (await Ctl("registry", "ab-start", "--slot", "xgb", "--version", "xgb-v1", "--reason", "the champion")).Code);

        var (requestCode, requested) = await Ctl("registry", "retrain", "--slot", "xgb", "--reason", "new fee tiers");
        Assert.Equal(0, requestCode);
        Assert.StartsWith("retraining of xgb requested (new fee tiers)", requested.GetProperty("message").GetString());
        var (_, again) = await Ctl("registry", "retrain", "--slot", "xgb", "--reason", "impatient");
        Assert.StartsWith("a retraining of xgb is already pending, requested at ", again.GetProperty("message").GetString());
        Assert.Empty(again.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task The_console_says_when_no_node_answers_at_the_address_and_when_the_address_is_not_one()
    {
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        using var client = new OpsClient(closed, OpsCredentials.None);
        var error = await Assert.ThrowsAsync<NodeCallException>(() => client.GetAsync<ClusterView>("/api/cluster", CancellationToken.None));
        Assert.Contains($"cannot reach the node at {closed}", error.Message);

        Assert.Equal(ExitCodes.Failure, await QtCli.RunAsync(["ctl", "members", "--node", closed]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["ctl", "members", "--node", "localhost:5080"]));
    }

    [Fact]
    public async Task When_the_node_behind_the_API_has_stopped_the_console_gets_the_cause_not_an_empty_failure()
    {
        await _served.Node.System.Terminate();

        using var client = new OpsClient(_served.Api.Url, OpsCredentials.None);
        var error = await Assert.ThrowsAsync<NodeCallException>(() => client.GetAsync<TradesView>("/api/trades", CancellationToken.None));
        Assert.Matches("answered 500 InternalServerError: GET /api/trades failed: .+", error.Message);
    }

    [Fact]
    public async Task The_API_hands_a_target_only_the_messages_it_takes_and_refuses_invalid_ones_with_the_field()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_served.Api.Url) };

        var wrongTarget = await Post(http, "registry", new GetEssStatus("paper"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongTarget.StatusCode);
        Assert.Contains("registry does not take GetEssStatus", await wrongTarget.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await Post(http, "symbols", new GetEssStatus("paper"))).StatusCode);

        // A trigger without a reason breaks the message's own rule; the node never sees it.
        var body = Encoding.UTF8.GetBytes("""{"AccountId":"paper","Reason":"","RequestedAt":"2021-01-01T00:00:00Z"}""");
        var invalid = await Send(http, "account", ProtocolTypes.ManifestOf(typeof(TriggerEmergency)), body);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("TriggerEmergency.Reason", await invalid.Content.ReadAsStringAsync());
        var status = await _served.Node.Accounts.Ask<EssStatus>(new GetEssStatus("paper"), Timeout);
        Assert.Equal((EssMode.Normal, 0), (status.Mode, status.Transitions.Count));
    }

    [Fact]
    public async Task The_dashboard_is_served_and_every_view_it_reads_answers_with_json()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_served.Api.Url) };
        var page = await http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();

        var views = Regex.Matches(html, "\"(/api/[a-z-]+(\\?[^\"]*)?)\"").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Equal(["/api/cluster", "/api/shards", "/api/models", "/api/ess", "/api/risk", "/api/trades?last=10", "/api/registry", "/api/alerts?latest=10", "/api/report?by=month", "/api/sizing", "/api/cleanup", "/api/audit?latest=0", "/api/marked-equity?points=600", "/api/accuracy"], views);
        // This node has no run's data to score its decisions against: the accuracy says so (a run's node: NodeServiceTests).
        var accuracy = await http.GetAsync("/api/accuracy");
        Assert.Equal(HttpStatusCode.NotFound, accuracy.StatusCode);
        Assert.StartsWith("the node's state directory holds no run.json", await accuracy.Content.ReadAsStringAsync());
        foreach (var view in views.Where(v => v != "/api/accuracy"))
        {
            var response = await http.GetAsync(view);
            Assert.True(response.IsSuccessStatusCode, $"{view}: {response.StatusCode}");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        }
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string target, IProtocolMessage message) =>
        Send(http, target, ProtocolTypes.ManifestOf(message.GetType()), JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), ProtocolSerializer.JsonOptions));

    private static Task<HttpResponseMessage> Send(HttpClient http, string target, string manifest, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ask/{target}") { Content = new ByteArrayContent(body) };
        request.Headers.Add(OpsApi.ManifestHeader, manifest);
        return http.SendAsync(request);
    }
}
