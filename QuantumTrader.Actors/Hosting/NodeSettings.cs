using QuantumTrader.Actors.Alerts;
using QuantumTrader.Actors.Persistence;

namespace QuantumTrader.Actors.Hosting;

public enum PersistenceBackend { Sqlite, Postgres }

/// <summary>Everything a node needs to start; bound from the command line or configuration.</summary>
public sealed record NodeSettings
{
    public string StateDirectory { get; init; } = "state";
    public PersistenceBackend Persistence { get; init; } = PersistenceBackend.Sqlite;

    /// <summary>PostgreSQL connection string; SQLite derives its own from the state directory.</summary>
    public string? ConnectionString { get; init; }

    public string Hostname { get; init; } = "127.0.0.1";
    public int Port { get; init; }
    public IReadOnlyList<string> SeedNodes { get; init; } = [];
    public string ActorSystemName { get; init; } = "quantumtrader";

    /// <summary>Symbol entities snapshot their state every N processed bars (and drop older snapshots).</summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>The alert feed's settings; null: the node runs no alert feed (a batch run).</summary>
    public AlertSettings? Alerts { get; init; }

    public string JournalPath => Path.Combine(StateDirectory, "journal.db");

    public string ResolvedConnectionString => Persistence switch
    {
        PersistenceBackend.Sqlite => $"Data Source={Path.GetFullPath(JournalPath)};Default Timeout={SqliteJournal.TimeoutSeconds}",
        _ => ConnectionString ?? throw new InvalidOperationException("PostgreSQL persistence needs a connection string (--connection)"),
    };
}
