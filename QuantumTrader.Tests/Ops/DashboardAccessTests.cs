using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Tests.Actors;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>The dashboard of a node with an access file, rendered by headless Chromium: opened with a token it shows the node, without one it says what to do.</summary>
public sealed class DashboardAccessTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private OperatorKeys _keys = null!;
    private ServedNode _served = null!;

    public async Task InitializeAsync()
    {
        _keys = await OperatorKeys.CreateAsync(("bob", "read"));
        _served = await ServedNode.StartAsync(endpoint: Host.Ops.OpsEndpoint.Open("http://127.0.0.1:0", _keys.AccessFile));
    }

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        _keys.Dispose();
    }

    [Fact]
    public async Task Opened_with_a_token_the_page_shows_the_node_and_who_gave_each_command_and_without_one_it_says_how_to_open_it()
    {
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v1", ServedNode.T0.AddDays(-2));
        var requested = await registry.Ask<ModelRegistryReply>(new RequestModelRetraining(ModelSlots.Xgb, "new fee tiers", ServedNode.T0) { Operator = "alice" }, Timeout);
        Assert.True(requested.Succeeded, requested.Error);
        var token = await _keys.TokenAsync("bob");

        var page = await DashboardBrowserTests.RenderedPage(_served.Api.Url, "#token=" + token);

        Assert.Contains("<span id=\"error\"></span>", page);
        Assert.Contains("mode <span class=\"mode-NORMAL\">NORMAL</span>, trading on", page);
        Assert.Contains("<td>retraining-requested</td><td>xgb</td><td>xgb-v1</td><td>retraining requested by an operator: new fee tiers</td><td>alice</td>", page);

        var refused = await DashboardBrowserTests.RenderedPage(_served.Api.Url);

        Assert.Contains("needs an access token", refused);
        Assert.Contains($"Open this page as {_served.Api.Url}/#token=TOKEN", refused);
        Assert.DoesNotContain("class=\"mode-NORMAL\"", refused);
    }
}
