namespace QuantumTrader.Models.Market;

/// <summary>One OHLCV bar; Time is the bar's open time in UTC.</summary>
public sealed record Bar(string Symbol, DateTimeOffset Time, double Open, double High, double Low, double Close, double Volume);
