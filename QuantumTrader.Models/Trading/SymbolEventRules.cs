using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// Invariants the journaled symbol events and the portfolio view check when constructed (also when deserialized),
/// so an invalid one is refused before anyone persists or publishes it. Each returns the value it guards.
/// </summary>
public static class SymbolEventRules
{
    public static ClosedTrade Closed(string symbol, long barSeq, DateTimeOffset time, ClosedTrade trade)
    {
        const string T = nameof(TradeClosed);
        Header(T, symbol, barSeq);
        Guard.NotNull(T, nameof(TradeClosed.Trade), trade);
        Guard.NotEmpty(T, "Trade.TradeId", trade.TradeId);
        Guard.That(trade.Symbol == symbol, T, "Trade.Symbol", $"must be the event's symbol {symbol}", trade.Symbol);
        Guard.That(trade.ExitTime == time, T, "Trade.ExitTime", $"must be the event's time {time:O}", trade.ExitTime);
        Guard.That(trade.ExitTime >= trade.EntryTime, T, "Trade.ExitTime", $"cannot precede the entry at {trade.EntryTime:O}", trade.ExitTime);
        Guard.Defined(T, "Trade.Side", trade.Side);
        Guard.Positive(T, "Trade.EntryPrice", trade.EntryPrice);
        Guard.Positive(T, "Trade.ExitPrice", trade.ExitPrice);
        Guard.Positive(T, "Trade.Quantity", trade.Quantity);
        Guard.NonNegative(T, "Trade.Fees", trade.Fees);
        Guard.Finite(T, "Trade.Pnl", trade.Pnl);
        Guard.Finite(T, "Trade.RMultiple", trade.RMultiple);
        Guard.NotEmpty(T, "Trade.ExitReason", trade.ExitReason);
        Guard.NotNull(T, "Trade.Decision", trade.Decision);
        Guard.NotNull(T, "Trade.Decision.Ensemble", trade.Decision.Ensemble);
        Guard.InRange(T, "Trade.Decision.Ensemble.Confidence", trade.Decision.Ensemble.Confidence, 0, 1);
        return trade;
    }

    /// <summary>Checks a regime change and returns its symbol. From equals To only on the first classification of a symbol.</summary>
    public static string Regime(string symbol, long barSeq, MarketRegime from, MarketRegime to, double atrPercent, double realisedVolatility, double return5)
    {
        const string T = nameof(RegimeChanged);
        Header(T, symbol, barSeq);
        Guard.Defined(T, nameof(RegimeChanged.From), from);
        Guard.Defined(T, nameof(RegimeChanged.To), to);
        Guard.NonNegative(T, nameof(RegimeChanged.AtrPercent), atrPercent);
        Guard.NonNegative(T, nameof(RegimeChanged.RealisedVolatility), realisedVolatility);
        Guard.Finite(T, nameof(RegimeChanged.Return5), return5);
        Guard.That(return5 >= -1, T, nameof(RegimeChanged.Return5), "a price cannot fall by more than 100%", return5);
        return symbol;
    }

    public static string Rejected(string symbol, long barSeq, string stage, string reason)
    {
        const string T = nameof(SignalRejected);
        Header(T, symbol, barSeq);
        Guard.NotEmpty(T, nameof(SignalRejected.Stage), stage);
        return Guard.NotEmpty(T, nameof(SignalRejected.Reason), reason);
    }

    public static double Equity(double equity) => Guard.NonNegative(nameof(PortfolioView), nameof(PortfolioView.Equity), equity);

    public static double Peak(double equity, double peak)
    {
        Guard.Finite(nameof(PortfolioView), nameof(PortfolioView.PeakEquity), peak);
        Guard.That(peak >= equity, nameof(PortfolioView), nameof(PortfolioView.PeakEquity), $"cannot be below Equity {equity:R}", peak);
        return peak;
    }

    public static string Mode(string mode)
    {
        Guard.That(EssModeExtensions.TryParseLabel(mode, out var parsed) && parsed.Label() == mode, nameof(PortfolioView), nameof(PortfolioView.EssMode),
            "must be EMERGENCY, PROTECTIVE, CAUTIOUS or NORMAL", mode);
        return mode;
    }

    public static IReadOnlyDictionary<string, double> Exposure(IReadOnlyDictionary<string, double> open)
    {
        Guard.NotNull(nameof(PortfolioView), nameof(PortfolioView.OpenNotional), open);
        foreach (var (symbol, notional) in open)
        {
            Guard.Symbol(nameof(PortfolioView), nameof(PortfolioView.OpenNotional), symbol);
            if (!double.IsFinite(notional)) Guard.Finite(nameof(PortfolioView), $"{nameof(PortfolioView.OpenNotional)}[{symbol}]", notional);
        }
        return open;
    }

    private static void Header(string type, string symbol, long barSeq)
    {
        Guard.Symbol(type, nameof(SymbolEvent.Symbol), symbol);
        Guard.That(barSeq >= 1, type, nameof(SymbolEvent.BarSeq), "bars are numbered from 1", barSeq);
    }
}
