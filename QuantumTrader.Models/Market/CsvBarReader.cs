namespace QuantumTrader.Models.Market;

/// <summary>Streams bars from the three CSV layouts, one line at a time.</summary>
internal static class CsvBarReader
{
    private const int StackFieldLimit = 64;

    public static IEnumerable<MarketRecord> Read(string path, string symbol, DataFormat format)
    {
        var file = Path.GetFileName(path);
        using var lines = new LineReader(MarketFile.OpenText(path), file);
        var layout = format switch
        {
            DataFormat.BinanceKline => CsvLayout.BinanceKline,
            DataFormat.Ninjabot => CsvLayout.Ninjabot,
            _ => null,
        };
        var checker = new BarChecker(file, symbol, "line");
        var first = true;
        while (lines.TryRead(out var line))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (layout is null)
            {
                layout = HeaderLayout(file, lines.LineNumber, line);
                continue;
            }

            // Binance dumps come with or without a header line.
            var isHeader = first && format == DataFormat.BinanceKline && FieldParser.StartsWithLetter(line);
            first = false;
            if (isHeader)
            {
                continue;
            }

            yield return ParseRow(line, lines.LineNumber, lines.Terminated, layout, checker);
        }
    }

    private static CsvLayout HeaderLayout(string file, int lineNumber, string line) =>
        CsvLayout.FromHeader(CsvLayout.HeaderNames(line), out var problem)
        ?? throw new MarketDataException($"{file}:{lineNumber}: not an OHLCV CSV header: {problem}");

    private static MarketRecord ParseRow(string line, int lineNumber, bool terminated, CsvLayout layout, BarChecker checker)
    {
        var text = line.AsSpan();
        var count = text.Count(',') + 1;
        if (count != layout.FieldCount)
        {
            return checker.Bad(lineNumber, "row", !terminated && count < layout.FieldCount
                ? $"truncated last line: {count} of {layout.FieldCount} fields"
                : $"wrong column count: expected {layout.FieldCount}, found {count}");
        }

        Span<Range> fields = layout.FieldCount <= StackFieldLimit ? stackalloc Range[layout.FieldCount] : new Range[layout.FieldCount];
        text.Split(fields, ',');
        if (!terminated && FieldParser.LooksCut(text[fields[^1]]))
        {
            return checker.Bad(lineNumber, "row", $"truncated last line: the last field {FieldParser.Quote(text[fields[^1]].Trim())} is cut short");
        }

        var timeError = FieldParser.ParseTime(text[fields[layout.Time]], layout.UnixTimeOnly, out var time);
        if (timeError is not null)
        {
            return checker.Bad(lineNumber, "time", timeError);
        }

        return Number(text[fields[layout.Open]], "open", out var open)
            ?? Number(text[fields[layout.High]], "high", out var high)
            ?? Number(text[fields[layout.Low]], "low", out var low)
            ?? Number(text[fields[layout.Close]], "close", out var close)
            ?? Number(text[fields[layout.Volume]], "volume", out var volume)
            ?? checker.Check(lineNumber, time, open, high, low, close, volume);

        BadRowRecord? Number(ReadOnlySpan<char> field, string name, out double value)
        {
            var error = FieldParser.ParseNumber(field, out value);
            return error is null ? null : checker.Bad(lineNumber, name, error);
        }
    }
}
