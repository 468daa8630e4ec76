using QuantumTrader.Models.Execution;

namespace QuantumTrader.Tests.Execution;

public class FixedFractionSizerTests
{
    [Fact]
    public void Risks_one_percent_of_equity_at_one_and_a_half_atr()
    {
        // 1% of 30,000 = 300; stop 1.5 x 2 = 3; 300 / 3 = 100 units (notional 10,000, under the 30,000 cap)
        var s = new FixedFractionSizer().Size(equity: 30_000, referencePrice: 100, atr: 2);
        Assert.Equal(100, s.Quantity, 9);
        Assert.Equal(3, s.StopDistance, 12);
        Assert.Equal(6, s.TakeProfitDistance, 12);
        Assert.Equal(0.01, s.RiskFraction, 12);
        Assert.Equal(FixedFractionSizer.Name, s.Sizer);
        Assert.Equal([30_000, 100, 2], s.State);
        Assert.Equal([0.01, 1.5, 3.0], s.Action);
    }

    [Fact]
    public void Max_notional_caps_the_quantity_and_the_recorded_risk()
    {
        // risk sizing would buy 100 / 0.3 = 333.3 units; the cap is 10,000 / 100 = 100 units, risking 100 x 0.3 = 30 = 0.3%
        var s = new FixedFractionSizer().Size(equity: 10_000, referencePrice: 100, atr: 0.2);
        Assert.Equal(100, s.Quantity, 9);
        Assert.Equal(0.003, s.RiskFraction, 12);
    }

    [Fact]
    public void Zero_equity_sizes_zero()
    {
        var s = new FixedFractionSizer().Size(0, 100, 2);
        Assert.Equal(0, s.Quantity);
        Assert.Equal(0, s.RiskFraction);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        var sizer = new FixedFractionSizer();
        Assert.Throws<ArgumentOutOfRangeException>(() => sizer.Size(1000, 100, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sizer.Size(1000, -1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => sizer.Size(double.NaN, 100, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedFractionSizer(new ExecutionOptions(RiskFraction: 0)));
    }
}
