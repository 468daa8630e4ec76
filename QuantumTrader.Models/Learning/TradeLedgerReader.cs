using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Learning;

/// <summary>A malformed trade ledger: which file, line (1-based, header is line 1), field and why.</summary>
public sealed class TradeLedgerException(string file, int line, string field, string reason) : BadLineException(file, line, field, reason);

/// <summary>
/// Reads closed trades from CSV: a header naming a time column (<c>exit_time</c>, else <c>time</c>), an
/// <c>r_multiple</c> column and optionally a <c>model</c> column (without it every row belongs to model
/// <see cref="DefaultModel"/>). Other columns are ignored, so a run's trade ledger reads as is. Names are
/// case-insensitive; fields may be double-quoted. Times are ISO-8601 (UTC when no offset is given). Blank lines are
/// skipped; the first bad row stops the read with a <see cref="TradeLedgerException"/>. Rows keep file order.
/// </summary>
public static partial class TradeLedgerReader
{
    public const string DefaultModel = "ensemble";

    public static IReadOnlyList<TradeOutcome> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    public static IReadOnlyList<TradeOutcome> Read(TextReader reader, string fileName)
    {
        var headerLine = reader.ReadLine();
        while (headerLine is not null && headerLine.Trim().Length == 0) headerLine = reader.ReadLine();
        if (headerLine is null) throw new TradeLedgerException(fileName, 1, "header", "the file is empty; expected a header with time or exit_time, model and r_multiple");
        var lineNumber = 1;
        var header = SplitCsv(headerLine, fileName, lineNumber).Select(h => h.Trim().ToLowerInvariant()).ToArray();

        var timeColumn = Array.IndexOf(header, "exit_time");
        var timeName = "exit_time";
        if (timeColumn < 0) (timeColumn, timeName) = (Array.IndexOf(header, "time"), "time");
        if (timeColumn < 0) throw new TradeLedgerException(fileName, lineNumber, "header", "no time column: expected 'time' or 'exit_time'");
        var rColumn = Array.IndexOf(header, "r_multiple");
        if (rColumn < 0) throw new TradeLedgerException(fileName, lineNumber, "header", "no 'r_multiple' column");
        var modelColumn = Array.IndexOf(header, "model");

        var trades = new List<TradeOutcome>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var fields = SplitCsv(line, fileName, lineNumber);
            if (fields.Count != header.Length)
                throw new TradeLedgerException(fileName, lineNumber, "row", $"has {fields.Count} fields, the header has {header.Length}");

            var timeText = fields[timeColumn].Trim();
            if (!IsoDate().IsMatch(timeText) || !DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
                throw new TradeLedgerException(fileName, lineNumber, timeName, $"'{timeText}' is not an ISO-8601 time");

            var rText = fields[rColumn].Trim();
            if (!double.TryParse(rText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !double.IsFinite(r))
                throw new TradeLedgerException(fileName, lineNumber, "r_multiple", $"'{rText}' is not a finite number");

            var model = DefaultModel;
            if (modelColumn >= 0)
            {
                model = fields[modelColumn].Trim();
                if (model.Length == 0) throw new TradeLedgerException(fileName, lineNumber, "model", "is empty");
            }

            trades.Add(new TradeOutcome(time, model, r));
        }

        return trades;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    private static List<string> SplitCsv(string line, string file, int lineNumber)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') current.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }

        if (quoted) throw new TradeLedgerException(file, lineNumber, "row", "a quoted field is not closed");
        fields.Add(current.ToString());
        return fields;
    }
}
