using System.Text.Json;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;
using static QuantumTrader.Tests.Learning.Ppo.PpoSizingSamples;

namespace QuantumTrader.Tests.Learning.Ppo;

/// <summary>The PPO sizer in the cascade: shadow mode, the risk-limit cap, determinism, and the state it builds.</summary>
public sealed class PpoSizingTests
{
    [Fact]
    public void Shadow_mode_places_the_same_orders_as_fixed_sizing_and_records_the_agents_choice()
    {
        var ppo = Served(shadow: true);
        var (_, fixedEvents) = SymbolTimeline.Run();
        var (_, shadowEvents) = SymbolTimeline.Run(ppo);

        var fixedOrder = fixedEvents.OfType<OrderPlaced>().First().Order;
        var shadowOrder = shadowEvents.OfType<OrderPlaced>().First().Order;
        Assert.Equal((fixedOrder.Quantity, fixedOrder.StopDistance, fixedOrder.TakeProfitDistance, fixedOrder.Direction),
            (shadowOrder.Quantity, shadowOrder.StopDistance, shadowOrder.TakeProfitDistance, shadowOrder.Direction));
        var fixedTrade = fixedEvents.OfType<TradeClosed>().Single().Trade;
        var shadowTrade = shadowEvents.OfType<TradeClosed>().Single().Trade;
        Assert.Equal(fixedTrade with { Decision = null! }, shadowTrade with { Decision = null! });
        Assert.Equal(fixedEvents.Count, shadowEvents.Count);

        var sizing = shadowTrade.Decision.Sizing!;
        Assert.Equal(PpoSizing.ShadowName, sizing.Sizer);
        Assert.Equal(SizingState.VectorLength, sizing.State.Length);
        Assert.Equal(SizingAgent.ActionSize, sizing.Action.Length);
        Assert.True(double.IsFinite(sizing.LogProb!.Value) && double.IsFinite(sizing.Value!.Value));
        var choice = sizing.Policy!;
        Assert.False(choice.Applied);
        Assert.Equal(0, choice.Version);
        Assert.Equal(choice.Input.ToVector(), sizing.State);
        // The agent's own order: its fraction of the NORMAL cap (500 USD per 1,000 of equity → 5,000 USD) at the decision bar's close.
        Assert.Equal(5_000, choice.Cap.Notional, 9);
        var close = SyntheticBars.Make("TEST", 60)[40].Close;
        Assert.Equal(choice.SizeFraction * 5_000 / close, choice.Quantity, 9);
        Assert.Equal(100.0, choice.RiskUnit, 9);
        Assert.NotEqual(fixedTrade.Decision.Sizing!.Quantity, choice.Quantity);
    }

    [Fact]
    public void With_shadow_off_the_order_is_the_agents_size_and_exits()
    {
        var ppo = Served(shadow: false);
        var decision = ppo.Size(Input(Start, price: 250));
        var choice = decision.Policy!;
        Assert.True(choice.Applied);
        Assert.Equal(PpoSizing.Name, decision.Sizer);
        Assert.Equal(choice.SizeFraction * 5_000 / 250, decision.Quantity, 9);
        Assert.Equal(choice.StopLossPct / 100 * 250, decision.StopDistance, 9);
        Assert.Equal(choice.TakeProfitPct / 100 * 250, decision.TakeProfitDistance, 9);
        Assert.Equal(decision.Quantity * decision.StopDistance / 10_000, decision.RiskFraction, 12);
    }

    [Theory]
    [InlineData("NORMAL", MarketRegime.Ranging, 1.0, 5_000)]       // 500 USD per 1,000 of equity
    [InlineData("CAUTIOUS", MarketRegime.TrendingUp, 1.0, 3_000)]  // 300 per 1,000
    [InlineData("PROTECTIVE", MarketRegime.TrendingDown, 1.0, 1_000)]
    [InlineData("EMERGENCY", MarketRegime.Ranging, 1.0, 0)]
    [InlineData("NORMAL", MarketRegime.HighVolatility, 1.0, 2_500)] // the overlay halves the size
    [InlineData("NORMAL", MarketRegime.Crash, 1.0, 0)]             // Crash blocks new entries
    [InlineData("CAUTIOUS", MarketRegime.Ranging, 0.5, 1_500)]     // REDUCE_SIZE halves it again
    public void The_cap_is_the_modes_position_limit_scaled_to_equity_and_the_overlays(string mode, MarketRegime regime, double filter, double expected)
    {
        var cap = new SizingLimits().CapFor(new PortfolioView(10_000, 10_000, mode, new Dictionary<string, double>()), "TEST", regime, filter);
        Assert.Equal(expected, cap.Notional, 9);
        Assert.Equal(mode, cap.EssMode);
        Assert.Equal(10, cap.EquityScale, 12);
    }

    [Fact]
    public void Open_exposure_elsewhere_counts_against_the_gross_and_open_position_limits()
    {
        var limits = new SizingLimits();
        // PROTECTIVE: 100 per position and 200 gross per 1,000 of equity → 1,000 and 2,000; 1,500 already open leaves 500.
        var open = new Dictionary<string, double> { ["ETHUSDT"] = 1_500 };
        Assert.Equal(500, limits.CapFor(new PortfolioView(10_000, 10_000, "PROTECTIVE", open), "TEST", MarketRegime.Ranging, 1).Notional, 9);
        // PROTECTIVE allows two open positions: with two other symbols open nothing more may open.
        var two = new Dictionary<string, double> { ["ETHUSDT"] = 100, ["SOLUSDT"] = -100 };
        Assert.Equal(0, limits.CapFor(new PortfolioView(10_000, 10_000, "PROTECTIVE", two), "TEST", MarketRegime.Ranging, 1).Notional);
    }

    [Fact]
    public void An_unknown_ess_mode_label_is_refused_with_its_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => SizingLimits.ParseMode("PANIC"));
        Assert.Contains("'PANIC'", ex.Message);
        Assert.Throws<ArgumentException>(() => SizingLimits.ParseMode("3"));
    }

    [Fact]
    public void Sizes_never_exceed_the_limits_whatever_the_agent_asks()
    {
        // σ ≈ 20 before squashing: the agent asks for the extremes, full size included.
        var ppo = Served(shadow: false, initialLogStd: 3);
        var r = new PpoRandom(5);
        string[] modes = ["EMERGENCY", "PROTECTIVE", "CAUTIOUS", "NORMAL"];
        var full = 0;
        for (var i = 0; i < 400; i++)
        {
            var equity = r.Uniform(500, 40_000);
            var mode = modes[r.NextInt(4)];
            var regime = (MarketRegime)r.NextInt(5);
            var price = r.Uniform(0.5, 60_000);
            var open = new Dictionary<string, double> { ["OTHER"] = r.Uniform(0, 3) * equity };
            var decision = ppo.Size(Input(Start.AddHours(i), equity, equity * r.Uniform(1, 1.2), mode, price, r.Uniform(0.2, 8), regime, r.NextDouble() < 0.3 ? 0.5 : 1, open));

            var limits = new SizingLimits();
            var riskLimits = limits.Policy.LimitsFor(SizingLimits.ParseMode(mode));
            var overlay = limits.Policy.OverlayFor(regime.ToString());
            var perSymbol = riskLimits.MaxPositionUsd * equity / 1_000 * (overlay.BlocksNewEntries ? 0 : overlay.SizeMultiplier);
            var notional = decision.Quantity * price;
            Assert.True(notional <= perSymbol + 1e-6, $"{mode} {regime}: notional {notional} above the position limit {perSymbol}");
            Assert.True(notional <= decision.Policy!.Cap.Notional + 1e-6, $"notional {notional} above the cap {decision.Policy.Cap.Notional}");
            Assert.True(notional <= riskLimits.MaxLeverage * equity - open["OTHER"] + 1e-6 || notional == 0, "leverage");
            Assert.InRange(decision.StopDistance / price * 100, 0.3 - 1e-9, 3.0 + 1e-9);
            Assert.InRange(decision.TakeProfitDistance / price * 100, 0.5 - 1e-9, 6.0 + 1e-9);
            if (mode == "EMERGENCY" || regime == MarketRegime.Crash) Assert.Equal(0, decision.Quantity);
            if (decision.Policy.SizeFraction > 0.999 && decision.Policy.Cap.Notional > 0) full++;
        }
        Assert.True(full > 20, $"the agent asked for full size {full} times");
    }

    [Fact]
    public void The_same_bar_is_decided_the_same_way_however_often_it_is_asked()
    {
        var ppo = Served(shadow: true);
        var first = ppo.Size(Input(Start.AddHours(3)));
        for (var i = 0; i < 5; i++) ppo.Size(Input(Start.AddHours(10 + i)));
        var again = ppo.Size(Input(Start.AddHours(3)));
        Assert.Equal(first.Action, again.Action);
        Assert.Equal(first.LogProb, again.LogProb);

        var other = Served(shadow: true);
        Assert.Equal(first.Action, other.Size(Input(Start.AddHours(3))).Action);
        Assert.NotEqual(first.Action, ppo.Size(Input(Start.AddHours(4))).Action);
        Assert.NotEqual(first.Action, ppo.Size(Input(Start.AddHours(3), symbol: "OTHER")).Action);
    }

    [Fact]
    public void Without_a_served_policy_sizing_fails_naming_the_symbol()
    {
        var ppo = new PpoSizing(new ExecutionOptions(), new SizingLimits(), 10_000, shadow: true, seed: 1);
        var ex = Assert.Throws<InvalidOperationException>(() => ppo.Size(Input(Start)));
        Assert.Contains("TEST", ex.Message);
        Assert.Equal(-1, ppo.Version);
    }

    [Fact]
    public void The_state_reads_the_portfolio_the_ensemble_and_recent_performance()
    {
        var ppo = Served(shadow: true);
        var input = Input(Start, equity: 9_000, peak: 12_000, mode: "CAUTIOUS", atrPercent: 2.5, regime: MarketRegime.Crash);
        var empty = ppo.StateOf(input);
        Assert.Equal(new SizingState(9_000, 10_000, 25, 2, 2.5, 3, 0.8, 1.0, 0.5, 0, 0.5, 0), empty);

        // The symbol won 2R and lost 1R; xgb earned the same, lgbm only a 3R win: voters' mean weighs them equally.
        var performance = SizingPerformance.Empty
            .Apply("TEST", 2, [new ModelR("xgb", 2), new ModelR("lgbm", 3)])
            .Apply("TEST", -1, [new ModelR("xgb", -1)])
            .Apply("OTHER", 5, []);
        ppo.Observe(performance);
        var state = ppo.StateOf(input);
        Assert.Equal(0.5, state.SymbolWinRate, 12);
        Assert.Equal(0.5, state.SymbolAvgR, 12);
        Assert.Equal((0.5 + 1.0) / 2, state.ModelWinRate, 12);
        Assert.Equal((0.5 + 3.0) / 2, state.ModelAvgR, 12);
    }

    [Fact]
    public void An_account_without_equity_opens_nothing()
    {
        var ppo = Served(shadow: false);
        Assert.Equal(0, ppo.Size(Input(Start, equity: 0, peak: 10_000)).Quantity);
    }

    [Fact]
    public void A_sizing_decision_with_the_policys_fields_round_trips_through_json_and_an_old_one_still_loads()
    {
        var ppo = Served(shadow: true);
        var decision = ppo.Size(Input(Start));
        var json = JsonSerializer.Serialize(decision);
        var back = JsonSerializer.Deserialize<SizingDecision>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(decision.Policy, back.Policy);
        Assert.Equal(decision.LogProb, back.LogProb);

        var old = JsonSerializer.Deserialize<SizingDecision>(
            """{"Sizer":"fixed_fraction","State":[1,2,3],"Action":[0.01,1.5,3],"Quantity":2,"RiskFraction":0.01,"StopDistance":3,"TakeProfitDistance":6}""")!;
        Assert.Null(old.LogProb);
        Assert.Null(old.Value);
        Assert.Null(old.Policy);
        Assert.Equal(2, old.Quantity);
    }
}
