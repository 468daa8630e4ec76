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

    private readonly AccessFile? _access;

    private ServedNode(TempDir dir, NodeFixture node, OpsApi api, AccessFile? access)
    {
        _access = access;
        Dir = dir;
        Node = node;
        Api = api;
    }

    public TempDir Dir { get; }
    public NodeFixture Node { get; }
    public OpsApi Api { get; private set; }

    /// <summary>
    /// The node runs its alert feed as 'qt node' does: without a webhook unless <paramref name="alerts"/> names one; its
    /// API lets anyone in unless <paramref name="accessFile"/> names an access file.
    /// </summary>
    public static async Task<ServedNode> StartAsync(AlertSettings? alerts = null, string? accessFile = null)
    {
        var dir = new TempDir();
        var node = new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, T0), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, T0)], dir: dir,
            alerts: alerts ?? new AlertSettings([], "test-node"));
        var access = accessFile is null ? null : AccessFile.Open(accessFile);
        return new ServedNode(dir, node, await StartApi(node, access), access);
    }

    /// <summary>Stops the API and the node, starts a new actor system on the same journal and serves it again.</summary>
    public async Task RestartAsync()
    {
        await Api.DisposeAsync();
        await Node.Restart();
        Api = await StartApi(Node, _access);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Node.DisposeAsync();
        Dir.Dispose();
    }

    private static Task<OpsApi> StartApi(NodeFixture node, AccessFile? access) =>
        OpsApi.StartAsync("http://127.0.0.1:0", node.System, node.Registry, node.Services, node.Settings, access, CancellationToken.None);
}
