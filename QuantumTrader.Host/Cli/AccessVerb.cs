using System.CommandLine;
using QuantumTrader.Models.Audit;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The ops API's access file (<see cref="OperatorAccess"/>): add an operator with a new token, remove one, list them.
/// A running node reads the file again when it changes, so a removed operator is refused from the next request on.
/// </summary>
public static class AccessVerb
{
    public static Command Create() => new("access", "Operators of a node's ops API: their names (journaled with each command), roles and tokens")
    {
        Add(), Remove(), List(),
    };

    private static Option<string> FileOption() => new("--file") { Description = "The access file ('qt node --ops-access FILE')", Required = true };

    private static Option<string> NameOption() => new("--name") { Description = "The operator's name, as the journal records it", Required = true };

    private static Command Add()
    {
        var (file, name) = (FileOption(), NameOption());
        var role = new Option<OperatorRole>("--role") { Description = "Read (views only) or Operate (also commands)", Required = true };
        var tokenOut = new Option<string?>("--token-out") { Description = "Write the token to this file (readable by its owner only) instead of printing it" };
        var command = new Command("add", "Add an operator with a new random token; the token is shown once and only its SHA-256 is kept in the file")
            { file, name, role, tokenOut };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var who = parse.GetValue(name)!;
            if (OperatorAccess.NameProblem(who) is { } problem) throw new UsageException($"--name: {problem}");
            var token = OperatorAccess.NewToken();
            var text = OperatorAccess.With(path, ReadOrEmpty(path), new OperatorGrant(who, parse.GetValue(role), OperatorAccess.HashOf(token)));
            if (parse.GetValue(tokenOut) is { } output) WriteOwnerOnly(output, token + "\n");
            WriteOwnerOnly(path, text);
            if (parse.GetValue(tokenOut) is { } written)
                Console.WriteLine($"added {who} ({parse.GetValue(role).ToString().ToLowerInvariant()}) to {path}; the token is in {written}");
            else
            {
                Console.WriteLine(token);
                Console.Error.WriteLine($"added {who} ({parse.GetValue(role).ToString().ToLowerInvariant()}) to {path}; the token above is shown once: give it to 'qt ctl' with --token-file or ${Ops.OpsCredentials.TokenVariable}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var (file, name) = (FileOption(), NameOption());
        var command = new Command("remove", "Remove an operator; a running node refuses their token from the next request on") { file, name };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new UsageException($"--file {path} does not exist");
            WriteOwnerOnly(path, OperatorAccess.Without(path, File.ReadAllText(path), parse.GetValue(name)!));
            Console.WriteLine($"removed {parse.GetValue(name)} from {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var file = FileOption();
        var json = new Option<string?>("--json") { Description = "Write the operators as one JSON object to this file" };
        var command = new Command("list", "The operators of an access file and their roles (tokens are never shown)") { file, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var access = OperatorAccess.Read(path);
            var table = new Table().Title(Markup.Escape(path)).AddColumns("operator", "role");
            foreach (var g in access.Grants) table.AddRow(Markup.Escape(g.Name), g.Role.ToString().ToLowerInvariant());
            AnsiConsole.Write(table);
            JsonOut.Write(parse.GetValue(json), new { file = Path.GetFullPath(path), operators = access.Grants.Select(g => new { name = g.Name, role = g.Role }).ToArray() });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    /// <summary>Writes through a temporary file, so a node never reads half a file, readable and writable by the owner only.</summary>
    private static void WriteOwnerOnly(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, full, overwrite: true);
    }
}
