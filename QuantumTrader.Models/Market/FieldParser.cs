using System.Globalization;

namespace QuantumTrader.Models.Market;

/// <summary>Allocation-free parsing of one field; each method returns null on success or the reason it failed.</summary>
internal static class FieldParser
{
    private const long MaxUnixSeconds = 100_000_000_000;           // year 5138: larger values are milliseconds
    private const long MaxUnixMilliseconds = 100_000_000_000_000;  // larger values are microseconds (Binance since 2025)
    private const long MaxUnixMicroseconds = 100_000_000_000_000_000;

    public static ReadOnlySpan<char> Clean(ReadOnlySpan<char> field)
    {
        field = field.Trim();
        if (field.Length >= 2 && field[0] == '"' && field[^1] == '"')
        {
            field = field[1..^1].Trim();
        }

        return field;
    }

    public static string? ParseNumber(ReadOnlySpan<char> field, out double value)
    {
        var text = Clean(field);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return text.IsEmpty ? "empty value" : $"not a number: {Quote(text)}";
        }

        return double.IsFinite(value) ? null : $"NaN or infinite: {Quote(text)}";
    }

    /// <summary>Unix time (s, ms or µs by magnitude) or, unless <paramref name="unixOnly"/>, ISO-8601; naive times are UTC.</summary>
    public static string? ParseTime(ReadOnlySpan<char> field, bool unixOnly, out DateTimeOffset time)
    {
        var text = Clean(field);
        time = default;
        if (text.IsEmpty)
        {
            return "empty value";
        }

        if (IsDigits(text))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && TryFromUnix(epoch, out time)
                ? null
                : $"Unix time out of range: {Quote(text)}";
        }

        if (!unixOnly && StartsWithIsoDate(text) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return null;
        }

        return unixOnly
            ? $"not a Unix time: {Quote(text)}"
            : $"not an ISO-8601 date/time or Unix time: {Quote(text)}";
    }

    public static bool TryFromUnix(long value, out DateTimeOffset time)
    {
        time = value switch
        {
            < 0 => default,
            < MaxUnixSeconds => DateTimeOffset.FromUnixTimeSeconds(value),
            < MaxUnixMilliseconds => DateTimeOffset.FromUnixTimeMilliseconds(value),
            < MaxUnixMicroseconds => DateTimeOffset.UnixEpoch.AddTicks(value * 10),
            _ => default,
        };
        return value is >= 0 and < MaxUnixMicroseconds;
    }

    /// <summary>A field that ends where a number cannot end (or is empty): the sign of a write cut short.</summary>
    public static bool LooksCut(ReadOnlySpan<char> field)
    {
        var text = field.Trim();
        return text.IsEmpty || text[^1] is '.' or 'e' or 'E' or '+' or '-';
    }

    public static bool StartsWithLetter(ReadOnlySpan<char> line)
    {
        var text = line.TrimStart().TrimStart('"');
        return !text.IsEmpty && char.IsLetter(text[0]);
    }

    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Quote(ReadOnlySpan<char> text, int max = 40) => text.Length <= max ? $"'{text}'" : $"'{text[..max]}...'";

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithIsoDate(ReadOnlySpan<char> text) =>
        text.Length >= 10 &&
        char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2]) && char.IsAsciiDigit(text[3]) &&
        text[4] == '-' && char.IsAsciiDigit(text[5]) && char.IsAsciiDigit(text[6]) &&
        text[7] == '-' && char.IsAsciiDigit(text[8]) && char.IsAsciiDigit(text[9]);
}
