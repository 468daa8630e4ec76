using System.Collections.Frozen;

namespace QuantumTrader.Models.Validation;

/// <summary>
/// The symbols a market lists. Validation of a symbol-bearing event takes one of these, so a message about
/// an instrument the node does not trade is refused before it is persisted. Matching is exact (ordinal).
/// </summary>
public sealed class KnownSymbols
{
    private readonly FrozenSet<string> _set;

    public KnownSymbols(IEnumerable<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var list = symbols.Select(s => Guard.Symbol(nameof(KnownSymbols), "symbols", s))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Guard.That(list.Length > 0, nameof(KnownSymbols), "symbols", "a market lists at least one symbol", list.Length);
        Symbols = list;
        _set = list.ToFrozenSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Symbols { get; }

    public bool Contains(string symbol) => _set.Contains(symbol);

    /// <summary>Returns <paramref name="symbol"/> if listed, else throws naming the record type and field.</summary>
    public string Require(string type, string field, string? symbol) => Guard.KnownSymbol(type, field, symbol, this);

    internal string Describe() =>
        Symbols.Count <= 8
            ? string.Join(", ", Symbols)
            : $"{string.Join(", ", Symbols.Take(8))} and {Symbols.Count - 8} more";
}
