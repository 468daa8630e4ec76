using System.CommandLine;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Ops;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Where the registry's commands go: the journal of a state directory (a node started for the one command; refused
/// while another process uses the directory) or a running node through its ops API.
/// </summary>
public abstract class RegistryAccess
{
    public static readonly RegistryAccess Journal = new JournalAccess();
    public static readonly RegistryAccess Node = new NodeAccess();

    /// <summary>The command line that reaches the registry this way, for hints in the output.</summary>
    public abstract string CommandPrefix { get; }

    /// <summary>The option that says where: a state directory or a node's address.</summary>
    public abstract Option<string> NewOption();

    public abstract Task<T> AskAsync<T>(ParseResult parse, string where, IProtocolMessage message, CancellationToken cancel);

    private sealed class JournalAccess : RegistryAccess
    {
        private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

        public override string CommandPrefix => "qt models";

        public override Option<string> NewOption() => new("--state") { Description = "State directory of a run (holds journal.db)", Required = true };

        /// <summary>An operator's command is journaled as given by the account that runs this process, which holds the state directory.</summary>
        public override async Task<T> AskAsync<T>(ParseResult parse, string state, IProtocolMessage message, CancellationToken cancel)
        {
            if (message is OperatorMessage command) message = command.By(Environment.UserName);
            var node = new NodeSettings { StateDirectory = state };
            if (!File.Exists(node.JournalPath)) throw new UsageException($"'{state}' holds no journal ({node.JournalPath} does not exist); run 'qt run --state {state}' first");
            using var stateLock = StateLock.Acquire(state);
            SqliteJournal.Prepare(node);
            var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
            var services = NodeServices.Default(serving, new SymbolRules());
            if (RecordedStart.ReadAll(state) is [.., var last]) services.Clock.Decided(last.LastBars.Values.Max());
            using var host = RunJob.BuildHost(node, services);
            await host.StartAsync(cancel);
            try
            {
                var registry = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<ModelRegistrySingleton>(cancel);
                return await registry.Ask<T>(message, AskTimeout, cancel);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
    }

    private sealed class NodeAccess : RegistryAccess
    {
        public override string CommandPrefix => "qt ctl registry";

        public override Option<string> NewOption() => CtlVerb.NodeOption();

        public override async Task<T> AskAsync<T>(ParseResult parse, string url, IProtocolMessage message, CancellationToken cancel)
        {
            using var client = new OpsClient(url, CtlVerb.Credentials(parse));
            return await client.AskAsync<T>("registry", message, cancel);
        }
    }
}
