using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Protocol;

/// <summary>Invariants of the symbol commands, checked when one is constructed or deserialized.</summary>
public static class SymbolCommandRules
{
    public static Bar Bar(string symbol, long seq, Bar bar)
    {
        const string T = nameof(ProcessBar);
        Guard.Symbol(T, nameof(ProcessBar.Symbol), symbol);
        Guard.That(seq >= 1, T, nameof(ProcessBar.Seq), "bars are numbered from 1", seq);
        Guard.NotNull(T, nameof(ProcessBar.Bar), bar);
        Guard.That(bar.Symbol == symbol, T, "Bar.Symbol", $"must be the command's symbol {symbol}", bar.Symbol);
        Guard.Positive(T, "Bar.Open", bar.Open);
        Guard.Positive(T, "Bar.High", bar.High);
        Guard.Positive(T, "Bar.Low", bar.Low);
        Guard.Positive(T, "Bar.Close", bar.Close);
        Guard.NonNegative(T, "Bar.Volume", bar.Volume);
        Guard.That(bar.Low <= Math.Min(bar.Open, bar.Close) && bar.High >= Math.Max(bar.Open, bar.Close), T, "Bar",
            $"range Low {bar.Low:R} .. High {bar.High:R} must contain Open {bar.Open:R} and Close {bar.Close:R}", bar.Time);
        return bar;
    }

    public static PortfolioView Portfolio(PortfolioView portfolio) => Guard.NotNull(nameof(ProcessBar), nameof(ProcessBar.Portfolio), portfolio);
}
