using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Run;

/// <summary>The model registry rebuilt from its journal, outside the registry actor.</summary>
public static class RegistryJournal
{
    /// <summary>The registry as its journal holds it, each artifact where it is now under <paramref name="stateDirectory"/>.</summary>
    public static Task<ModelRegistryState> ReadAsync(SqlReadJournal journal, IMaterializer materializer, string stateDirectory) =>
        journal.CurrentEventsByPersistenceId(ModelRegistryActor.Id, 0, long.MaxValue)
            .RunAggregate(ModelRegistryState.Empty, (state, env) => env.Event switch
            {
                VersionRegistered r => state.Apply(r with { Record = RegistryServing.Located(r.Record, stateDirectory) }),
                RegistryEvent e => state.Apply(e),
                _ => state,
            }, materializer);

    /// <summary>
    /// The artifacts an approved cleanup deleted, by slot and file or directory name, from the journal of
    /// <paramref name="stateDirectory"/>; none before its first start.
    /// </summary>
    public static async Task<IReadOnlySet<(string Slot, string Name)>> DeletedArtifactsAsync(string stateDirectory)
    {
        if (!File.Exists(new NodeSettings { StateDirectory = stateDirectory }.JournalPath)) return new HashSet<(string, string)>();
        var registry = await AuditVerb.ReadJournalAsync(stateDirectory, system =>
            ReadAsync(PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), system.Materializer(), stateDirectory));
        return registry.Versions.Where(v => v.Deleted).Select(v => (v.Slot, Path.GetFileName(v.ArtifactPath))).ToHashSet();
    }
}
