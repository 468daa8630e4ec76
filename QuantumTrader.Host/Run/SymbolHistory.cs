using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

/// <summary>A symbol's bars as its entity saw them: times, feature rows and closes, and how many came before its trading.</summary>
public sealed record SymbolHistory(string Symbol, DateTimeOffset[] Times, FeatureVector[] Rows, double[] Closes, int TrainingBars)
{
    public static SymbolHistory Of(string symbol, IReadOnlyList<Bar> bars, DateTimeOffset tradeFrom)
    {
        var calculator = new FeatureCalculator(symbol);
        return new SymbolHistory(symbol, bars.Select(b => b.Time).ToArray(), bars.Select(calculator.Next).ToArray(),
            bars.Select(b => b.Close).ToArray(), bars.Count(b => b.Time < tradeFrom));
    }

    /// <summary>Index of the first bar at or after <paramref name="time"/> (Times.Length when none is).</summary>
    public int IndexAt(DateTimeOffset time)
    {
        var i = Array.BinarySearch(Times, time);
        return i >= 0 ? i : ~i;
    }

    /// <summary>What the symbol entity hands its models at bar <paramref name="i"/>: its features and its recent closes, that bar's included.</summary>
    public ModelInput InputAt(int i)
    {
        var from = Math.Max(0, i + 1 - SymbolRules.DefaultRecentCloses);
        return new ModelInput(Symbol, Rows[i], new ArraySegment<double>(Closes, from, i + 1 - from));
    }

    /// <summary>The label the models learned: did the close rise over the label horizon? Null when the data ends before it.</summary>
    public bool? UpAfter(int i) => i + ModelBootstrap.LabelHorizon < Closes.Length ? Closes[i + ModelBootstrap.LabelHorizon] > Closes[i] : null;

    public bool Up(int i) => UpAfter(i) ?? throw new ArgumentOutOfRangeException(nameof(i), $"{Symbol}: bar {i} has no close {ModelBootstrap.LabelHorizon} bars later");
}
