using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>The regime overlay in force for one symbol, and the bar whose regime change put it there.</summary>
public sealed record AppliedRegime
{
    public AppliedRegime(string symbol, string regime, long barSeq, DateTimeOffset time, RegimePolicy overlay)
    {
        const string T = nameof(AppliedRegime);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        Regime = Guard.NotEmpty(T, nameof(Regime), regime);
        Guard.That(barSeq >= 1, T, nameof(BarSeq), "bars are numbered from 1", barSeq);
        BarSeq = barSeq;
        Time = time;
        Overlay = Guard.NotNull(T, nameof(Overlay), overlay);
        Guard.That(overlay.Regime == regime, T, nameof(Overlay), $"is the overlay of {overlay.Regime}, not of {regime}", overlay.Regime);
    }

    public string Symbol { get; }
    public string Regime { get; }
    public long BarSeq { get; }
    public DateTimeOffset Time { get; }
    public RegimePolicy Overlay { get; }
}

/// <summary>
/// The regime coordinator's state: per symbol, the regime its entity last announced and the overlay the current
/// policy gives that regime. A new policy re-resolves every overlay, so a changed regime limit applies at once.
/// </summary>
public sealed record RegimeBook
{
    public static readonly RegimeBook Empty = new([]);

    public RegimeBook(IReadOnlyList<AppliedRegime> symbols)
    {
        Guard.NotNull(nameof(RegimeBook), nameof(Symbols), symbols);
        foreach (var s in symbols) Guard.NotNull(nameof(RegimeBook), nameof(Symbols), s);
        var duplicate = symbols.GroupBy(s => s.Symbol, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Guard.That(duplicate is null, nameof(RegimeBook), nameof(Symbols), "lists a symbol more than once", duplicate?.Key);
        Symbols = symbols.OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<AppliedRegime> Symbols { get; }

    public AppliedRegime? For(string symbol) => Symbols.FirstOrDefault(s => string.Equals(s.Symbol, symbol, StringComparison.Ordinal));

    /// <summary>The book with <paramref name="symbol"/> in <paramref name="regime"/> under <paramref name="policy"/>'s overlay for it.</summary>
    public RegimeBook Apply(string symbol, string regime, long barSeq, DateTimeOffset time, RiskPolicy policy)
    {
        Guard.NotNull(nameof(RegimeBook), nameof(policy), policy);
        var applied = new AppliedRegime(symbol, regime, barSeq, time, policy.OverlayFor(regime));
        return new RegimeBook([.. Symbols.Where(s => !string.Equals(s.Symbol, symbol, StringComparison.Ordinal)), applied]);
    }

    /// <summary>Every symbol's overlay looked up again in <paramref name="policy"/>.</summary>
    public RegimeBook Resolve(RiskPolicy policy)
    {
        Guard.NotNull(nameof(RegimeBook), nameof(policy), policy);
        return new RegimeBook(Symbols.Select(s => new AppliedRegime(s.Symbol, s.Regime, s.BarSeq, s.Time, policy.OverlayFor(s.Regime))).ToArray());
    }
}
