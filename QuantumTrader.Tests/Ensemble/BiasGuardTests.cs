using System.Text.Json;
using QuantumTrader.Models.Ensemble;
using static QuantumTrader.Models.Ensemble.TradeAction;

namespace QuantumTrader.Tests.Ensemble;

public class BiasGuardTests
{
    private static BiasGuardState Feed(BiasGuardState state, int buys, int sells)
    {
        for (var i = 0; i < buys; i++) state = state.Check(Buy).Next;
        for (var i = 0; i < sells; i++) state = state.Check(Sell).Next;
        return state;
    }

    [Fact]
    public void Exactly_twenty_samples_at_70_percent_is_not_bias()
    {
        var state = Feed(BiasGuardState.Start(), buys: 14, sells: 6);
        var (result, _) = state.Check(Buy);
        Assert.True(result.Allowed);
        Assert.False(result.BiasDetected);
        Assert.Equal(20, result.Samples);
        Assert.Equal(0.70, result.BuyShare, 12);
    }

    [Fact]
    public void Exactly_twenty_samples_at_75_percent_blocks_that_direction_only()
    {
        var state = Feed(BiasGuardState.Start(), buys: 15, sells: 5);

        var (buy, _) = state.Check(Buy);
        Assert.False(buy.Allowed);
        Assert.True(buy.BiasDetected);
        Assert.Contains("LONG", buy.Reason);

        var (sell, _) = state.Check(Sell);
        Assert.True(sell.Allowed);
        Assert.False(sell.BiasDetected);
    }

    [Fact]
    public void Seventy_one_percent_blocks()
    {
        // 22 of 31 = 70.97%
        var (result, _) = Feed(BiasGuardState.Start(), buys: 9, sells: 22).Check(Sell);
        Assert.False(result.Allowed);
        Assert.Equal(22.0 / 31, result.SellShare, 12);
        Assert.Contains("SHORT", result.Reason);
    }

    [Fact]
    public void Nineteen_samples_are_not_enough()
    {
        var (result, _) = Feed(BiasGuardState.Start(), buys: 19, sells: 0).Check(Buy);
        Assert.True(result.Allowed);
        Assert.False(result.BiasDetected);
        Assert.Equal(19, result.Samples);
    }

    [Fact]
    public void Observe_mode_flags_but_allows()
    {
        var state = Feed(BiasGuardState.Start(new BiasGuardOptions(Mode: BiasGuardMode.Observe)), buys: 15, sells: 5);
        var (result, _) = state.Check(Buy);
        Assert.True(result.Allowed);
        Assert.True(result.BiasDetected);
        Assert.Contains("observed", result.Reason);
    }

    [Fact]
    public void Hold_is_neither_checked_nor_recorded()
    {
        var state = Feed(BiasGuardState.Start(), buys: 15, sells: 5);
        var (result, next) = state.Check(Hold);
        Assert.True(result.Allowed);
        Assert.Same(state, next);
        Assert.Equal(20, next.Recent.Count);
    }

    [Fact]
    public void Blocked_signals_are_recorded_and_the_window_keeps_the_last_fifty()
    {
        var state = Feed(BiasGuardState.Start(), buys: 40, sells: 0);
        Assert.Equal(40, state.Recent.Count);

        // 40 buys then 20 sells: the window now holds 30 buys and 20 sells = 60% buys.
        state = Feed(state, buys: 0, sells: 20);
        Assert.Equal(50, state.Recent.Count);
        var (result, _) = state.Check(Buy);
        Assert.Equal(0.6, result.BuyShare, 12);
        Assert.True(result.Allowed);
        Assert.Equal(50, result.Samples);
    }

    [Fact]
    public void State_round_trips_through_json()
    {
        var state = Feed(BiasGuardState.Start(new BiasGuardOptions(BiasGuardMode.Observe, 30, 10, 0.65)), buys: 7, sells: 4);
        var back = JsonSerializer.Deserialize<BiasGuardState>(JsonSerializer.Serialize(state))!;
        Assert.Equal(state.Options, back.Options);
        Assert.Equal(state.Recent, back.Recent);
        Assert.Equal(state.Check(Buy).Result, back.Check(Buy).Result);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BiasGuardState.Start(new BiasGuardOptions(Window: 10, MinSamples: 20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BiasGuardState.Start(new BiasGuardOptions(Threshold: 1.5)));
    }
}
