using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class FeatureDriftTests
{
    [Fact]
    public void The_statistic_is_the_largest_gap_between_the_two_distribution_functions()
    {
        Assert.Equal(0, FeatureDrift.KolmogorovSmirnov([1, 2, 3, 4], [4, 3, 2, 1]));
        Assert.Equal(1, FeatureDrift.KolmogorovSmirnov([1, 2, 3], [10, 11]));
        // F1 - F2 reaches 0.5 between 2 and 3: half of [1..4] lies below, none of [3..6].
        Assert.Equal(0.5, FeatureDrift.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]), 12);
    }

    [Fact]
    public void Tied_values_open_no_gap()
    {
        Assert.Equal(0, FeatureDrift.KolmogorovSmirnov([5, 5, 5, 5], [5, 5]));
        Assert.Equal(0.5, FeatureDrift.KolmogorovSmirnov([1, 1, 2, 2], [2, 2, 2, 2]), 12);
    }

    [Fact]
    public void An_empty_sample_is_refused()
    {
        Assert.Throws<ArgumentException>(() => FeatureDrift.KolmogorovSmirnov([], [1]));
    }
}
