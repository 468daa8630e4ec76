using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// An order asking to pass the risk gate: a Buy or Sell of NotionalUsd (&gt; 0) at the decision's confidence.
/// Construction checks what the order alone can tell; <see cref="ForMarket"/> adds the market's symbol list.
/// </summary>
public sealed record OrderRequest
{
    public OrderRequest(string symbol, TradeAction side, double notionalUsd, double confidence, DateTimeOffset time)
    {
        const string T = nameof(OrderRequest);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        Side = Guard.Defined(T, nameof(Side), side);
        Guard.That(side != TradeAction.Hold, T, nameof(Side), "an order is a Buy or a Sell", side);
        NotionalUsd = Guard.Positive(T, nameof(NotionalUsd), notionalUsd);
        Confidence = Guard.InRange(T, nameof(Confidence), confidence, 0, 1);
        Time = time;
    }

    public string Symbol { get; }
    public TradeAction Side { get; }
    public double NotionalUsd { get; }
    public double Confidence { get; }
    public DateTimeOffset Time { get; }

    /// <summary>Signed notional: positive for a Buy, negative for a Sell.</summary>
    [JsonIgnore]
    public double SignedNotional => Side == TradeAction.Buy ? NotionalUsd : -NotionalUsd;

    /// <summary>This order if the market lists its symbol; otherwise a <see cref="DomainValidationException"/>.</summary>
    public OrderRequest ForMarket(KnownSymbols market)
    {
        Guard.NotNull(nameof(OrderRequest), "market", market);
        market.Require(nameof(OrderRequest), nameof(Symbol), Symbol);
        return this;
    }
}

/// <summary>Open exposure in one symbol, signed USD notional: positive long, negative short.</summary>
public sealed record PositionExposure
{
    public PositionExposure(string symbol, double notionalUsd)
    {
        Symbol = Guard.Symbol(nameof(PositionExposure), nameof(Symbol), symbol);
        NotionalUsd = Guard.Finite(nameof(PositionExposure), nameof(NotionalUsd), notionalUsd);
    }

    public string Symbol { get; }
    public double NotionalUsd { get; }
}

/// <summary>The account's equity and open exposures as the gate sees them; one entry per symbol, zero entries are flat.</summary>
public sealed record PortfolioExposure
{
    public PortfolioExposure(double equityUsd, IReadOnlyList<PositionExposure> positions)
    {
        const string T = nameof(PortfolioExposure);
        EquityUsd = Guard.NonNegative(T, nameof(EquityUsd), equityUsd);
        Guard.NotNull(T, nameof(Positions), positions);
        foreach (var p in positions)
            Guard.NotNull(T, nameof(Positions), p);
        var duplicate = positions.GroupBy(p => p.Symbol, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Guard.That(duplicate is null, T, nameof(Positions), "lists a symbol more than once", duplicate?.Key);
        Positions = positions.ToArray();
    }

    public double EquityUsd { get; }
    public IReadOnlyList<PositionExposure> Positions { get; }

    /// <summary>Signed exposure in <paramref name="symbol"/>; 0 when flat.</summary>
    public double NotionalOf(string symbol) =>
        Positions.FirstOrDefault(p => string.Equals(p.Symbol, symbol, StringComparison.Ordinal))?.NotionalUsd ?? 0.0;

    [JsonIgnore]
    public int OpenPositions => Positions.Count(p => p.NotionalUsd != 0);

    [JsonIgnore]
    public double GrossUsd => Positions.Sum(p => Math.Abs(p.NotionalUsd));
}
