using System.Text.Json;

namespace QuantumTrader.Models.Market;

/// <summary>Streams freqtrade candles <c>[[ms, open, high, low, close, volume], ...]</c>; a row's "line" is the candle's 1-based index.</summary>
internal static class FreqtradeJsonReader
{
    private const int CandleWidth = 6;
    private static readonly string[] FieldNames = ["time", "open", "high", "low", "close", "volume"];

    public static IEnumerable<MarketRecord> Read(string path, string symbol)
    {
        var file = Path.GetFileName(path);
        using var stream = MarketFile.OpenStream(path);
        var scanner = new JsonTokenScanner(stream, file);
        var token = scanner.Next();
        if (token.IsEndOfData)
        {
            yield break;
        }

        if (token.Type != JsonTokenType.StartArray)
        {
            throw new MarketDataException(
                $"{file}: not a freqtrade candle file: expected a JSON array [[time, open, high, low, close, volume], ...], found {(token.Error ?? token.Describe())}");
        }

        var checker = new BarChecker(file, symbol, "candle");
        var values = new JsonToken[CandleWidth];
        var index = 0;
        while (true)
        {
            token = scanner.Next();
            if (token.Type == JsonTokenType.EndArray)
            {
                yield break;
            }

            index++;
            var stop = token.Type == JsonTokenType.StartArray ? ReadCandle(scanner, values, out var count) : NotACandle(scanner, token, out count);
            if (stop is { IsEndOfData: true })
            {
                var where = token.Type == JsonTokenType.StartArray
                    ? $"inside the candle after {Math.Min(count, CandleWidth)} of {CandleWidth} values"
                    : "before the closing ']' of the candle array";
                yield return checker.Bad(index, "row", $"truncated last line: the file ends {where}");
                yield break;
            }

            if (stop is { Error: { } error })
            {
                yield return checker.Bad(index, "row", $"invalid JSON: {error}");
                yield break;
            }

            if (token.Type != JsonTokenType.StartArray)
            {
                yield return checker.Bad(index, "row", $"expected an array [time, open, high, low, close, volume], found {token.Describe()}");
            }
            else if (count != CandleWidth)
            {
                yield return checker.Bad(index, "row", $"wrong column count: expected {CandleWidth} values, found {count}");
            }
            else
            {
                yield return Candle(index, values, checker);
            }
        }
    }

    /// <summary>Reads a candle's elements up to its ']'; returns the token that cut it short, or null.</summary>
    private static JsonToken? ReadCandle(JsonTokenScanner scanner, JsonToken[] values, out int count)
    {
        count = 0;
        while (true)
        {
            var token = scanner.Next();
            switch (token.Type)
            {
                case JsonTokenType.EndArray:
                    return null;
                case JsonTokenType.None:
                    return token;
                case JsonTokenType.StartArray or JsonTokenType.StartObject:
                    if (scanner.SkipContainer() is { } stop)
                    {
                        return stop;
                    }

                    break;
            }

            if (count < CandleWidth)
            {
                values[count] = token;
            }

            count++;
        }
    }

    private static JsonToken? NotACandle(JsonTokenScanner scanner, JsonToken token, out int count)
    {
        count = 0;
        return token.Type switch
        {
            JsonTokenType.None => token,
            JsonTokenType.StartObject => scanner.SkipContainer(),
            _ => null,
        };
    }

    private static MarketRecord Candle(int index, JsonToken[] values, BarChecker checker)
    {
        Span<double> numbers = stackalloc double[CandleWidth];
        var time = default(DateTimeOffset);
        for (var i = 0; i < CandleWidth; i++)
        {
            var value = values[i];
            string? error;
            if (value.Type is not (JsonTokenType.Number or JsonTokenType.String))
            {
                error = $"{(i == 0 ? "not a time" : "not a number")}: {value.Describe()}";
            }
            else
            {
                error = i == 0
                    ? FieldParser.ParseTime(value.Text, unixOnly: false, out time)
                    : FieldParser.ParseNumber(value.Text, out numbers[i]);
            }

            if (error is not null)
            {
                return checker.Bad(index, FieldNames[i], error);
            }
        }

        return checker.Check(index, time, numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]);
    }
}
