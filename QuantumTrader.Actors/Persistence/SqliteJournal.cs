using Microsoft.Data.Sqlite;
using QuantumTrader.Actors.Hosting;

namespace QuantumTrader.Actors.Persistence;

public static class SqliteJournal
{
    /// <summary>
    /// Creates the journal file and switches it to write-ahead logging before Akka opens it: readers (the trade feed,
    /// queries) then never block the writer, and a kill -9 loses no committed write.
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
    }
}
