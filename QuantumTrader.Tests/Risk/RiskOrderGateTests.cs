using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

/// <summary>The node's one risk gate on proposals as the cascade makes them: mode limits, clipping, reductions, correlation, regime overlay.</summary>
public class RiskOrderGateTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly KnownSymbols Market = new(["BTCUSDT", "ETHUSDT"]);

    private static OrderProposal Proposal(string mode, double quantity, double confidence = 0.8, bool opening = true, TradeAction action = TradeAction.Buy,
        MarketRegime regime = MarketRegime.Ranging, string symbol = "BTCUSDT", Dictionary<string, double>? open = null) =>
        new(symbol, T0, action, opening, quantity, 100, confidence, regime, new PortfolioView(10_000, 10_000, mode, open ?? []));

    [Fact]
    public void An_order_over_the_position_cap_is_clipped_to_it_and_the_verdict_says_so()
    {
        var verdict = new RiskOrderGate(new RiskBoard(Market)).Check(Proposal("NORMAL", 40));

        Assert.True(verdict.Approved);
        Assert.Equal(5.0, verdict.Quantity, 6);
        Assert.Equal("clipped from 4000.00 to 500.00 USD to fit the NORMAL limits", verdict.Reasons[0]);
    }

    [Fact]
    public void Emergency_refuses_every_entry_but_lets_a_position_be_closed()
    {
        var gate = new RiskOrderGate(new RiskBoard(Market));

        var entry = gate.Check(Proposal("EMERGENCY", 40));
        Assert.False(entry.Approved);
        Assert.Equal(["EMERGENCY mode blocks every new entry; only reductions of open positions pass (BTCUSDT 4000.00 USD refused)"], entry.Reasons);

        var close = gate.Check(Proposal("EMERGENCY", 40, opening: false, action: TradeAction.Sell));
        Assert.True(close.Approved);
        Assert.Equal(40, close.Quantity);
    }

    [Fact]
    public void A_refusal_size_cannot_cure_keeps_only_its_own_reason()
    {
        var verdict = new RiskOrderGate(new RiskBoard(Market)).Check(Proposal("PROTECTIVE", 40, confidence: 0.7));

        Assert.False(verdict.Approved);
        Assert.Equal(["confidence 0.70 is below the minimum 0.75 (PROTECTIVE)"], verdict.Reasons);
    }

    [Fact]
    public void Correlated_symbols_count_together_once_the_board_has_seen_their_returns()
    {
        var correlated = new RiskBoard(Market);
        for (var i = 0; i < 30; i++)
        {
            var close = 100 * (1 + 0.01 * Math.Sin(i));
            correlated.ObserveBar(new Bar("BTCUSDT", T0.AddHours(i - 29), close, close, close, close, 1));
            correlated.ObserveBar(new Bar("ETHUSDT", T0.AddHours(i - 29), close * 20, close * 20, close * 20, close * 20, 1));
        }
        Assert.Equal(1.0, correlated.Correlation.Correlation("BTCUSDT", "ETHUSDT")!.Value, 9);
        var open = new Dictionary<string, double> { ["ETHUSDT"] = 600 };

        var refused = new RiskOrderGate(correlated).Check(Proposal("CAUTIOUS", 40, open: open));
        Assert.False(refused.Approved);
        Assert.Contains(refused.Reasons, r => r.StartsWith(
            "correlated exposure 4600.00 USD (BTCUSDT 4000.00 + ETHUSDT 600.00 (rho 1.00)) would exceed the CAUTIOUS cap 600.00 USD", StringComparison.Ordinal));

        var unrelated = new RiskOrderGate(new RiskBoard(Market)).Check(Proposal("CAUTIOUS", 40, open: open));
        Assert.True(unrelated.Approved);
        Assert.Equal(3.0, unrelated.Quantity, 6);

        // A decision sees the returns through its own time only: ten hours earlier there were too few to correlate.
        var earlier = new RiskOrderGate(correlated).Check(Proposal("CAUTIOUS", 40, open: open) with { Time = T0.AddHours(-10) });
        Assert.True(earlier.Approved);
        Assert.Equal(3.0, earlier.Quantity, 6);
    }

    [Fact]
    public void The_gate_applies_the_regime_overlay_the_coordinator_put_in_force()
    {
        var board = new RiskBoard(Market);
        var gate = new RiskOrderGate(board);
        board.SetRegimes(RegimeBook.Empty.Apply("BTCUSDT", RegimeNames.HighVolatility, 7, T0, RiskPolicy.Default), "BTCUSDT", 7);

        var timid = gate.Check(Proposal("NORMAL", 4, confidence: 0.55, regime: MarketRegime.HighVolatility));
        Assert.Equal(["confidence 0.55 is below the minimum 0.60 (NORMAL 0.50 + HighVolatility 0.10)"], timid.Reasons);

        var halved = gate.Check(Proposal("NORMAL", 4, confidence: 0.65, regime: MarketRegime.HighVolatility));
        Assert.True(halved.Approved);
        Assert.Equal(2.0, halved.Quantity, 9);

        // The coordinator resolved a stricter overlay (a changed policy): the gate follows what is in force.
        var stricter = RiskPolicy.Default.WithRegime(new RegimePolicy(RegimeNames.HighVolatility, 0.10, 0.25, false));
        board.SetRegimes(board.Regimes.Resolve(stricter));
        Assert.Equal(1.0, gate.Check(Proposal("NORMAL", 4, confidence: 0.65, regime: MarketRegime.HighVolatility)).Quantity, 9);
    }

    [Fact]
    public void A_symbol_the_market_does_not_list_and_an_order_without_size_are_refused_with_the_reason()
    {
        var gate = new RiskOrderGate(new RiskBoard(Market));

        Assert.Equal(["OrderRequest.Symbol: is not a symbol the market knows; it knows BTCUSDT, ETHUSDT (\"DOGEUSDT\")"],
            gate.Check(Proposal("NORMAL", 4, symbol: "DOGEUSDT")).Reasons);
        Assert.Equal(["the order has no size: quantity 0 at price 100"], gate.Check(Proposal("NORMAL", 0)).Reasons);
    }
}
