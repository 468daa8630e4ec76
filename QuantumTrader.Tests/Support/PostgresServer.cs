using System.Diagnostics;
using Npgsql;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the multi-node tests: Debian's server binaries (package postgresql, which .ci/run
/// installs when missing), a new cluster in a temp folder listening on a free loopback port, fsync off; a fresh
/// database per test. Run as root, the server runs as the postgres user, since initdb refuses root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Root = "/usr/lib/postgresql";
    private readonly TempDir _dir = new();
    private string _bin = "";
    private int _port;

    private string DataDirectory => Path.Combine(_dir.Path, "data");

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).FirstOrDefault() ?? ""
            : "";
        if (_bin == "")
            throw new InvalidOperationException($"no PostgreSQL server binaries under {Root}: install Debian's postgresql package (.ci/run does)");
        _port = FreePort.Next();
        if (Environment.IsPrivilegedProcess) await Run("chown", ["-R", "postgres:postgres", _dir.Path]);
        await Server("initdb", ["-D", DataDirectory, "-U", "qt", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        await Server("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_dir.Path, "server.log"), "-w", "-o",
            $"-p {_port} -k {_dir.Path} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"]);
    }

    public async Task DisposeAsync()
    {
        await Server("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        _dir.Dispose();
    }

    /// <summary>Creates an empty database and returns the connection string of the nodes that share it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "qt_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=qt;Database={database};Pooling=true";

    private Task Server(string tool, IReadOnlyList<string> args) =>
        Environment.IsPrivilegedProcess
            ? Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : Run(Path.Combine(_bin, tool), args);

    private static async Task Run(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
    }
}
