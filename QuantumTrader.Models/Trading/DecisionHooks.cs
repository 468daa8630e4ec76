using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// The account as the cascade sees it at one bar: equity and its peak from trades closed strictly before the bar,
/// the emergency-stop mode, and the open notional per symbol. Built by the replay driver from the journal, so a
/// resumed run sees the same view as an uninterrupted one.
/// </summary>
public sealed record PortfolioView(double Equity, double PeakEquity, string EssMode, IReadOnlyDictionary<string, double> OpenNotional)
{
    // Checked on construction and on every `with`, so no decision ever sees an impossible account.
    public double Equity { get; init => field = SymbolEventRules.Equity(value); } = SymbolEventRules.Equity(Equity);
    public double PeakEquity { get; init => field = SymbolEventRules.Peak(this.Equity, value); } = SymbolEventRules.Peak(Equity, PeakEquity);
    public string EssMode { get; init => field = SymbolEventRules.Mode(value); } = SymbolEventRules.Mode(EssMode);
    public IReadOnlyDictionary<string, double> OpenNotional { get; init => field = SymbolEventRules.Exposure(value); } = SymbolEventRules.Exposure(OpenNotional);

    public const string NormalMode = "NORMAL";

    public static PortfolioView Of(double equity) => new(equity, equity, NormalMode, new Dictionary<string, double>());

    public double DrawdownPercent => Drawdown.Percent(Equity, PeakEquity);
}

/// <summary>What a sizing policy sees when the cascade decided to open a position.</summary>
public sealed record SizingInput(
    string Symbol, DateTimeOffset Time, PortfolioView Portfolio, double Price, double Atr, double AtrPercent,
    MarketRegime Regime, EnsembleDecision Ensemble, FilterResult Filter);

/// <summary>Chooses size, stop and target of a new position; its state and action go into the trade's decision record.</summary>
public interface ISizingPolicy
{
    SizingDecision Size(SizingInput input);
}

/// <summary>Fixed-fraction risk per trade, scaled down when the signal filter says REDUCE_SIZE.</summary>
public sealed class FixedFractionSizing(FixedFractionSizer sizer) : ISizingPolicy
{
    public SizingDecision Size(SizingInput input)
    {
        var sizing = sizer.Size(input.Portfolio.Equity, input.Price, input.Atr);
        var m = input.Filter.SizeMultiplier;
        return m == 1.0 ? sizing : sizing with { Quantity = sizing.Quantity * m, RiskFraction = sizing.RiskFraction * m };
    }
}

/// <summary>An order the cascade wants to place, before the risk gate.</summary>
public sealed record OrderProposal(
    string Symbol, DateTimeOffset Time, TradeAction Action, bool Opening, double Quantity, double Price, double Confidence,
    MarketRegime Regime, PortfolioView Portfolio);

/// <summary>The gate's answer: approved (possibly with a smaller quantity) or refused with every reason.</summary>
public sealed record GateVerdict(bool Approved, double Quantity, IReadOnlyList<string> Reasons)
{
    public static GateVerdict Approve(double quantity) => new(true, quantity, []);
}

/// <summary>The one check every order passes before it reaches the broker.</summary>
public interface IOrderGate
{
    GateVerdict Check(OrderProposal proposal);
}

/// <summary>Lets every order through; the node's default until risk limits are configured.</summary>
public sealed class OpenGate : IOrderGate
{
    public static readonly OpenGate Instance = new();

    public GateVerdict Check(OrderProposal proposal) => GateVerdict.Approve(proposal.Quantity);
}
