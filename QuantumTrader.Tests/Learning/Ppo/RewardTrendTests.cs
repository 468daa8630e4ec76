using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Tests.Learning.Ppo;

public class RewardTrendTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static PolicyVersionRecord[] History(params double[] rewards) =>
        rewards.Select((r, i) => new PolicyVersionRecord(i + 1, 100 * (i + 1), r, 0.1, 0.2, $"models/ppo/policy-v{i + 1}.pt", T0.AddDays(i))).ToArray();

    [Fact]
    public void The_trend_compares_the_last_five_updates_with_the_five_before_and_fits_a_slope_over_all()
    {
        var trend = RewardTrend.Of(History(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1));

        Assert.Equal(12, trend.Updates);
        Assert.Equal(1.1, trend.Latest);
        Assert.Equal(0.9, trend.RecentMean!.Value, 12);
        Assert.Equal(0.4, trend.EarlierMean!.Value, 12);
        Assert.Equal(0.1, trend.SlopePerUpdate!.Value, 12);
        Assert.Equal("rising: the last 5 updates average 0.9 against 0.4 for the 5 before; slope 0.1 per update over 12", trend.Summary);
    }

    [Fact]
    public void Falling_rewards_read_falling_and_with_fewer_updates_than_two_windows_the_earlier_window_is_shorter()
    {
        var falling = RewardTrend.Of(History(0.5, 0.3, 0.4, 0.1, 0.2, 0.0, -0.1));

        Assert.Equal(0.12, falling.RecentMean!.Value, 12);
        Assert.Equal(0.4, falling.EarlierMean!.Value, 12);
        Assert.StartsWith("falling: the last 5 updates average 0.12 against 0.4 for the 2 before", falling.Summary, StringComparison.Ordinal);
        Assert.True(falling.SlopePerUpdate < 0);
    }

    [Fact]
    public void Without_an_earlier_window_the_slope_gives_the_direction_and_one_or_no_update_says_so()
    {
        Assert.Equal("flat: the last 3 updates average 0.2; slope 0 per update over 3", RewardTrend.Of(History(0.2, 0.2, 0.2)).Summary);
        Assert.StartsWith("rising: the last 2 updates average", RewardTrend.Of(History(0.1, 0.3)).Summary, StringComparison.Ordinal);
        Assert.Equal(new RewardTrend(1, 0.25, 0.25, null, null, "1 update, mean reward 0.25"), RewardTrend.Of(History(0.25)));
        Assert.Equal(new RewardTrend(0, null, null, null, null, "no policy update yet"), RewardTrend.Of([]));
    }
}
