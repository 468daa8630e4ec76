using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Tests.Actors;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Audit;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// A real node whose ops API has an access file made with 'qt access add': who may read, who may command, and the
/// journal naming the operator of every command, all through 'qt ctl' as an operator types it.
/// </summary>
public sealed class OpsAccessTests : IAsyncLifetime
{
    private OperatorKeys _keys = null!;
    private ServedNode _served = null!;
    private string AccessFile => _keys.AccessFile;
    private string Alice => _keys.TokenFile("alice");
    private string Bob => _keys.TokenFile("bob");

    public async Task InitializeAsync()
    {
        _keys = await OperatorKeys.CreateAsync(("alice", "operate"), ("bob", "read"));
        _served = await ServedNode.StartAsync(endpoint: OpsEndpoint.Open("http://127.0.0.1:0", AccessFile));
    }

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        _keys.Dispose();
    }

    /// <summary>Runs 'qt ctl ARGS --node URL --json FILE', with the token in <paramref name="tokenFile"/> when given.</summary>
    private async Task<(int Code, JsonElement Json)> Ctl(string? tokenFile, params string[] args)
    {
        var file = _served.Dir.File($"ctl-{Guid.NewGuid():N}.json");
        string[] token = tokenFile is null ? [] : ["--token-file", tokenFile];
        var code = await QtCli.RunAsync(["ctl", .. args, .. token, "--node", _served.Api.Url, "--json", file]);
        return (code, File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone() : default);
    }

    [Fact]
    public async Task Without_a_token_the_node_answers_no_view_and_no_command_but_serves_the_dashboard_page()
    {
        Assert.Equal(ExitCodes.BadInput, (await Ctl(null, "ess", "status")).Code);
        Assert.Equal(ExitCodes.BadInput, (await Ctl(null, "ess", "trigger", "--reason", "no token")).Code);
        var stranger = _keys.File("stranger.token");
        await File.WriteAllTextAsync(stranger, OperatorAccess.NewToken());
        Assert.Equal(ExitCodes.BadInput, (await Ctl(stranger, "members")).Code);

        using var http = new HttpClient { BaseAddress = new Uri(_served.Api.Url) };
        using var view = await http.GetAsync("/api/ess");
        Assert.Equal(HttpStatusCode.Unauthorized, view.StatusCode);
        Assert.Equal("Bearer", view.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("needs an access token", await view.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        var (_, status) = await Ctl(Alice, "ess", "status");
        Assert.Equal(("Normal", false), (status.GetProperty("mode").GetString(), status.GetProperty("manualLatch").GetBoolean()));
    }

    [Fact]
    public async Task A_read_only_operator_reads_every_view_but_each_command_is_refused_and_nothing_is_journaled()
    {
        var (_, bob) = await Ctl(Bob, "whoami", "--as", "mallory");
        Assert.Equal(("bob", "Read", true), (bob.GetProperty("operator").GetString(), bob.GetProperty("role").GetString(), bob.GetProperty("verified").GetBoolean()));
        var (_, alice) = await Ctl(Alice, "whoami");
        Assert.Equal(("alice", "Operate"), (alice.GetProperty("operator").GetString(), alice.GetProperty("role").GetString()));
        Assert.Equal(0, (await Ctl(Bob, "members")).Code);
        Assert.Equal(0, (await Ctl(Bob, "risk", "show")).Code);
        Assert.Equal(0, (await Ctl(Bob, "registry", "list")).Code);

        Assert.Equal(ExitCodes.BadInput, (await Ctl(Bob, "ess", "trigger", "--reason", "not mine to pull")).Code);
        Assert.Equal(ExitCodes.BadInput, (await Ctl(Bob, "risk", "set", "--mode", "cautious", "--max-position", "1", "--reason", "not mine")).Code);
        Assert.Equal(ExitCodes.BadInput, (await Ctl(Bob, "registry", "retrain", "--slot", "xgb", "--reason", "not mine")).Code);

        var (_, status) = await Ctl(Bob, "ess", "status");
        Assert.Equal(("Normal", false, 0), (status.GetProperty("mode").GetString(), status.GetProperty("manualLatch").GetBoolean(),
            status.GetProperty("transitions").GetArrayLength()));
        var (_, audit) = await Ctl(Bob, "audit", "--latest", "100");
        Assert.DoesNotContain(audit.GetProperty("latest").EnumerateArray(), e => e.TryGetProperty("operator", out _));
    }

    [Fact]
    public async Task Each_command_is_journaled_with_the_operator_of_its_token_whatever_name_the_console_gives_itself()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v1", ServedNode.T0.AddDays(-2));
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v2", ServedNode.T0.AddDays(-1));
        Assert.Equal(0, (await Ctl(Alice, "registry", "promote", "--slot", "xgb", "--version", "xgb-v2", "--reason", "better auc",
            "--at", ServedNode.T0.ToString("O"), "--as", "mallory")).Code);
        var (triggerCode, triggered) = await Ctl(Alice, "ess", "trigger", "--reason", "venue outage", "--as", "mallory");
        Assert.Equal(0, triggerCode);
        Assert.Equal("manual trigger by alice: venue outage", triggered.GetProperty("transitions").EnumerateArray().Last().GetProperty("reason").GetString());
        Assert.Equal(0, (await Ctl(Alice, "risk", "set", "--mode", "cautious", "--max-position", "250", "--reason", "tighter", "--as", "mallory")).Code);
        Assert.Equal(0, (await Ctl(Alice, "registry", "retrain", "--slot", "xgb", "--reason", "new fee tiers", "--as", "mallory")).Code);

        var (_, audit) = await Ctl(Bob, "audit", "--latest", "100");
        var given = audit.GetProperty("latest").EnumerateArray()
            .Where(e => e.TryGetProperty("operator", out _))
            .Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("operator").GetString()))
            .ToArray();
        Assert.Equal([("emergency-manual-trigger", "alice"), ("retraining-requested", "alice"), ("risk-limits-changed", "alice"), ("version-promoted", "alice")],
            given.Order());
        var (_, list) = await Ctl(Bob, "registry", "list");
        Assert.Equal("alice", list.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("$type").GetString() == "version-promoted"
            && e.GetProperty("version").GetString() == "xgb-v2").GetProperty("operator").GetString());

        // The alert feed reads the journal on its own schedule: the limit change becomes an alert a moment after it is journaled.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonElement? limitAlert = null;
        while (limitAlert is null && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            var (_, alerts) = await Ctl(Bob, "alerts");
            limitAlert = alerts.GetProperty("latest").EnumerateArray().Where(a => a.GetProperty("kind").GetString() == "risk-limits-changed")
                .Select(a => (JsonElement?)a).SingleOrDefault();
            if (limitAlert is null) await Task.Delay(200);
        }
        Assert.True(limitAlert.HasValue, "the limit change was not alerted within 30 s");
        Assert.Equal("alice", limitAlert.Value.GetProperty("operator").GetString());
    }

    [Fact]
    public async Task An_operator_taken_out_of_the_file_is_refused_from_the_next_request_and_a_broken_file_lets_nobody_in()
    {
        Assert.Equal(0, (await Ctl(Alice, "ess", "status")).Code);
        Assert.Equal(0, await QtCli.RunAsync(["access", "remove", "--file", AccessFile, "--name", "alice"]));

        Assert.Equal(ExitCodes.BadInput, (await Ctl(Alice, "ess", "status")).Code);
        Assert.Equal(0, (await Ctl(Bob, "ess", "status")).Code);

        var kept = await File.ReadAllTextAsync(AccessFile);
        await File.WriteAllTextAsync(AccessFile, kept + "carol admin sha256:00\n");
        using var http = new HttpClient { BaseAddress = new Uri(_served.Api.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ess");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Bob)).Trim());
        using var refused = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("access.txt:2: field 'role': 'admin' is not a role", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(AccessFile, kept);
        Assert.Equal(0, (await Ctl(Bob, "ess", "status")).Code);
    }

    private async Task<string> Refusal(string tokenFile)
    {
        using var http = new HttpClient { BaseAddress = new Uri(_served.Api.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ess");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(tokenFile)).Trim());
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_token_past_its_expiry_is_refused_saying_how_to_get_a_new_one_and_a_rotated_token_replaces_the_old_at_once()
    {
        var carol = _keys.TokenFile("carol");
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(0, await QtCli.RunAsync(["access", "add", "--file", AccessFile, "--name", "carol", "--role", "read", "--expires", "2h", "--token-out", carol]));
        var (_, whoami) = await Ctl(carol, "whoami");
        var expires = whoami.GetProperty("tokenExpires").GetDateTimeOffset();
        Assert.InRange(expires, before.AddHours(2).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(2));
        Assert.Equal(JsonValueKind.Null, (await Ctl(Bob, "whoami")).Json.GetProperty("tokenExpires").ValueKind);

        // A token within a week of its expiry is named in every answer: the console warns, whoami and the page say it.
        Assert.StartsWith($"the access token of carol expires at {OperatorAccess.Utc(expires)}, in 0.1 days", whoami.GetProperty("tokenWarning").GetString());
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(carol)).Trim());
            var answer = await http.GetAsync(new Uri(new Uri(_served.Api.Url), "/api/ess"));
            Assert.Equal(whoami.GetProperty("tokenWarning").GetString(), answer.Headers.GetValues(OpsApi.TokenWarningHeader).Single());
        }
        Assert.False((await Ctl(Alice, "whoami")).Json.TryGetProperty("tokenWarning", out var none) && none.ValueKind != JsonValueKind.Null);
        var page = await DashboardBrowserTests.RenderedPage(_served.Api.Url, "#token=" + (await File.ReadAllTextAsync(carol)).Trim());
        Assert.Contains("<p id=\"token-warning\">the access token of carol expires at ", page);

        // The clock passing bob's expiry, written as the file would hold it.
        var bobHash = OperatorAccess.HashOf((await File.ReadAllTextAsync(Bob)).Trim());
        var past = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await File.WriteAllTextAsync(AccessFile, OperatorAccess.Rotated(AccessFile, await File.ReadAllTextAsync(AccessFile), "bob", bobHash, past));
        Assert.Equal(ExitCodes.BadInput, (await Ctl(Bob, "ess", "status")).Code);
        Assert.Equal("the access token of bob expired at 2026-01-02T03:04:05Z; 'qt access rotate --name bob' gives a new one", await Refusal(Bob));
        Assert.Equal(0, (await Ctl(Alice, "ess", "status")).Code);

        var list = _served.Dir.File("operators.json");
        Assert.Equal(0, await QtCli.RunAsync(["access", "list", "--file", AccessFile, "--json", list]));
        var operators = JsonDocument.Parse(await File.ReadAllTextAsync(list)).RootElement.GetProperty("operators").EnumerateArray()
            .ToDictionary(o => o.GetProperty("name").GetString()!, o => (o.GetProperty("expired").GetBoolean(), o.GetProperty("expiresSoon").GetBoolean()));
        Assert.Equal(new Dictionary<string, (bool, bool)> { ["alice"] = (false, false), ["bob"] = (true, false), ["carol"] = (false, true) }, operators);

        var renewed = _keys.TokenFile("bob-renewed");
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["access", "rotate", "--file", AccessFile, "--name", "bob", "--expires", "2020-01-01", "--token-out", renewed]));
        Assert.False(File.Exists(renewed));
        Assert.Equal(0, await QtCli.RunAsync(["access", "rotate", "--file", AccessFile, "--name", "bob", "--expires", "30d", "--token-out", renewed]));
        var (_, bob) = await Ctl(renewed, "whoami");
        Assert.Equal(("bob", "Read"), (bob.GetProperty("operator").GetString(), bob.GetProperty("role").GetString()));
        Assert.True(bob.GetProperty("tokenExpires").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
        Assert.Equal("the access token is not in the node's access file", await Refusal(Bob));

        // Rotating alice's token shuts out whoever holds the old one, from the next request on.
        Assert.Equal(0, (await Ctl(Alice, "ess", "status")).Code);
        Assert.Equal(0, await QtCli.RunAsync(["access", "rotate", "--file", AccessFile, "--name", "alice", "--token-out", _keys.TokenFile("alice-renewed")]));
        Assert.Equal(ExitCodes.BadInput, (await Ctl(Alice, "ess", "trigger", "--reason", "old token")).Code);
        Assert.Equal(0, (await Ctl(_keys.TokenFile("alice-renewed"), "ess", "trigger", "--reason", "new token")).Code);
    }

    [Fact]
    public async Task A_node_listens_beyond_this_machine_only_with_an_access_file_and_refuses_one_it_cannot_read()
    {
        var ex = Assert.Throws<UsageException>(() => OpsEndpoint.Open("http://0.0.0.0:0"));
        Assert.Contains("listens beyond this machine", ex.Message, StringComparison.Ordinal);
        // An access file alone is not enough: the tokens would cross the network in clear.
        Assert.Contains("without TLS", Assert.Throws<UsageException>(() => OpsEndpoint.Open("http://0.0.0.0:0", AccessFile)).Message, StringComparison.Ordinal);

        using var state = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["node", "--state", state.Path, "--http", "http://0.0.0.0:0"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["node", "--state", state.Path, "--ops-access", _keys.File("missing.txt")]));
        Assert.False(File.Exists(Path.Combine(state.Path, "journal.db")));
    }
}
