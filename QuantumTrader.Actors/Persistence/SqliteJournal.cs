using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;
using QuantumTrader.Actors.Hosting;

namespace QuantumTrader.Actors.Persistence;

/// <summary>The journal on disk has a layout this version cannot read.</summary>
public sealed class JournalFormatException(string message) : Exception(message);

public static class SqliteJournal
{
    /// <summary>
    /// The connections of the journal, the snapshot store and the queries, each told to wait for a held write lock
    /// (busy_timeout) instead of handing SQLITE_BUSY back: Microsoft.Data.Sqlite retries a busy statement only after
    /// sleeping 150 ms, so a journal write that met a snapshot write stalled every symbol's decisions for that long.
    /// </summary>
    public static MultiDataOptionsSetup? Connections(NodeSettings settings)
    {
        if (settings.Persistence != PersistenceBackend.Sqlite) return null;
        var options = new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, settings.ResolvedConnectionString)
            .UseAfterConnectionOpened(BusyTimeout, (c, _) => { BusyTimeout(c); return Task.CompletedTask; });
        var setup = new MultiDataOptionsSetup();
        foreach (var plugin in PluginIds) setup.AddDataOptions(plugin, options);
        return setup;
    }

    /// <summary>The Akka.Persistence.Sql plugins that open connections to the journal's file.</summary>
    public static readonly IReadOnlyList<string> PluginIds =
        ["akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql"];

    /// <summary>How long a statement waits for a lock, in SQLite (busy_timeout) and in Microsoft.Data.Sqlite (Default Timeout).</summary>
    public const int TimeoutSeconds = 60;

    private static void BusyTimeout(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {TimeoutSeconds * 1000};";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Creates the journal file and switches it to write-ahead logging before Akka opens it: readers (the trade feed,
    /// queries) then never block the writer, and a kill -9 loses no committed write. A journal of an earlier version,
    /// which kept tags in a table of their own, is refused with the way out: this version reads tags from the row.
    /// </summary>
    public static void Prepare(NodeSettings settings)
    {
        if (settings.Persistence != PersistenceBackend.Sqlite) return;
        Directory.CreateDirectory(settings.StateDirectory);
        using (var connection = new SqliteConnection(settings.ResolvedConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
        CheckFormat(settings);
    }

    /// <summary>Refuses a journal of an earlier version that kept tags in a table of their own; it only reads the schema.</summary>
    public static void CheckFormat(NodeSettings settings)
    {
        using var connection = new SqliteConnection(settings.ResolvedConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'tags'";
        var hasTags = Convert.ToInt64(command.ExecuteScalar()) > 0;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        if (Convert.ToInt64(command.ExecuteScalar()) > 0 && !hasTags)
            throw new JournalFormatException(
                $"{settings.JournalPath} was written by an earlier version of QuantumTrader (event tags in a separate table); " +
                "start with a new --state directory, or finish or audit that run with the version that wrote it");
    }
}
