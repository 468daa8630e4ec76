using System.Globalization;

namespace QuantumTrader.Models.Validation;

/// <summary>
/// A domain record refused at construction. The message reads "TypeName.Field: reason (value)" so a log line
/// names exactly what was wrong; the parts stay available for callers that map errors to responses.
/// </summary>
public sealed class DomainValidationException : Exception
{
    public DomainValidationException(string type, string field, string reason, object? value)
        : base($"{type}.{field}: {reason} ({Describe(value)})")
    {
        Type = type;
        Field = field;
        Reason = reason;
        Value = Describe(value);
    }

    public string Type { get; }
    public string Field { get; }
    public string Reason { get; }

    /// <summary>The offending value as text, exactly as it appears in the message.</summary>
    public string Value { get; }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
