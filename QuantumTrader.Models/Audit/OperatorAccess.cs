using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Audit;

/// <summary>Read: the node's views and queries. Operate: also the commands that change money, risk or models.</summary>
public enum OperatorRole { Read, Operate }

/// <summary>
/// One operator of a node's access file: a name the journal records, a role, the SHA-256 of the token (the token itself
/// is never stored) and, when given, the moment the token stops being accepted.
/// </summary>
public sealed record OperatorGrant(string Name, OperatorRole Role, string TokenHash, DateTimeOffset? Expires = null);

/// <summary>Why a request was let in or not: the operator it acts as, their role and when their token expires, or a refusal that names what is missing.</summary>
public sealed record AccessCheck(string? Operator, OperatorRole? Role, AccessRefusal Refusal, string? Reason, DateTimeOffset? Expires = null)
{
    public bool Allowed => Refusal == AccessRefusal.None;
}

public enum AccessRefusal { None, Unauthenticated, Forbidden }

/// <summary>A line of an access file that cannot be read.</summary>
public sealed class OperatorAccessException(string file, int line, string field, string reason) : BadLineException(file, line, field, reason);

/// <summary>
/// Who may use a node's ops API and under which name each command is journaled. The access file has one line per
/// operator, "NAME ROLE sha256:HEX [expires=UTC-TIME]" ('#' starts a comment); a request carries its token as
/// "Authorization: Bearer TOKEN". Names and token hashes are unique, so every journaled command names one operator.
/// </summary>
public sealed partial class OperatorAccess
{
    public const string HashPrefix = "sha256:";
    public const string ExpiresPrefix = "expires=";
    private const string TokenPrefix = "qt_";
    private readonly IReadOnlyList<OperatorGrant> _grants;

    private OperatorAccess(IReadOnlyList<OperatorGrant> grants) => _grants = grants;

    public IReadOnlyList<OperatorGrant> Grants => _grants;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex HashPattern();

    /// <summary>Null when <paramref name="name"/> can name an operator; else why not.</summary>
    public static string? NameProblem(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? null
            : $"'{name}' is not an operator name: 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

    public static OperatorAccess Read(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OperatorAccessException(path, 0, "file", $"cannot be read ({ex.Message})");
        }
        return Parse(path, text);
    }

    public static OperatorAccess Parse(string file, string text)
    {
        var grants = new List<OperatorGrant>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var n = i + 1;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length is not (3 or 4))
                throw new OperatorAccessException(file, n, "line", $"expected 'NAME ROLE sha256:HEX [expires=UTC-TIME]', got {fields.Length} field(s)");
            if (NameProblem(fields[0]) is { } problem) throw new OperatorAccessException(file, n, "name", problem);
            if (!Enum.TryParse<OperatorRole>(fields[1], ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(fields[1], out _))
                throw new OperatorAccessException(file, n, "role", $"'{fields[1]}' is not a role; the roles are read and operate");
            if (!HashPattern().IsMatch(fields[2]))
                throw new OperatorAccessException(file, n, "hash", $"expected {HashPrefix} and 64 lower-case hex digits (what 'qt access add' writes), got '{fields[2]}'");
            if (grants.Any(g => string.Equals(g.Name, fields[0], StringComparison.OrdinalIgnoreCase)))
                throw new OperatorAccessException(file, n, "name", $"'{fields[0]}' is named twice; each operator has one line");
            if (grants.Any(g => g.TokenHash == fields[2]))
                throw new OperatorAccessException(file, n, "hash", "the same token is given to two operators; the journal could not tell them apart");
            grants.Add(new OperatorGrant(fields[0], role, fields[2], fields.Length == 4 ? ExpiryField(file, n, fields[3]) : null));
        }
        return new OperatorAccess(grants);
    }

    /// <summary>The access file's text with <paramref name="grant"/>'s line added; refused (naming the line) when its name or token is taken.</summary>
    public static string With(string file, string text, OperatorGrant grant)
    {
        var kept = text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
        var next = kept + LineOf(grant) + "\n";
        Parse(file, next);
        return next;
    }

    private static DateTimeOffset ExpiryField(string file, int line, string field) =>
        field.StartsWith(ExpiresPrefix, StringComparison.Ordinal)
        && DateTimeOffset.TryParseExact(field[ExpiresPrefix.Length..], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var expires)
            ? expires
            : throw new OperatorAccessException(file, line, "expires", $"expected {ExpiresPrefix} and a UTC time such as 2027-03-01T00:00:00Z, got '{field}'");

    /// <summary>
    /// The access file's text with <paramref name="name"/>'s token replaced by <paramref name="tokenHash"/>, valid until
    /// <paramref name="expires"/> (never when null); the role, the other lines and the comments are kept.
    /// </summary>
    public static string Rotated(string file, string text, string name, string tokenHash, DateTimeOffset? expires)
    {
        var grant = GrantOf(file, text, name);
        var rotated = grant with { TokenHash = tokenHash, Expires = expires };
        var lines = text.Split('\n').Select(line => NamesOf(line, name) ? LineOf(rotated) + Comment(line) : line);
        var next = string.Join('\n', lines);
        Parse(file, next);
        return next;
    }

    /// <summary>The access file's text without <paramref name="name"/>'s line (comments and the others kept); refused when no line names it.</summary>
    public static string Without(string file, string text, string name)
    {
        GrantOf(file, text, name);
        return string.Join('\n', text.Split('\n').Where(line => !NamesOf(line, name)));
    }

    private static OperatorGrant GrantOf(string file, string text, string name)
    {
        var access = Parse(file, text);
        return access.Grants.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new OperatorAccessException(file, 0, "name",
                   $"no operator named '{name}'; the file names {(access.Grants.Count == 0 ? "none" : string.Join(", ", access.Grants.Select(g => g.Name)))}");
    }

    private static bool NamesOf(string line, string name) =>
        line.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [var first, ..] && string.Equals(first, name, StringComparison.OrdinalIgnoreCase);

    private static string Comment(string line) => line.IndexOf('#') is var at and >= 0 ? " " + line[at..].TrimEnd('\r') : "";

    /// <summary>
    /// When a token given at <paramref name="now"/> expires, from 'qt access add --expires': a number of days ("90d") or
    /// hours ("12h"), or a UTC date or time ("2027-03-01", "2027-03-01T09:00:00Z"); null with the reason when it cannot be
    /// read or is not in the future.
    /// </summary>
    public static (DateTimeOffset? Expires, string? Problem) ExpiryOf(string text, DateTimeOffset now)
    {
        DateTimeOffset at;
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (unit is 'd' or 'h' && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && double.IsFinite(amount)
            && amount is >= 0 and < 36_500)
            at = now + (unit == 'd' ? TimeSpan.FromDays(amount) : TimeSpan.FromHours(amount));
        else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at))
            return (null, $"'{text}' is neither a number of days or hours (90d, 12h) nor a UTC date or time (2027-03-01, 2027-03-01T09:00:00Z)");
        // The file keeps whole seconds.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return at > now ? (at, null) : (null, $"'{text}' is not in the future (now is {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})");
    }

    /// <summary>A new random token (256 bits); shown once, only its hash is kept.</summary>
    public static string NewToken() => TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string token) => HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string LineOf(OperatorGrant grant) =>
        string.Create(CultureInfo.InvariantCulture, $"{grant.Name} {grant.Role.ToString().ToLowerInvariant()} {grant.TokenHash}") +
        (grant.Expires is { } expires ? $" {ExpiresPrefix}{Utc(expires)}" : "");

    /// <summary>How long before its expiry a token is named in a warning with each answer it gets.</summary>
    public static readonly TimeSpan WarnBefore = TimeSpan.FromDays(7);

    /// <summary>The warning for <paramref name="name"/>'s token when it expires within <see cref="WarnBefore"/> of <paramref name="now"/>; null otherwise.</summary>
    public static string? ExpiryWarning(string name, DateTimeOffset? expires, DateTimeOffset now) =>
        expires is { } at && at > now && at - now <= WarnBefore
            ? string.Create(CultureInfo.InvariantCulture,
                $"the access token of {name} expires at {Utc(at)}, in {(at - now).TotalDays:0.0} days; 'qt access rotate --name {name}' gives a new one")
            : null;

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Lets a request in as the operator whose token it carries: any role may read, only <see cref="OperatorRole.Operate"/>
    /// may give a command (<paramref name="command"/>); a token past its expiry at <paramref name="now"/> is refused.
    /// </summary>
    public AccessCheck Check(string? token, bool command, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token))
            return new AccessCheck(null, null, AccessRefusal.Unauthenticated, "this node needs an access token: give the console --token-file FILE (or QT_OPS_TOKEN)");
        var hash = Encoding.ASCII.GetBytes(HashOf(token));
        var grant = _grants.FirstOrDefault(g => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(g.TokenHash), hash));
        if (grant is null) return new AccessCheck(null, null, AccessRefusal.Unauthenticated, "the access token is not in the node's access file");
        if (grant.Expires <= now)
            return new AccessCheck(null, null, AccessRefusal.Unauthenticated,
                $"the access token of {grant.Name} expired at {Utc(grant.Expires.Value)}; 'qt access rotate --name {grant.Name}' gives a new one");
        if (command && grant.Role != OperatorRole.Operate)
            return new AccessCheck(grant.Name, grant.Role, AccessRefusal.Forbidden, $"{grant.Name} may read but not give commands (role read; a command needs role operate)",
                grant.Expires);
        return new AccessCheck(grant.Name, grant.Role, AccessRefusal.None, null, grant.Expires);
    }
}
