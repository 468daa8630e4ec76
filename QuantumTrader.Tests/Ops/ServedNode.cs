using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// A real node (<see cref="NodeFixture"/> on SQLite) serving xgb and lgbm slots whose votes the tests script, with its
/// ops API on a free loopback port.
/// </summary>
public sealed class ServedNode : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = LearningTrades.Start;

    private readonly OpsEndpoint _endpoint;

    private ServedNode(TempDir dir, NodeFixture node, OpsApi api, OpsEndpoint endpoint)
    {
        _endpoint = endpoint;
        Dir = dir;
        Node = node;
        Api = api;
    }

    public TempDir Dir { get; }
    public NodeFixture Node { get; }
    public OpsApi Api { get; private set; }

    /// <summary>
    /// The node runs its alert feed as 'qt node' does: without a webhook unless <paramref name="alerts"/> names one; its
    /// API on a free loopback port, unless <paramref name="endpoint"/> says otherwise.
    /// </summary>
    /// <param name="services">Changes the node's services (its sizing, say) before it starts.</param>
    public static async Task<ServedNode> StartAsync(AlertSettings? alerts = null, OpsEndpoint? endpoint = null, Func<NodeServices, NodeServices>? services = null)
    {
        var dir = new TempDir();
        var node = new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, T0), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, T0)], dir: dir, services: services,
            alerts: alerts ?? new AlertSettings([], "test-node"));
        endpoint ??= OpsEndpoint.Open("http://127.0.0.1:0");
        return new ServedNode(dir, node, await StartApi(node, endpoint), endpoint);
    }

    /// <summary>Stops the API and the node, starts a new actor system on the same journal and serves it again.</summary>
    public async Task RestartAsync()
    {
        await Api.DisposeAsync();
        await Node.Restart();
        Api = await StartApi(Node, _endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Node.DisposeAsync();
        Dir.Dispose();
    }

    private static Task<OpsApi> StartApi(NodeFixture node, OpsEndpoint endpoint) =>
        OpsApi.StartAsync(endpoint, node.System, node.Registry, node.Services, node.Settings, CancellationToken.None);
}
