using Akka.Configuration;
using Akka.Persistence.Sql;

namespace QuantumTrader.Actors.Hosting;

/// <summary>The files of hocon/, embedded in this assembly so every host and test resolves the same configuration.</summary>
public static class HoconFiles
{
    public static string Read(string fileName)
    {
        using var stream = typeof(HoconFiles).Assembly.GetManifestResourceStream("hocon." + fileName)
                           ?? throw new FileNotFoundException($"embedded HOCON file '{fileName}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Persistence configuration for the backend with its connection string, falling back to the plugin's defaults.</summary>
    public static Config Persistence(NodeSettings settings)
    {
        var file = settings.Persistence == PersistenceBackend.Sqlite ? "persistence-sqlite.conf" : "persistence-postgres.conf";
        var connection = "qt.persistence.connection-string = \"" + settings.ResolvedConnectionString.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"\n";
        return ConfigurationFactory.ParseString(connection + Read(file)).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    public static Config Node(NodeSettings settings)
    {
        var remote = $"akka.remote.dot-netty.tcp {{ hostname = \"{settings.Hostname}\", port = {settings.Port} }}\n";
        var seeds = settings.SeedNodes.Count == 0
            ? ""
            : "akka.cluster.seed-nodes = [" + string.Join(",", settings.SeedNodes.Select(s => "\"" + s + "\"")) + "]\n";
        return ConfigurationFactory.ParseString(remote + seeds)
            .WithFallback(ConfigurationFactory.ParseString(Read("akka.conf")))
            .WithFallback(Persistence(settings));
    }
}
