using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Learning;

public sealed class ReplayPlanTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 22, 0, 0, 0, TimeSpan.Zero);

    private static JobStart Start(int btcHour, int ethHour, string settings = "s") =>
        new(new Dictionary<string, DateTimeOffset> { ["BTCUSDT"] = T0.AddHours(btcHour), ["ETHUSDT"] = T0.AddHours(ethHour) }, settings);

    private static EssOperatorAction Action(int hour, bool trigger) => new(T0.AddHours(hour), "paper", trigger, trigger ? "drill" : "drill over");

    [Fact]
    public void Each_start_that_read_more_bars_or_changed_a_setting_is_replayed_in_order_and_plain_restarts_are_left_out()
    {
        JobStart[] starts = [Start(2, 26), Start(2, 26), Start(26, 26), Start(26, 26, "fees 20 bps"), Start(27, 27), Start(27, 27)];

        var plan = ReplayPlan.Of(starts, []);

        Assert.Equal([0, 2, 3, 4], plan.Select(s => s.Index));
        Assert.Equal(T0.AddHours(26), plan[0].Start.LastBar);
    }

    [Fact]
    public void An_emergency_stop_action_goes_to_the_first_start_that_read_a_bar_after_it_or_after_the_last_start()
    {
        JobStart[] starts = [Start(10, 10), Start(12, 12), Start(12, 12, "fees 20 bps"), Start(15, 15)];
        // Given while the first start decided (5), between two starts (10, 12), while the second decided (11) and after the last start (15, 16).
        EssOperatorAction[] actions = [Action(5, true), Action(10, true), Action(11, false), Action(12, true), Action(15, false), Action(16, true)];

        var plan = ReplayPlan.Of(starts, actions);

        Assert.Equal([[actions[0]], [actions[1], actions[2]], [], [actions[3], actions[4], actions[5]]], plan.Select(s => s.Actions.ToArray()));
    }

    [Fact]
    public void A_limit_change_or_retraining_request_is_given_after_the_last_start_that_began_before_it_by_the_wall_clock()
    {
        var wall = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        JobStart[] starts = [Start(10, 10) with { StartedAt = wall }, Start(10, 10) with { StartedAt = wall.AddHours(1) }, Start(12, 12) with { StartedAt = wall.AddHours(2) }];
        var limits = new RiskLimits(500, 20, 0.99, 6, 2500, 1000, 0.7);
        OperatorCommand Change(double hours) => new(wall.AddHours(hours), new RiskLimitsChanged(EssMode.Cautious, limits, limits, "near-certain calls only", wall.AddHours(hours)));
        OperatorCommand Retrain(double hours) => new(wall.AddHours(hours), new RetrainingRequested("xgb", "xgb-v1", "new listing", wall.AddHours(hours)));
        OperatorCommand[] commands = [Change(-1), Change(0.5), Retrain(1.5), Change(2.5)];

        var plan = ReplayPlan.Of(starts, [], commands);

        // The second start was a plain restart: what came after it comes after the first, which the replay runs in its place.
        Assert.Equal([[commands[1].Journaled, commands[2].Journaled], [commands[3].Journaled]], plan.Select(s => s.CommandsAfter.ToArray()));
        Assert.Empty(ReplayPlan.Of([Start(10, 10), Start(12, 12)], [], commands).SelectMany(s => s.CommandsAfter));
    }

    [Fact]
    public void A_promotion_dated_by_market_time_is_given_after_the_last_start_that_had_decided_up_to_it_and_began_before_it_came()
    {
        var wall = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        JobStart[] starts =
        [
            Start(10, 10) with { StartedAt = wall }, Start(12, 12) with { StartedAt = wall.AddHours(1) },
            Start(12, 12, "fees 20 bps") with { StartedAt = wall.AddHours(2) }, Start(15, 15) with { StartedAt = wall.AddHours(3) },
        ];
        OperatorCommand Promote(int afterHour, double givenHours, string version) =>
            new(T0.AddHours(afterHour).AddTicks(1), new VersionPromoted("xgb", version, "xgb-v1", "operator's pick", T0.AddHours(afterHour).AddTicks(1))
                { ByOperator = true, GivenAt = wall.AddHours(givenHours) }, wall.AddHours(givenHours));
        // Between the first and second start; between the second and the third (same bars, a setting changed); after the last; dated inside the first.
        OperatorCommand[] commands = [Promote(10, 0.5, "xgb-v2"), Promote(12, 1.5, "xgb-v3"), Promote(15, 3.5, "xgb-v4"), Promote(4, 0.2, "xgb-v5")];

        var plan = ReplayPlan.Of(starts, [], commands);

        Assert.Equal([[commands[0].Journaled, commands[3].Journaled], [commands[1].Journaled], [], [commands[2].Journaled]],
            plan.Select(s => s.CommandsAfter.ToArray()));
    }

    [Fact]
    public void A_start_whose_data_ends_earlier_than_the_start_before_names_the_symbols_that_lost_rows()
    {
        Assert.Empty(Start(12, 12).LostSince(Start(10, 12)));
        Assert.Equal(["ETHUSDT"], Start(12, 11).LostSince(Start(10, 12)));
        var btcOnly = new JobStart(new Dictionary<string, DateTimeOffset> { ["BTCUSDT"] = T0.AddHours(30) }, "s");
        Assert.Equal(["ETHUSDT"], btcOnly.LostSince(Start(10, 12)));
    }

    [Fact]
    public void A_journal_without_recorded_starts_has_nothing_to_plan()
    {
        Assert.Empty(ReplayPlan.Of([], [Action(1, true)]));
    }
}
