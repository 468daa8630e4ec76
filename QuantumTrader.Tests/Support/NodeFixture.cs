using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// A real single-node QuantumTrader cluster on a real SQLite journal in a temp folder, built by the same hosting
/// extension the CLI uses. Restart() stops it and starts a new actor system on the same journal. The services
/// (fixed-fraction sizing unless a factory is given) are made anew for every start, as a new process would.
/// </summary>
public sealed class NodeFixture : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly bool _ownsDir;
    private readonly Func<NodeServices, NodeServices>? _services;
    private IHost _host;

    /// <param name="services">Adjusts the node's services at every start (for example to put the risk gate in).</param>
    /// <param name="config">HOCON put in front of the node's configuration at the first start; <see cref="Config"/> changes it for later ones.</param>
    /// <param name="alerts">Runs the node's alert feed with these settings.</param>
    public NodeFixture(IEnumerable<IPredictor> predictors, int snapshotEvery = 500, TempDir? dir = null, Func<NodeServices, NodeServices>? services = null,
        string config = "", AlertSettings? alerts = null)
    {
        Config = config;
        _ownsDir = dir is null;
        _services = services;
        _dir = dir ?? new TempDir();
        Serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        foreach (var p in predictors) Serving.Serve(p);
        Settings = new NodeSettings { StateDirectory = _dir.Path, SnapshotEvery = snapshotEvery, Alerts = alerts };
        SqliteJournal.Prepare(Settings);
        _host = Start();
    }

    public EnsembleServing Serving { get; }

    /// <summary>HOCON put in front of the node's configuration at the next start.</summary>
    public string Config { get; set; }

    /// <summary>The services of the running node (a new risk board at every start, like a new process).</summary>
    public NodeServices Services { get; private set; } = null!;
    public NodeSettings Settings { get; }
    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();
    public ActorRegistry Registry => _host.Services.GetRequiredService<ActorRegistry>();
    public IActorRef Symbols => Registry.Get<SymbolRegion>();
    public IActorRef Models => Registry.Get<ModelRegion>();
    public IActorRef Accounts => Registry.Get<AccountRegion>();
    public IActorRef Feed => Registry.Get<TradeFeedSingleton>();
    public IActorRef Alerts => Registry.Get<AlertFeedActor>();

    /// <summary>Graceful: sharding hands entities off, and they snapshot before stopping.</summary>
    public async Task Restart()
    {
        await _host.StopAsync();
        _host.Dispose();
        _host = Start();
    }

    /// <summary>Like a kill: the actor system ends without coordinated shutdown, so no entity gets to snapshot.</summary>
    public async Task CrashAndStart()
    {
        await System.Terminate();
        _host.Dispose();
        _host = Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (_ownsDir) _dir.Dispose();
    }

    private IHost Start()
    {
        var defaults = NodeServices.Default(Serving, new SymbolRules());
        Services = _services?.Invoke(defaults) ?? defaults;
        var host = RunJob.BuildHost(Settings, Services,
            b => b.AddHocon("akka.coordinated-shutdown.run-by-actor-system-terminate = off\n" + Config, HoconAddMode.Prepend));
        host.StartAsync().GetAwaiter().GetResult();
        return host;
    }
}
