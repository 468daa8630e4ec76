using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Trading;

public class DrawdownTests
{
    [Theory]
    [InlineData(9_000, 10_000, -10.0)]
    [InlineData(10_000, 10_000, 0.0)]
    [InlineData(10_500, 10_000, 0.0)]
    [InlineData(500, 0, 0.0)]
    [InlineData(-200, 1_000, -120.0)]
    public void Is_the_percent_below_the_peak_and_never_positive(double equity, double peak, double expected) =>
        Assert.Equal(expected, Drawdown.Percent(equity, peak), 12);
}
