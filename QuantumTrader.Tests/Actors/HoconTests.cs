using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The resolved configuration is what the code relies on: journal plugin, provider, file, serializer bindings, sharding.</summary>
public sealed class HoconTests
{
    [Fact]
    public void The_sqlite_node_configuration_resolves_to_the_sql_plugin_on_one_file_in_the_state_directory()
    {
        using var dir = new TempDir();
        var settings = new NodeSettings { StateDirectory = dir.Path };
        var config = HoconFiles.Node(settings);

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        foreach (var path in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql" })
        {
            Assert.Equal("SQLite.MS", config.GetString(path + ".provider-name"));
            Assert.Equal(settings.ResolvedConnectionString, config.GetString(path + ".connection-string"));
        }
        Assert.Contains(Path.Combine(dir.Path, "journal.db"), settings.ResolvedConnectionString);
        Assert.Equal("Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql", config.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("QuantumTrader.Actors.Persistence.EventTagger, QuantumTrader.Actors",
            config.GetString("akka.persistence.journal.sql.event-adapters.tagger"));
        // Tags live in the journal row, where the tag queries look for them.
        Assert.Equal("Csv", config.GetString("akka.persistence.journal.sql.tag-write-mode"));
        Assert.Equal("Csv", config.GetString("akka.persistence.query.journal.sql.tag-read-mode"));
        // Parameters, at most 20 rows per INSERT: SQLite's named-parameter search makes bigger statements cost quadratic CPU.
        Assert.True(config.GetBoolean("akka.persistence.journal.sql.prefer-parameters-on-multirow-insert"));
        Assert.Equal(20, config.GetInt("akka.persistence.journal.sql.db-round-trip-max-batch-size"));
    }

    [Fact]
    public void Sqlite_connections_wait_for_a_held_write_lock_and_reads_never_take_it()
    {
        using var dir = new TempDir();
        var settings = new NodeSettings { StateDirectory = dir.Path };
        QuantumTrader.Actors.Persistence.SqliteJournal.Prepare(settings);
        var setup = QuantumTrader.Actors.Persistence.SqliteJournal.Connections(settings);
        Assert.NotNull(setup);
        foreach (var plugin in QuantumTrader.Actors.Persistence.SqliteJournal.PluginIds)
        {
            Assert.True(setup.TryGetDataOptionsFor(plugin, out var options), plugin);
            using var connection = new LinqToDB.Data.DataConnection(options!);
            var opened = connection.OpenDbConnection();
            using var command = opened.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            Assert.Equal(QuantumTrader.Actors.Persistence.SqliteJournal.TimeoutSeconds * 1000, Convert.ToInt64(command.ExecuteScalar()));
            Assert.Equal(Path.GetFullPath(settings.JournalPath), opened.DataSource);
        }

        var config = HoconFiles.Node(settings);
        foreach (var plugin in QuantumTrader.Actors.Persistence.SqliteJournal.PluginIds)
            Assert.Equal("read-uncommitted", config.GetString(plugin + ".read-isolation-level"));
        Assert.Null(QuantumTrader.Actors.Persistence.SqliteJournal.Connections(settings with { Persistence = PersistenceBackend.Postgres, ConnectionString = "Host=x" }));
    }

    [Fact]
    public async Task A_journal_that_keeps_tags_in_a_table_of_their_own_is_refused_with_the_way_out()
    {
        using var dir = new TempDir();
        var settings = new NodeSettings { StateDirectory = dir.Path };
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(settings.ResolvedConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE journal (ordering INTEGER PRIMARY KEY, persistence_id TEXT, message BLOB)";
            command.ExecuteNonQuery();
        }
        var ex = Assert.Throws<QuantumTrader.Actors.Persistence.JournalFormatException>(() => QuantumTrader.Actors.Persistence.SqliteJournal.Prepare(settings));
        Assert.Contains("start with a new --state directory", ex.Message);
        Assert.Contains(settings.JournalPath, ex.Message);
        Assert.Equal(QuantumTrader.Host.Cli.ExitCodes.BadInput, await QuantumTrader.Host.Cli.QtCli.RunAsync(["audit", "--state", dir.Path]));
    }

    [Fact]
    public void Protocol_messages_and_domain_events_are_bound_to_the_string_manifest_serializer()
    {
        var config = HoconFiles.Node(new NodeSettings());
        var serializerClass = typeof(ProtocolSerializer).FullName + ", " + typeof(ProtocolSerializer).Assembly.GetName().Name;
        Assert.Equal(serializerClass, config.GetString("akka.actor.serializers.qt"));
        var bindings = config.GetConfig("akka.actor.serialization-bindings").AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value.GetString());
        Assert.Equal("qt", bindings["QuantumTrader.Actors.Protocol.IProtocolMessage, QuantumTrader.Actors"]);
        Assert.Equal("qt", bindings["QuantumTrader.Models.IDomainEvent, QuantumTrader.Models"]);
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("ddata", config.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.False(config.GetBoolean("akka.cluster.sharding.remember-entities"));
    }

    [Fact]
    public void The_postgres_configuration_uses_the_given_connection_string()
    {
        var settings = new NodeSettings { Persistence = PersistenceBackend.Postgres, ConnectionString = "Host=127.0.0.1;Database=qt;Username=qt;Password=qt" };
        var config = HoconFiles.Node(settings);
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(settings.ConnectionString, config.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Throws<InvalidOperationException>(() => new NodeSettings { Persistence = PersistenceBackend.Postgres }.ResolvedConnectionString);
    }
}
