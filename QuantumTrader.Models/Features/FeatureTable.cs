using System.Globalization;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Writes bars with their fs-1 features and regime as CSV: header
/// time,symbol,open,high,low,close,volume,&lt;feature names&gt;,regime; one row per bar, ISO-8601 UTC times,
/// invariant numbers in shortest round-trip form, NaN as an empty field, and an empty regime until the row is warm.
/// Bars of several symbols may be interleaved; each symbol gets its own calculator.
/// </summary>
public static class FeatureTable
{
    public static IReadOnlyList<string> Columns { get; } =
        new[] { "time", "symbol", "open", "high", "low", "close", "volume" }
            .Concat(FeatureCalculator.Set.Names)
            .Append("regime")
            .ToArray();

    /// <summary>Writes the header and one row per bar; returns the number of bar rows.</summary>
    public static int Write(TextWriter w, IEnumerable<Bar> bars) => Write(w, bars, new RegimeClassifier());

    public static int Write(TextWriter w, IEnumerable<Bar> bars, RegimeClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(classifier);
        w.Write(string.Join(',', Columns));
        w.Write('\n');
        var calculators = new Dictionary<string, FeatureCalculator>(StringComparer.Ordinal);
        var rows = 0;
        foreach (var bar in bars)
        {
            if (!calculators.TryGetValue(bar.Symbol, out var calculator))
                calculators[bar.Symbol] = calculator = new FeatureCalculator(bar.Symbol);
            var row = calculator.Next(bar);
            w.Write(FormatTime(bar.Time));
            w.Write(',');
            w.Write(Quote(bar.Symbol));
            foreach (var x in new[] { bar.Open, bar.High, bar.Low, bar.Close, bar.Volume })
            {
                w.Write(',');
                w.Write(FormatNumber(x));
            }
            foreach (var x in row.Values)
            {
                w.Write(',');
                w.Write(FormatNumber(x));
            }
            w.Write(',');
            if (row.IsWarm) w.Write(classifier.Classify(row).ToString());
            w.Write('\n');
            rows++;
        }
        return rows;
    }

    /// <summary>UTC with a Z suffix; fractional seconds only when present.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string FormatNumber(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
