using Microsoft.Data.Sqlite;
using QuantumTrader.Actors.Hosting;

namespace QuantumTrader.Actors.Persistence;

/// <summary>The journal on disk has a layout this version cannot read.</summary>
public sealed class JournalFormatException(string message) : Exception(message);

public static class SqliteJournal
{
    /// <summary>
    /// Creates the journal file and switches it to write-ahead logging before Akka opens it: readers (the trade feed,
    /// queries) then never block the writer, and a kill -9 loses no committed write. A journal of an earlier version,
    /// which kept tags in a table of their own, is refused with the way out: this version reads tags from the row.
    /// </summary>
    public static void Prepare(NodeSettings settings)
    {
        if (settings.Persistence != PersistenceBackend.Sqlite) return;
        Directory.CreateDirectory(settings.StateDirectory);
        using var connection = new SqliteConnection(settings.ResolvedConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'tags'";
        var hasTags = Convert.ToInt64(command.ExecuteScalar()) > 0;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
        if (Convert.ToInt64(command.ExecuteScalar()) > 0 && !hasTags)
            throw new JournalFormatException(
                $"{settings.JournalPath} was written by an earlier version of QuantumTrader (event tags in a separate table); " +
                "start with a new --state directory, or finish that run with the version that wrote it");
    }
}
