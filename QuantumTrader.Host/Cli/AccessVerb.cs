using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using QuantumTrader.Models.Audit;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The ops API's access file (<see cref="OperatorAccess"/>): add an operator with a new token, give one a new token,
/// remove one, list them. A running node reads the file again when it changes, so a removed operator or a replaced token
/// is refused from the next request on.
/// </summary>
public static class AccessVerb
{
    public static Command Create() => new("access", "Operators of a node's ops API: their names (journaled with each command), roles and tokens")
    {
        Add(), Rotate(), Remove(), List(), Certificate(),
    };

    private static Option<string> FileOption() => new("--file") { Description = "The access file ('qt node --ops-access FILE')", Required = true };

    private static Option<string> NameOption() => new("--name") { Description = "The operator's name, as the journal records it", Required = true };

    private static Option<string?> ExpiresOption() => new("--expires")
    {
        Description = "When the token stops being accepted: days or hours from now (90d, 12h) or a UTC date or time (2027-03-01); without it, never",
    };

    private static Option<string?> TokenOutOption() =>
        new("--token-out") { Description = "Write the token to this file (readable by its owner only) instead of printing it" };

    private static DateTimeOffset? Expiry(ParseResult parse, Option<string?> option)
    {
        if (parse.GetValue(option) is not { } text) return null;
        var (expires, problem) = OperatorAccess.ExpiryOf(text, DateTimeOffset.UtcNow);
        return problem is null ? expires : throw new UsageException($"--expires: {problem}");
    }

    private static Command Add()
    {
        var (file, name, expires, tokenOut) = (FileOption(), NameOption(), ExpiresOption(), TokenOutOption());
        var role = new Option<OperatorRole>("--role") { Description = "Read (views only) or Operate (also commands)", Required = true };
        var command = new Command("add", "Add an operator with a new random token; the token is shown once and only its SHA-256 is kept in the file")
            { file, name, role, expires, tokenOut };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var who = parse.GetValue(name)!;
            if (OperatorAccess.NameProblem(who) is { } problem) throw new UsageException($"--name: {problem}");
            var token = OperatorAccess.NewToken();
            var grant = new OperatorGrant(who, parse.GetValue(role), OperatorAccess.HashOf(token), Expiry(parse, expires));
            Hand(path, OperatorAccess.With(path, ReadOrEmpty(path), grant), token, parse.GetValue(tokenOut), $"added {who} ({grant.Role.ToString().ToLowerInvariant()}) to {path}", grant);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rotate()
    {
        var (file, name, expires, tokenOut) = (FileOption(), NameOption(), ExpiresOption(), TokenOutOption());
        var command = new Command("rotate",
            "Give an operator a new random token, keeping their name and role; a running node refuses the old token from the next request on")
            { file, name, expires, tokenOut };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new UsageException($"--file {path} does not exist");
            var who = parse.GetValue(name)!;
            var token = OperatorAccess.NewToken();
            var text = OperatorAccess.Rotated(path, File.ReadAllText(path), who, OperatorAccess.HashOf(token), Expiry(parse, expires));
            var grant = OperatorAccess.Parse(path, text).Grants.Single(g => string.Equals(g.Name, who, StringComparison.OrdinalIgnoreCase));
            Hand(path, text, token, parse.GetValue(tokenOut), $"gave {grant.Name} a new token in {path} (the old one is refused from the next request on)", grant);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the access file, then hands the token over once: into the owner-only file, or on standard output.</summary>
    private static void Hand(string path, string text, string token, string? tokenOut, string what, OperatorGrant grant)
    {
        if (tokenOut is not null) WriteOwnerOnly(tokenOut, token + "\n");
        WriteOwnerOnly(path, text);
        var until = grant.Expires is { } at ? $", valid until {OperatorAccess.Utc(at)}" : "";
        if (tokenOut is not null)
        {
            Console.WriteLine($"{what}{until}; the token is in {tokenOut}");
            return;
        }
        Console.WriteLine(token);
        Console.Error.WriteLine($"{what}{until}; the token above is shown once: give it to 'qt ctl' with --token-file or ${Ops.OpsCredentials.TokenVariable}");
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
            var now = DateTimeOffset.UtcNow;
            var table = new Table().Title(Markup.Escape(path)).AddColumns("operator", "role", "token expires");
            foreach (var g in access.Grants)
                table.AddRow(Markup.Escape(g.Name), g.Role.ToString().ToLowerInvariant(), g.Expires switch
                {
                    null => "never",
                    { } at when at <= now => $"[red]expired {OperatorAccess.Utc(at)}[/]",
                    { } at when OperatorAccess.ExpiryWarning(g.Name, at, now) is not null =>
                        string.Create(CultureInfo.InvariantCulture, $"[yellow]{OperatorAccess.Utc(at)}, in {(at - now).TotalDays:0.0} days[/]"),
                    { } at => OperatorAccess.Utc(at),
                });
            AnsiConsole.Write(table);
            JsonOut.Write(parse.GetValue(json), new
            {
                file = Path.GetFullPath(path),
                operators = access.Grants.Select(g => new
                {
                    name = g.Name, role = g.Role, expires = g.Expires, expired = g.Expires <= now, expiresSoon = OperatorAccess.ExpiryWarning(g.Name, g.Expires, now) is not null,
                }).ToArray(),
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Certificate()
    {
        var hosts = new Option<string[]>("--host")
        {
            Description = "A host name or IP address the console reaches the node by (repeatable)", DefaultValueFactory = _ => ["localhost", "127.0.0.1"],
            AllowMultipleArgumentsPerToken = false,
        };
        var days = new Option<int>("--days") { Description = "Days the certificate is valid", DefaultValueFactory = _ => 365 };
        var certOut = new Option<string>("--cert-out") { Description = "The certificate (PEM): 'qt node --tls-cert' and 'qt ctl --ca-cert'", Required = true };
        var keyOut = new Option<string>("--key-out") { Description = "Its private key (PEM, readable by its owner only): 'qt node --tls-key'", Required = true };
        var command = new Command("cert", "Make a self-signed certificate for a node's https ops API; the consoles trust it with --ca-cert")
            { hosts, days, certOut, keyOut };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(hosts)!;
            var valid = parse.GetValue(days);
            if (valid is < 1 or > 3650) throw new UsageException($"--days must be between 1 and 3650, got {valid}");
            if (names.Length == 0 || names.Any(string.IsNullOrWhiteSpace)) throw new UsageException("--host must name a host or an IP address");
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
            var alternatives = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
                if (IPAddress.TryParse(name, out var ip)) alternatives.AddIpAddress(ip);
                else alternatives.AddDnsName(name);
            request.CertificateExtensions.Add(alternatives.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
            var now = DateTimeOffset.UtcNow;
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(valid));
            WriteOwnerOnly(parse.GetValue(keyOut)!, key.ExportPkcs8PrivateKeyPem() + "\n");
            File.WriteAllText(parse.GetValue(certOut)!, certificate.ExportCertificatePem() + "\n");
            Console.WriteLine($"a certificate for {string.Join(", ", names)} valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd} in {parse.GetValue(certOut)}, " +
                              $"its key in {parse.GetValue(keyOut)}; SHA-256 fingerprint {certificate.GetCertHashString(HashAlgorithmName.SHA256)}");
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
