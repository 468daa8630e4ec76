using System.Globalization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>Account equity at one instant of market time.</summary>
public sealed record EquityPoint
{
    public EquityPoint(DateTimeOffset time, double equity)
    {
        Time = time;
        Equity = Guard.NonNegative(nameof(EquityPoint), nameof(Equity), equity);
    }

    public DateTimeOffset Time { get; }
    public double Equity { get; }
}

/// <summary>One bad row of an equity curve file.</summary>
public sealed record EquityCurveError(string File, int Line, string Field, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Reason}";
}

/// <summary>An equity curve file was refused; <see cref="Errors"/> lists every bad row, not only the first.</summary>
public sealed class EquityCurveFormatException(IReadOnlyList<EquityCurveError> errors)
    : Exception($"{errors.Count} error(s) in equity curve:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
{
    public IReadOnlyList<EquityCurveError> Errors { get; } = errors;
}

/// <summary>
/// Reads an equity curve: CSV with header <c>time,equity</c>, time ISO-8601 (an offset or Z; none means UTC),
/// equity a finite number ≥ 0 with '.' decimals, times strictly increasing. Blank lines are skipped.
/// It also reads the marked equity <c>qt report --marked-equity</c> writes (<see cref="MarkedEquityHeader"/>: its time and
/// marked_equity columns, one account only); there several rows may share a time, as the stop observed them.
/// Any bad row refuses the whole file: a replay over a silently thinned curve would report wrong transitions.
/// </summary>
public static class EquityCurveReader
{
    public const string MarkedEquityHeader = "account,time,marked_equity,peak_equity,drawdown_pct,mode";

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd",
    ];

    /// <summary>Where a layout keeps its values: column count, the time and equity columns, the account column if any.</summary>
    private sealed record Layout(int Columns, int Time, int Equity, string EquityName, int? Account, bool SameTimeAllowed);

    private static readonly Layout Curve = new(2, 0, 1, "equity", null, false);
    private static readonly Layout Marked = new(6, 1, 2, "marked_equity", 0, true);

    public static IReadOnlyList<EquityPoint> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static IReadOnlyList<EquityPoint> Parse(TextReader reader, string source)
    {
        var errors = new List<EquityCurveError>();
        var points = new List<EquityPoint>();
        var lineNo = 0;
        var header = NextNonBlank(reader, ref lineNo);
        if (header is null)
            throw new EquityCurveFormatException([new(source, 1, "header", "file is empty; expected header time,equity")]);
        var columns = string.Join(',', header.Split(',').Select(c => c.Trim().ToLowerInvariant()));
        var layout = columns switch
        {
            "time,equity" => Curve,
            MarkedEquityHeader => Marked,
            _ => throw new EquityCurveFormatException([new(source, lineNo, "header", $"expected time,equity (or {MarkedEquityHeader}) but found {header.Trim()}")]),
        };

        DateTimeOffset? previous = null;
        string? account = null;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var cells = line.Split(',');
            if (cells.Length != layout.Columns)
            {
                errors.Add(new(source, lineNo, "row", $"expected {layout.Columns} columns but found {cells.Length}"));
                continue;
            }

            if (layout.Account is { } a)
            {
                var id = cells[a].Trim();
                account ??= id;
                if (id != account)
                    errors.Add(new(source, lineNo, "account", $"'{id}' after '{account}': the file holds more than one account; give one account's rows"));
            }

            var timeText = cells[layout.Time].Trim();
            var equityText = cells[layout.Equity].Trim();
            var timeOk = DateTimeOffset.TryParseExact(timeText, TimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var time);
            if (!timeOk)
                errors.Add(new(source, lineNo, "time", $"not an ISO-8601 time: '{timeText}'"));
            else if (previous is { } p && (time < p || time == p && !layout.SameTimeAllowed))
                errors.Add(new(source, lineNo, "time", $"{time:O} is not after the previous row's {p:O}"));

            var equityOk = double.TryParse(equityText, NumberStyles.Float, CultureInfo.InvariantCulture, out var equity);
            if (!equityOk)
                errors.Add(new(source, lineNo, layout.EquityName, $"not a number: '{equityText}'"));
            else if (!double.IsFinite(equity) || equity < 0)
                errors.Add(new(source, lineNo, layout.EquityName, $"must be a finite number >= 0: '{equityText}'"));

            if (timeOk)
                previous = previous is { } q && q > time ? q : time;
            if (timeOk && equityOk && double.IsFinite(equity) && equity >= 0)
                points.Add(new EquityPoint(time, equity));
        }

        if (errors.Count > 0)
            throw new EquityCurveFormatException(errors);
        if (points.Count == 0)
            throw new EquityCurveFormatException([new(source, lineNo, "row", "no data rows after the header")]);
        return points;
    }

    private static string? NextNonBlank(TextReader reader, ref int lineNo)
    {
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (!string.IsNullOrWhiteSpace(line))
                return line.TrimStart('\uFEFF');
        }
        return null;
    }
}
