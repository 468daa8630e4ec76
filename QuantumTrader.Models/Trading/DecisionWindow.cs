namespace QuantumTrader.Models.Trading;

/// <summary>
/// How many timestamps the replay sends the symbols in one batch. A batch is kept only up to the first bar that changes
/// the portfolio (<see cref="PortfolioEvents"/>); what the symbols decided after it is dropped and decided again. A long
/// window saves round trips while such bars are rare and wastes decisions while they are frequent, so the window doubles
/// after a batch kept whole and shrinks to twice what a cut batch kept.
/// </summary>
public sealed class DecisionWindow
{
    public DecisionWindow(int max, int min = 2)
    {
        if (max < 1) throw new ArgumentOutOfRangeException(nameof(max), max, "A batch holds at least one timestamp.");
        Min = Math.Clamp(min, 1, max);
        Max = max;
        Size = Min;
    }

    public int Min { get; }
    public int Max { get; }
    public int Size { get; private set; }

    /// <summary>A batch of <paramref name="sent"/> timestamps came back with the first <paramref name="kept"/> kept.</summary>
    public void Observe(int sent, int kept)
    {
        if (sent < 1 || kept < 1 || kept > sent)
            throw new ArgumentOutOfRangeException(nameof(kept), kept, $"A batch of {sent} timestamps keeps between 1 and {sent}.");
        Size = kept == sent ? Math.Min(Max, Math.Max(Size, sent) * 2) : Math.Clamp(kept * 2, Min, Max);
    }
}
