using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Trading;

public sealed class DecisionWindowTests
{
    [Fact]
    public void Grows_while_batches_are_kept_whole_and_shrinks_to_twice_what_a_cut_batch_kept()
    {
        var window = new DecisionWindow(max: 64);
        Assert.Equal(2, window.Size);
        window.Observe(2, 2);
        Assert.Equal(4, window.Size);
        window.Observe(4, 4);
        window.Observe(8, 8);
        window.Observe(16, 16);
        window.Observe(32, 32);
        Assert.Equal(64, window.Size);
        window.Observe(64, 64);
        Assert.Equal(64, window.Size);

        window.Observe(64, 5);
        Assert.Equal(10, window.Size);
        window.Observe(10, 1);
        Assert.Equal(2, window.Size);
    }

    [Fact]
    public void A_window_of_one_decides_one_timestamp_at_a_time_and_nonsense_is_refused()
    {
        var one = new DecisionWindow(max: 1);
        one.Observe(1, 1);
        Assert.Equal(1, one.Size);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DecisionWindow(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Observe(1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Observe(1, 0));
    }
}
