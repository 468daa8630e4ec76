using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class ForecastSignalTests
{
    [Fact]
    public void Log_returns_and_volatility_by_hand()
    {
        var r = ForecastSignal.LogReturns([100, 110, 99]);
        Assert.Equal(Math.Log(1.1), r[0], 12);
        Assert.Equal(Math.Log(0.9), r[1], 12);
        // root mean square of 0.03 and -0.04 is sqrt((0.0009 + 0.0016) / 2)
        Assert.Equal(Math.Sqrt(0.00125), ForecastSignal.Volatility([0.03, -0.04]), 12);
        Assert.Empty(ForecastSignal.LogReturns([100]));
    }

    [Fact]
    public void A_forecast_one_noise_move_up_is_a_buy_with_confidence_tanh_1()
    {
        // z = 0.02 / (0.01 * sqrt(4)) = 1
        var d = ForecastSignal.Decide(0.02, 0.01, 4, 0.25);
        Assert.Equal(TradeAction.Buy, d.Action);
        Assert.Equal(1.0, d.Score, 12);
        Assert.Equal(Math.Tanh(1), d.Confidence, 12);
    }

    [Fact]
    public void A_forecast_move_down_beyond_the_threshold_is_a_sell()
    {
        // z = -0.009 / (0.01 * 3) = -0.3
        var d = ForecastSignal.Decide(-0.009, 0.01, 9, 0.25);
        Assert.Equal(TradeAction.Sell, d.Action);
        Assert.Equal(Math.Tanh(0.3), d.Confidence, 12);
    }

    [Fact]
    public void A_small_forecast_move_is_a_hold_that_is_surest_when_flat()
    {
        // z = 0.002 / (0.01 * 1) = 0.2 < 0.25
        var d = ForecastSignal.Decide(0.002, 0.01, 1, 0.25);
        Assert.Equal(TradeAction.Hold, d.Action);
        Assert.Equal(1 - Math.Tanh(0.2), d.Confidence, 12);
        Assert.Equal(1.0, ForecastSignal.Decide(0, 0.01, 1, 0.25).Confidence);
    }

    [Fact]
    public void No_volatility_or_a_broken_forecast_is_a_hold_with_no_confidence()
    {
        Assert.Equal(ForecastDecision.NoSignal, ForecastSignal.Decide(0.01, 0, 4, 0.25));
        Assert.Equal(ForecastDecision.NoSignal, ForecastSignal.Decide(double.NaN, 0.01, 4, 0.25));
    }
}
