namespace QuantumTrader.Models.Market;

/// <summary>A market-data file or folder that cannot be read at all (missing, unknown format, unusable header).</summary>
public sealed class MarketDataException : Exception
{
    public MarketDataException(string message) : base(message)
    {
    }

    public MarketDataException(string message, Exception inner) : base(message, inner)
    {
    }
}
