using System.Text.Json;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

public class RiskPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(EssMode.Protective, 100, 5, 0.75)]
    [InlineData(EssMode.Cautious, 300, 10, 0.55)]
    [InlineData(EssMode.Normal, 500, 20, 0.50)]
    [InlineData(EssMode.Emergency, 0, 0, 1.0)]
    public void Default_limits_are_seed_003s(EssMode mode, double maxPosition, double maxLeverage, double minConfidence)
    {
        var limits = RiskPolicy.Default.LimitsFor(mode);
        Assert.Equal((maxPosition, maxLeverage, minConfidence), (limits.MaxPositionUsd, limits.MaxLeverage, limits.MinConfidence));
    }

    [Fact]
    public void Emergency_allows_nothing()
    {
        var none = RiskPolicy.Default.LimitsFor(EssMode.Emergency);
        Assert.Equal((0, 0, 0.0, 0.0), (none.MaxOpenPositions, none.MaxGrossExposureUsd, none.MaxPositionUsd, none.MaxCorrelatedExposureUsd));
    }

    [Fact]
    public void Default_overlays_tighten_high_volatility_and_block_crash()
    {
        var hv = RiskPolicy.Default.OverlayFor(RegimeNames.HighVolatility);
        Assert.Equal((0.10, 0.5, false), (hv.MinConfidenceRaise, hv.SizeMultiplier, hv.BlocksNewEntries));
        Assert.True(RiskPolicy.Default.OverlayFor(RegimeNames.Crash).BlocksNewEntries);
        var trend = RiskPolicy.Default.OverlayFor(RegimeNames.TrendingUp);
        Assert.Equal((0.0, 1.0, false), (trend.MinConfidenceRaise, trend.SizeMultiplier, trend.BlocksNewEntries));
        Assert.Equal(1.0, RiskPolicy.Default.OverlayFor(null).SizeMultiplier);
    }

    [Fact]
    public void Changing_a_limit_is_an_event_that_replays_to_the_same_policy()
    {
        var tighter = new RiskLimits(200, 8, 0.6, 3, 800, 500, 0.8);
        var (next, e) = RiskPolicy.Default.Change(EssMode.Cautious, tighter, "weekend liquidity", T0);

        Assert.Equal(EssMode.Cautious, e.Mode);
        Assert.Equal(RiskPolicy.Default.Cautious, e.Previous);
        Assert.Equal(tighter, e.Current);
        Assert.Equal("weekend liquidity", e.Reason);
        Assert.Equal(tighter, next.Cautious);
        Assert.Equal(RiskPolicy.Default.Normal, next.Normal);

        var replayed = RiskPolicy.Default.Apply(e);
        Assert.Equal(JsonSerializer.Serialize(next), JsonSerializer.Serialize(replayed));
    }

    [Fact]
    public void Emergency_cannot_be_given_limits()
    {
        var ex = Assert.Throws<DomainValidationException>(() => RiskPolicy.Default.With(EssMode.Emergency, RiskPolicy.Default.Normal));
        Assert.Equal("RiskPolicy.mode: EMERGENCY allows nothing and takes no limits (Emergency)", ex.Message);
        Assert.Throws<DomainValidationException>(() => new RiskLimitsChanged(EssMode.Emergency, RiskLimits.None, RiskLimits.None, "x", T0));
    }

    [Fact]
    public void Limit_change_event_needs_a_reason()
    {
        var ex = Assert.Throws<DomainValidationException>(() => RiskPolicy.Default.Change(EssMode.Normal, RiskPolicy.Default.Normal, " ", T0));
        Assert.Equal("RiskLimitsChanged.Reason: must not be empty (\" \")", ex.Message);
    }

    [Fact]
    public void Policy_and_its_event_round_trip_through_json()
    {
        var policy = RiskPolicy.Default.WithRegime(new RegimePolicy("Squeeze", 0.2, 0.25, false));
        var json = JsonSerializer.Serialize(policy);
        var back = JsonSerializer.Deserialize<RiskPolicy>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(policy.Normal, back.Normal);
        Assert.Equal(0.25, back.OverlayFor("Squeeze").SizeMultiplier);

        var (_, e) = policy.Change(EssMode.Protective, new RiskLimits(50, 2, 0.8, 1, 50, 50, 0.6), "drawdown review", T0);
        var eventBack = JsonSerializer.Deserialize<RiskLimitsChanged>(JsonSerializer.Serialize(e))!;
        Assert.Equal(e, eventBack);
    }

    [Fact]
    public void A_regime_overlay_replaces_the_one_of_the_same_name()
    {
        var policy = RiskPolicy.Default.WithRegime(new RegimePolicy(RegimeNames.HighVolatility, 0.2, 0.3, false));
        Assert.Equal(5, policy.Regimes.Count);
        Assert.Equal(0.2, policy.OverlayFor(RegimeNames.HighVolatility).MinConfidenceRaise);

        var dup = Assert.Throws<DomainValidationException>(() => new RiskPolicy(policy.Protective, policy.Cautious, policy.Normal,
            [RegimePolicy.Neutral("Ranging"), RegimePolicy.Neutral("Ranging")]));
        Assert.Equal("RiskPolicy.Regimes: has more than one overlay for a regime (\"Ranging\")", dup.Message);
    }
}
