using System.Globalization;
using System.Runtime.CompilerServices;

namespace QuantumTrader.Models.Validation;

/// <summary>
/// Invariant checks for record constructors. Each returns the value it accepted so a constructor can
/// validate and assign in one expression, and throws <see cref="DomainValidationException"/> otherwise.
/// </summary>
public static class Guard
{
    public static T NotNull<T>(string type, string field, T? value) where T : class =>
        value ?? throw new DomainValidationException(type, field, "is required", null);

    public static string NotEmpty(string type, string field, string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new DomainValidationException(type, field, "must not be empty", value)
            : value;

    /// <summary>A market symbol as written on the wire: non-empty, at most 32 characters, no whitespace.</summary>
    public static string Symbol(string type, string field, string? value)
    {
        var symbol = NotEmpty(type, field, value);
        if (symbol.Length > 32)
            throw new DomainValidationException(type, field, "a symbol has at most 32 characters", symbol);
        if (symbol.Any(char.IsWhiteSpace))
            throw new DomainValidationException(type, field, "a symbol contains no whitespace", symbol);
        return symbol;
    }

    /// <summary>A symbol that the given market lists.</summary>
    public static string KnownSymbol(string type, string field, string? value, KnownSymbols market)
    {
        var symbol = Symbol(type, field, value);
        return market.Contains(symbol)
            ? symbol
            : throw new DomainValidationException(type, field, $"is not a symbol the market knows; it knows {market.Describe()}", symbol);
    }

    public static double Finite(string type, string field, double value) =>
        double.IsFinite(value) ? value : throw new DomainValidationException(type, field, "must be a finite number", value);

    public static double InRange(string type, string field, double value, double min, double max)
    {
        Finite(type, field, value);
        return value >= min && value <= max
            ? value
            : throw new DomainValidationException(
                type, field, string.Create(CultureInfo.InvariantCulture, $"must be in [{min:R}, {max:R}]"), value);
    }

    public static double NonNegative(string type, string field, double value) =>
        Finite(type, field, value) >= 0 ? value : throw new DomainValidationException(type, field, "must be >= 0", value);

    public static int NonNegative(string type, string field, int value) =>
        value >= 0 ? value : throw new DomainValidationException(type, field, "must be >= 0", value);

    public static double Positive(string type, string field, double value) =>
        Finite(type, field, value) > 0 ? value : throw new DomainValidationException(type, field, "must be > 0", value);

    public static double NonPositive(string type, string field, double value) =>
        Finite(type, field, value) <= 0 ? value : throw new DomainValidationException(type, field, "must be <= 0", value);

    public static double Negative(string type, string field, double value) =>
        Finite(type, field, value) < 0 ? value : throw new DomainValidationException(type, field, "must be < 0", value);

    public static int AtLeast(string type, string field, int value, int min) =>
        value >= min ? value : throw new DomainValidationException(type, field, $"must be >= {min}", value);

    public static TimeSpan NonNegative(string type, string field, TimeSpan value) =>
        value >= TimeSpan.Zero ? value : throw new DomainValidationException(type, field, "must not be negative", value);

    public static TEnum Defined<TEnum>(string type, string field, TEnum value) where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new DomainValidationException(type, field, $"is not a {typeof(TEnum).Name}", value);

    /// <summary>Fails with <paramref name="reason"/> unless <paramref name="condition"/> holds; for cross-field invariants.</summary>
    public static void That(bool condition, string type, string field, string reason, object? value)
    {
        if (!condition)
            throw new DomainValidationException(type, field, reason, value);
    }

    /// <summary>As <see cref="That(bool, string, string, string, object?)"/>; an interpolated reason is formatted only when the check fails.</summary>
    public static void That(bool condition, string type, string field, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureReason reason, object? value)
    {
        if (!condition)
            throw new DomainValidationException(type, field, reason.ToStringAndClear(), value);
    }
}

/// <summary>Builds a guard's reason only when its condition is false: checks run on every message, failures are rare.</summary>
[InterpolatedStringHandler]
public ref struct FailureReason
{
    private DefaultInterpolatedStringHandler _text;

    public FailureReason(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        _text = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
