namespace QuantumTrader.Models.Market;

/// <summary>A row the reader rejected. Line is 1-based (for JSON: the candle's index in the array); Field is "row" when the whole row is bad.</summary>
public sealed record BadRow(string File, int Line, string Field, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Reason}";
}

/// <summary>One item read from a market-data file, in file order: a good bar or a rejected row.</summary>
public abstract record MarketRecord;

/// <summary>A valid bar and the 1-based line (JSON: candle index) it came from.</summary>
public sealed record BarRecord(Bar Bar, int Line) : MarketRecord;

/// <summary>A rejected row; the reader carries on after it.</summary>
public sealed record BadRowRecord(BadRow Row) : MarketRecord;
