using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Risk;

public class RiskGateTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly double[] BtcCloses = [100, 102, 101, 104, 103, 106, 105, 108];
    private static readonly double[] SolReturns = [0.01, 0.01, -0.01, -0.01, 0.01, 0.01, -0.01];

    private static OrderRequest Buy(string symbol, double notional, double confidence = 0.9) =>
        new(symbol, TradeAction.Buy, notional, confidence, T0);

    private static OrderRequest Sell(string symbol, double notional, double confidence = 0.9) =>
        new(symbol, TradeAction.Sell, notional, confidence, T0);

    private static PortfolioExposure Exposure(double equity, params (string Symbol, double Notional)[] positions) =>
        new(equity, positions.Select(p => new PositionExposure(p.Symbol, p.Notional)).ToArray());

    private static readonly ReturnCorrelation NoHistory = ReturnCorrelation.Empty();

    /// <summary>ETH moves at twice BTC's returns (ρ = 1), DOGE against them (ρ = −1), SOL barely related (ρ ≈ −0.24).</summary>
    private static ReturnCorrelation Correlated()
    {
        var corr = ReturnCorrelation.Empty(window: 20, minOverlap: 5);
        double eth = 2000, doge = 0.1, sol = 50;
        for (var i = 0; i < BtcCloses.Length; i++)
        {
            var time = T0.AddHours(i);
            if (i > 0)
            {
                var r = BtcCloses[i] / BtcCloses[i - 1] - 1;
                eth *= 1 + 2 * r;
                doge *= 1 - r;
                sol *= 1 + SolReturns[i - 1];
            }
            corr = corr.Observe("BTCUSDT", time, BtcCloses[i])
                .Observe("ETHUSDT", time, eth)
                .Observe("DOGEUSDT", time, doge)
                .Observe("SOLUSDT", time, sol);
        }
        return corr;
    }

    [Fact]
    public void An_order_within_every_limit_is_approved_at_full_size()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 250, 0.6), Exposure(10_000), EssMode.Normal, RiskPolicy.Default, null, NoHistory);
        Assert.True(v.Approved);
        Assert.Equal(250, v.ApprovedNotional);
        Assert.Empty(v.Reasons);
    }

    [Fact]
    public void Emergency_blocks_every_new_entry()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 10), Exposure(10_000), EssMode.Emergency, RiskPolicy.Default, null, NoHistory);
        Assert.False(v.Approved);
        Assert.Equal(0, v.ApprovedNotional);
        Assert.Equal(["EMERGENCY mode blocks every new entry; only reductions of open positions pass (BTCUSDT 10.00 USD refused)"], v.Reasons);
    }

    [Fact]
    public void Emergency_still_lets_positions_be_closed()
    {
        var exposure = Exposure(10_000, ("BTCUSDT", 400), ("ETHUSDT", -300));
        var closeLong = RiskGate.Check(Sell("BTCUSDT", 400, 0), exposure, EssMode.Emergency, RiskPolicy.Default, RegimeNames.Crash, NoHistory);
        Assert.True(closeLong.Approved);
        Assert.Equal(400, closeLong.ApprovedNotional);
        Assert.Equal(["reduces the open BTCUSDT position (400.00 USD) to 0.00 USD; reductions pass in every mode"], closeLong.Reasons);

        var coverShort = RiskGate.Check(Buy("ETHUSDT", 100, 0), exposure, EssMode.Emergency, RiskPolicy.Default, null, NoHistory);
        Assert.True(coverShort.Approved);

        // Selling more than the long would open a short: that is new exposure.
        var flip = RiskGate.Check(Sell("BTCUSDT", 450), exposure, EssMode.Emergency, RiskPolicy.Default, null, NoHistory);
        Assert.False(flip.Approved);
    }

    [Fact]
    public void Mode_max_position_caps_the_order()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 350), Exposure(10_000), EssMode.Cautious, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["order notional 350.00 USD exceeds the CAUTIOUS max position 300.00 USD"], v.Reasons);

        var protective = RiskGate.Check(Buy("BTCUSDT", 101), Exposure(10_000), EssMode.Protective, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["order notional 101.00 USD exceeds the PROTECTIVE max position 100.00 USD"], protective.Reasons);
        Assert.True(RiskGate.Check(Buy("BTCUSDT", 100), Exposure(10_000), EssMode.Protective, RiskPolicy.Default, null, NoHistory).Approved);
    }

    [Fact]
    public void Per_symbol_exposure_counts_the_open_position()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 200), Exposure(10_000, ("BTCUSDT", 400)), EssMode.Normal, RiskPolicy.Default, null, NoHistory);
        Assert.False(v.Approved);
        Assert.Equal(["BTCUSDT exposure after the order 600.00 USD would exceed the NORMAL per-symbol cap 500.00 USD"], v.Reasons);
    }

    [Fact]
    public void Min_confidence_of_the_mode()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 50, 0.74), Exposure(10_000), EssMode.Protective, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["confidence 0.74 is below the minimum 0.75 (PROTECTIVE)"], v.Reasons);
        Assert.True(RiskGate.Check(Buy("BTCUSDT", 50, 0.75), Exposure(10_000), EssMode.Protective, RiskPolicy.Default, null, NoHistory).Approved);
    }

    [Fact]
    public void Max_open_positions_applies_when_the_order_opens_a_new_one()
    {
        var exposure = Exposure(10_000, ("BTCUSDT", 50), ("ETHUSDT", -50));
        var v = RiskGate.Check(Buy("SOLUSDT", 50), exposure, EssMode.Protective, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["opening SOLUSDT would make 3 open positions, above the PROTECTIVE limit of 2"], v.Reasons);

        // Adding to an open position does not open a new one.
        Assert.True(RiskGate.Check(Buy("BTCUSDT", 50), exposure, EssMode.Protective, RiskPolicy.Default, null, NoHistory).Approved);
    }

    [Fact]
    public void Gross_exposure_after_the_order_is_capped()
    {
        var exposure = Exposure(10_000, ("BTCUSDT", 300), ("ETHUSDT", -300), ("SOLUSDT", 300));
        var v = RiskGate.Check(Buy("ADAUSDT", 200), exposure, EssMode.Cautious, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["gross exposure after the order 1100.00 USD would exceed the CAUTIOUS cap 1000.00 USD"], v.Reasons);
    }

    [Fact]
    public void Leverage_is_gross_exposure_over_equity()
    {
        var exposure = Exposure(100, ("BTCUSDT", 475), ("ETHUSDT", 475), ("SOLUSDT", -475), ("ADAUSDT", 475));
        var v = RiskGate.Check(Buy("XRPUSDT", 200), exposure, EssMode.Normal, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["leverage after the order 21.00x (gross 2100.00 / equity 100.00 USD) exceeds the NORMAL max 20x"], v.Reasons);

        Assert.True(RiskGate.Check(Buy("XRPUSDT", 100), exposure, EssMode.Normal, RiskPolicy.Default, null, NoHistory).Approved);

        var broke = RiskGate.Check(Buy("XRPUSDT", 10), Exposure(0), EssMode.Normal, RiskPolicy.Default, null, NoHistory);
        Assert.Equal(["account equity is 0.00 USD: no leverage is available"], broke.Reasons);
    }

    [Fact]
    public void Correlation_matrix_backs_the_test_data()
    {
        var corr = Correlated();
        Assert.Equal(1.0, corr.Correlation("BTCUSDT", "ETHUSDT")!.Value, 9);
        Assert.Equal(-1.0, corr.Correlation("BTCUSDT", "DOGEUSDT")!.Value, 9);
        Assert.Equal(-0.2366, corr.Correlation("BTCUSDT", "SOLUSDT")!.Value, 4);
    }

    [Fact]
    public void Highly_correlated_symbols_count_together()
    {
        var policy = RiskPolicy.Default.With(EssMode.Normal, new RiskLimits(500, 20, 0.5, 6, 2_500, 800, 0.7));
        var exposure = Exposure(10_000, ("BTCUSDT", 450), ("SOLUSDT", 450));

        var v = RiskGate.Check(Buy("ETHUSDT", 400), exposure, EssMode.Normal, policy, null, Correlated());
        Assert.False(v.Approved);
        Assert.Equal(["correlated exposure 850.00 USD (ETHUSDT 400.00 + BTCUSDT 450.00 (rho 1.00)) would exceed the NORMAL cap 800.00 USD at |rho| >= 0.70"], v.Reasons);

        // Without return history the pair is not known to be correlated: the same order passes.
        Assert.True(RiskGate.Check(Buy("ETHUSDT", 400), exposure, EssMode.Normal, policy, null, NoHistory).Approved);

        // 350 + 450 sits exactly at the cap; SOL's 450 is not added since rho(ETH, SOL) is about -0.24.
        var small = RiskGate.Check(Buy("ETHUSDT", 350), exposure, EssMode.Normal, policy, null, Correlated());
        Assert.True(small.Approved);
    }

    [Fact]
    public void Negative_correlation_counts_too_and_shorts_count_by_size()
    {
        var policy = RiskPolicy.Default.With(EssMode.Normal, new RiskLimits(500, 20, 0.5, 6, 2_500, 800, 0.7));
        var exposure = Exposure(10_000, ("BTCUSDT", -300), ("DOGEUSDT", 300));

        var v = RiskGate.Check(Buy("ETHUSDT", 250), exposure, EssMode.Normal, policy, null, Correlated());
        Assert.Equal(["correlated exposure 850.00 USD (ETHUSDT 250.00 + BTCUSDT 300.00 (rho 1.00) + DOGEUSDT 300.00 (rho -1.00)) would exceed the NORMAL cap 800.00 USD at |rho| >= 0.70"], v.Reasons);
    }

    [Fact]
    public void Every_failed_check_gives_its_own_reason()
    {
        var exposure = Exposure(100, ("BTCUSDT", 100), ("ETHUSDT", 100));
        var v = RiskGate.Check(Buy("SOLUSDT", 150, 0.5), exposure, EssMode.Protective, RiskPolicy.Default, null, NoHistory);
        Assert.False(v.Approved);
        Assert.Equal(
        [
            "confidence 0.50 is below the minimum 0.75 (PROTECTIVE)",
            "order notional 150.00 USD exceeds the PROTECTIVE max position 100.00 USD",
            "opening SOLUSDT would make 3 open positions, above the PROTECTIVE limit of 2",
            "gross exposure after the order 350.00 USD would exceed the PROTECTIVE cap 200.00 USD",
        ], v.Reasons);
    }

    [Fact]
    public void High_volatility_raises_min_confidence_and_halves_size()
    {
        var order = Buy("BTCUSDT", 400, 0.55);
        var calm = RiskGate.Check(order, Exposure(10_000), EssMode.Normal, RiskPolicy.Default, RegimeNames.Ranging, NoHistory);
        Assert.True(calm.Approved);
        Assert.Equal(400, calm.ApprovedNotional);

        // The regime changed to HighVolatility: the next decision sees 0.50 + 0.10.
        var volatile_ = RiskGate.Check(order, Exposure(10_000), EssMode.Normal, RiskPolicy.Default, RegimeNames.HighVolatility, NoHistory);
        Assert.False(volatile_.Approved);
        Assert.Equal(["confidence 0.55 is below the minimum 0.60 (NORMAL 0.50 + HighVolatility 0.10)"], volatile_.Reasons);

        var confident = RiskGate.Check(Buy("BTCUSDT", 400, 0.6), Exposure(10_000), EssMode.Normal, RiskPolicy.Default, RegimeNames.HighVolatility, NoHistory);
        Assert.True(confident.Approved);
        Assert.Equal(200, confident.ApprovedNotional);
        Assert.Equal(["HighVolatility regime scales size by 0.5: 400.00 -> 200.00 USD"], confident.Reasons);
    }

    [Fact]
    public void Regime_scaling_applies_before_the_caps()
    {
        // 600 exceeds NORMAL's 500 max position, the scaled 300 does not.
        var v = RiskGate.Check(Buy("BTCUSDT", 600, 0.9), Exposure(10_000), EssMode.Normal, RiskPolicy.Default, RegimeNames.HighVolatility, NoHistory);
        Assert.True(v.Approved);
        Assert.Equal(300, v.ApprovedNotional);
    }

    [Fact]
    public void Min_confidence_with_overlay_is_capped_at_one()
    {
        var policy = RiskPolicy.Default.WithRegime(new RegimePolicy(RegimeNames.HighVolatility, 0.5, 1, false));
        var v = RiskGate.Check(Buy("BTCUSDT", 50, 0.99), Exposure(10_000), EssMode.Protective, policy, RegimeNames.HighVolatility, NoHistory);
        Assert.Equal(["confidence 0.99 is below the minimum 1.00 (PROTECTIVE 0.75 + HighVolatility 0.50)"], v.Reasons);
        Assert.True(RiskGate.Check(Buy("BTCUSDT", 50, 1.0), Exposure(10_000), EssMode.Protective, policy, RegimeNames.HighVolatility, NoHistory).Approved);
    }

    [Fact]
    public void Crash_regime_blocks_new_entries()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 50), Exposure(10_000), EssMode.Normal, RiskPolicy.Default, RegimeNames.Crash, NoHistory);
        Assert.Equal(["Crash regime blocks new entries (BTCUSDT 50.00 USD refused)"], v.Reasons);
    }

    [Fact]
    public void A_regime_without_an_overlay_changes_nothing()
    {
        var v = RiskGate.Check(Buy("BTCUSDT", 400, 0.5), Exposure(10_000), EssMode.Normal, RiskPolicy.Default, "Sideways", NoHistory);
        Assert.True(v.Approved);
        Assert.Equal(400, v.ApprovedNotional);
    }
}
