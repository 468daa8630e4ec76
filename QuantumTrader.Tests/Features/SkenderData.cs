using System.Globalization;
using System.Text.Json;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Features;

/// <summary>Reads the Stock.Indicators quote file and regression baselines kept in the repository.</summary>
internal static class SkenderData
{
    public const string Symbol = "SPY";

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "QuantumTrader.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds QuantumTrader.sln");
    }

    private static readonly Lazy<IReadOnlyList<Bar>> QuotesOnce = new(ReadQuotes);

    public static IReadOnlyList<Bar> Quotes => QuotesOnce.Value;

    private static IReadOnlyList<Bar> ReadQuotes()
    {
        var path = Path.Combine(RepoRoot(), "data", "skender", "default.csv");
        var lines = File.ReadAllLines(path);
        Assert.Equal("date,open,high,low,close,volume", lines[0]);
        var bars = new List<Bar>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            double D(int k) => double.Parse(f[k], NumberStyles.Float, CultureInfo.InvariantCulture);
            var date = DateTime.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            bars.Add(new Bar(Symbol, new DateTimeOffset(date, TimeSpan.Zero), D(1), D(2), D(3), D(4), D(5)));
        }
        return bars;
    }

    /// <summary>One baseline column; null on the library's warm-up rows.</summary>
    public static IReadOnlyList<double?> Baseline(string indicator, string field)
    {
        var path = Path.Combine(RepoRoot(), "QuantumTrader.Tests", "TestData", "skender", $"{indicator}.standard.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var column = new List<double?>();
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var v = row.GetProperty(field);
            column.Add(v.ValueKind == JsonValueKind.Null ? null : v.GetDouble());
        }
        return column;
    }

    /// <summary>
    /// Asserts actual matches the baseline on every row: NaN exactly where the baseline is null, otherwise
    /// relative error at most 1e-6 (absolute 1e-9 where the baseline is 0). Returns the first non-null row.
    /// </summary>
    public static int AssertMatches(string indicator, string field, IReadOnlyList<double> actual)
    {
        var expected = Baseline(indicator, field);
        Assert.Equal(expected.Count, actual.Count);
        var first = -1;
        for (var i = 0; i < expected.Count; i++)
        {
            var a = actual[i];
            if (expected[i] is not { } e)
            {
                Assert.True(double.IsNaN(a), $"{indicator}.{field} row {i}: baseline is warm-up (null) but got {a:R}");
                continue;
            }
            if (first < 0) first = i;
            var ok = e == 0 ? Math.Abs(a) <= 1e-9 : Math.Abs(a - e) / Math.Abs(e) <= 1e-6;
            Assert.True(ok, $"{indicator}.{field} row {i}: expected {e:R}, got {a:R}");
        }
        return first;
    }
}
