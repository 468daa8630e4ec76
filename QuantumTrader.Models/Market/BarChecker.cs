namespace QuantumTrader.Models.Market;

/// <summary>
/// Validates parsed bars of one file in order. Time order is checked against the last good bar only,
/// so one bad row does not condemn the rows after it.
/// </summary>
internal sealed class BarChecker
{
    private readonly string _file;
    private readonly string _symbol;
    private readonly string _unit;
    private DateTimeOffset _lastTime;
    private int _lastLine;

    /// <param name="unit">"line" for text files, "candle" for JSON, where the position is the candle's index.</param>
    public BarChecker(string file, string symbol, string unit)
    {
        _file = file;
        _symbol = symbol;
        _unit = unit;
    }

    public BadRowRecord Bad(int line, string field, string reason) =>
        new(new BadRow(_file, line, field, _unit == "line" ? reason : $"{_unit} {line}: {reason}"));

    public MarketRecord Check(int line, DateTimeOffset time, double open, double high, double low, double close, double volume)
    {
        var notPositive = NotPositive(line, "open", open) ?? NotPositive(line, "high", high)
            ?? NotPositive(line, "low", low) ?? NotPositive(line, "close", close);
        if (notPositive is not null)
        {
            return notPositive;
        }

        if (high < low)
        {
            return Bad(line, "high", $"high {FieldParser.Number(high)} is below low {FieldParser.Number(low)}");
        }

        if (open < low || open > high)
        {
            return Bad(line, "open", $"open {FieldParser.Number(open)} is outside [low {FieldParser.Number(low)}, high {FieldParser.Number(high)}]");
        }

        if (close < low || close > high)
        {
            return Bad(line, "close", $"close {FieldParser.Number(close)} is outside [low {FieldParser.Number(low)}, high {FieldParser.Number(high)}]");
        }

        if (volume < 0)
        {
            return Bad(line, "volume", $"negative volume {FieldParser.Number(volume)}");
        }

        if (_lastLine > 0 && time == _lastTime)
        {
            return Bad(line, "time", $"duplicate time {FieldParser.Iso(time)} (same as {_unit} {_lastLine})");
        }

        if (_lastLine > 0 && time < _lastTime)
        {
            return Bad(line, "time", $"out-of-order time {FieldParser.Iso(time)} (before {FieldParser.Iso(_lastTime)} at {_unit} {_lastLine})");
        }

        _lastTime = time;
        _lastLine = line;
        return new BarRecord(new Bar(_symbol, time, open, high, low, close, volume), line);
    }

    private BadRowRecord? NotPositive(int line, string field, double price) =>
        price > 0 ? null : Bad(line, field, $"price must be > 0, got {FieldParser.Number(price)}");
}
