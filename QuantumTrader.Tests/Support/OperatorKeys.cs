using QuantumTrader.Host.Cli;

namespace QuantumTrader.Tests.Support;

/// <summary>A node's access file made as an operator makes it ('qt access add'), each operator's token in a file beside it.</summary>
public sealed class OperatorKeys : IDisposable
{
    private readonly TempDir _dir = new();

    private OperatorKeys()
    {
    }

    public string AccessFile => _dir.File("access.txt");

    /// <summary>A file beside the access file (a certificate, say).</summary>
    public string File(string name) => _dir.File(name);

    public string TokenFile(string name) => _dir.File($"{name}.token");

    public async Task<string> TokenAsync(string name) => (await System.IO.File.ReadAllTextAsync(TokenFile(name))).Trim();

    /// <param name="operators">Name and role (read or operate) of each operator, in the file's order.</param>
    public static async Task<OperatorKeys> CreateAsync(params (string Name, string Role)[] operators)
    {
        var keys = new OperatorKeys();
        foreach (var (name, role) in operators)
            Assert.Equal(0, await QtCli.RunAsync(["access", "add", "--file", keys.AccessFile, "--name", name, "--role", role, "--token-out", keys.TokenFile(name)]));
        return keys;
    }

    public void Dispose() => _dir.Dispose();
}
