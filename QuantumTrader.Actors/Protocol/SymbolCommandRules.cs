using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Protocol;

/// <summary>Invariants of the symbol commands, checked when one is constructed or deserialized.</summary>
public static class SymbolCommandRules
{
    /// <summary>Checks the bar of a command of type <paramref name="T"/> for <paramref name="symbol"/>.</summary>
    public static Bar Bar(string T, string symbol, long seq, Bar bar)
    {
        Guard.NotNull(T, nameof(ProcessBar.Bar), bar);
        Guard.Symbol(T, nameof(ProcessBar.Symbol), symbol);
        Guard.That(seq >= 1, T, nameof(ProcessBar.Seq), "bars are numbered from 1", seq);
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

    /// <summary>A batch holds bars of its symbol with consecutive numbers.</summary>
    public static IReadOnlyList<BarToDecide> Batch(string symbol, long commitThrough, IReadOnlyList<BarToDecide> bars)
    {
        const string T = nameof(DecideBars);
        Guard.Symbol(T, nameof(DecideBars.Symbol), symbol);
        Guard.That(commitThrough >= 0, T, nameof(DecideBars.CommitThrough), "cannot be negative", commitThrough);
        Guard.NotNull(T, nameof(DecideBars.Bars), bars);
        for (var i = 0; i < bars.Count; i++)
        {
            var b = Guard.NotNull(T, nameof(DecideBars.Bars), bars[i]);
            Guard.That(b.Bar.Symbol == symbol, T, nameof(DecideBars.Bars), $"must hold only bars of {symbol}; bar {i} is of {b.Bar.Symbol}", b.Bar.Symbol);
            if (i > 0) Guard.That(b.Seq == bars[i - 1].Seq + 1, T, nameof(DecideBars.Bars), $"must be numbered without a gap; bar {i} is #{b.Seq} after #{bars[i - 1].Seq}", b.Seq);
        }
        return bars.ToArray();
    }

    public static PortfolioView Portfolio(PortfolioView portfolio) => Guard.NotNull(nameof(ProcessBar), nameof(ProcessBar.Portfolio), portfolio);
}
