namespace QuantumTrader.Models.Market;

/// <summary>The market-data file layouts <see cref="MarketDataReader"/> understands.</summary>
public enum DataFormat
{
    /// <summary>Decide from the file's content (<see cref="MarketDataReader.Detect"/>).</summary>
    Auto,

    /// <summary>Binance public-data kline CSV: 12 columns, open time in ms or µs, optional header.</summary>
    BinanceKline,

    /// <summary>freqtrade candle JSON: <c>[[ms, open, high, low, close, volume], ...]</c>.</summary>
    FreqtradeJson,

    /// <summary>CSV with a header naming a date/time column and open, high, low, close, volume.</summary>
    OhlcvCsv,

    /// <summary>ninjabot's headerless CSV: time (Unix s), open, close, low, high, volume, trades.</summary>
    Ninjabot,
}
