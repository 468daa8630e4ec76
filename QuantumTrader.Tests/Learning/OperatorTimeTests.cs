using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public sealed class OperatorTimeTests
{
    private static readonly DateTimeOffset LastBar = new(2021, 3, 23, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Wall = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_change_given_between_starts_is_dated_one_tick_after_the_last_bar_decided()
    {
        var stamp = OperatorTime.Stamp(null, LastBar, null, Wall);

        Assert.Equal((LastBar.AddTicks(1), (string?)null), (stamp.Time, stamp.Refusal));
        // The next hourly bar is decided with it, the last one was not.
        Assert.True(stamp.Time < LastBar.AddHours(1) && stamp.Time > LastBar);
    }

    [Fact]
    public void A_change_given_while_a_start_decides_its_bars_is_refused_with_the_way_out()
    {
        var stamp = OperatorTime.Stamp(null, LastBar, LastBar.AddDays(60), Wall);

        Assert.Null(stamp.Time);
        Assert.Contains("deciding the bars of its start (through 2021-05-22 02:00 UTC)", stamp.Refusal);
        Assert.Contains("--at", stamp.Refusal);
    }

    [Fact]
    public void A_time_the_operator_gives_after_the_nodes_bars_is_kept_and_a_node_that_decided_nothing_yet_takes_the_wall_clock()
    {
        var deciding = LastBar.AddDays(60);
        var given = deciding.AddHours(1);

        Assert.Equal(given, OperatorTime.Stamp(given, LastBar, deciding, Wall).Time);
        Assert.Equal(LastBar.AddDays(-3), OperatorTime.Stamp(LastBar.AddDays(-3), null, null, Wall).Time);
        Assert.Equal(Wall, OperatorTime.Stamp(null, null, null, Wall).Time);
    }

    [Fact]
    public void A_time_the_operator_gives_inside_the_bars_decided_or_being_decided_is_refused()
    {
        var intoDecided = OperatorTime.Stamp(LastBar.AddDays(-3), LastBar, null, Wall);
        Assert.Null(intoDecided.Time);
        Assert.Equal("--at 2021-03-20 02:00:00 UTC is not after the node's bars (decided or being decided through 2021-03-23 02:00 UTC): " +
                     "those bars keep the serving they were decided with, while a replay would give them this change; date it after them, or leave --at out",
            intoDecided.Refusal);
        Assert.Null(OperatorTime.Stamp(LastBar, LastBar, null, Wall).Time);
        Assert.Null(OperatorTime.Stamp(LastBar.AddDays(30), LastBar, LastBar.AddDays(60), Wall).Time);
        Assert.Equal(LastBar.AddTicks(1), OperatorTime.Stamp(LastBar.AddTicks(1), LastBar, null, Wall).Time);
    }

    [Fact]
    public void A_retraining_request_is_dated_by_the_wall_clock_and_refused_while_a_start_decides_its_bars()
    {
        Assert.Equal(Wall, OperatorTime.StampRequest(null, null, Wall).Time);
        Assert.Equal(LastBar, OperatorTime.StampRequest(LastBar, LastBar.AddDays(60), Wall).Time);
        var refused = OperatorTime.StampRequest(null, LastBar.AddDays(60), Wall);
        Assert.Null(refused.Time);
        Assert.Contains("would be answered at a check that depends on timing", refused.Refusal);
    }

    [Fact]
    public void A_limit_change_is_dated_by_the_wall_clock_and_refused_while_a_start_decides_its_bars_with_no_other_way_out()
    {
        Assert.Equal(Wall, OperatorTime.StampLimitChange(null, Wall).Time);
        var refused = OperatorTime.StampLimitChange(LastBar.AddDays(60), Wall);
        Assert.Null(refused.Time);
        Assert.Contains("deciding the bars of its start (through 2021-05-22 02:00 UTC)", refused.Refusal);
        Assert.Contains("a limit change given now would reach whichever bar the risk gate checks next", refused.Refusal);
        Assert.DoesNotContain("--at", refused.Refusal);
    }
}
