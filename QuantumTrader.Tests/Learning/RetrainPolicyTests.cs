using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class RetrainPolicyTests
{
    private static readonly DateTimeOffset Trained = new(2021, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RetrainSettings Weekly = RetrainSettings.Weekly();

    [Fact]
    public void A_slot_is_retrained_once_its_newest_version_is_a_week_old()
    {
        Assert.Null(RetrainPolicy.Trigger(Trained.AddHours(167), Trained, null, Weekly));
        Assert.Equal("scheduled: the newest version was trained 168 h ago (every 168 h)", RetrainPolicy.Trigger(Trained.AddHours(168), Trained, null, Weekly));
    }

    [Fact]
    public void A_drift_alarm_after_the_newest_training_retrains_at_once()
    {
        var alarm = Trained.AddHours(30);

        Assert.Equal("drift alarm at 2021-02-02T06:00:00.0000000+00:00, after the newest version was trained (2021-02-01T00:00:00.0000000+00:00)",
            RetrainPolicy.Trigger(Trained.AddHours(48), Trained, alarm, Weekly));
        Assert.Null(RetrainPolicy.Trigger(Trained.AddHours(48), Trained, Trained.AddHours(-1), Weekly));
        Assert.Null(RetrainPolicy.Trigger(Trained.AddHours(24), Trained, alarm, Weekly));
    }

    [Fact]
    public void A_win_rate_drop_after_the_newest_training_retrains_at_once()
    {
        static ModelDriftDetected Alarm(string slot, int hour, string rule) => new(slot, hour, Trained.AddHours(hour), DriftSeverity.Warning,
            new DriftAlarm(DriftDetectorNames.SeedThresholds, [new DriftBreach(rule, 0.14, 0.10)], []));
        ModelDriftDetected[] alarms =
        [
            Alarm("xgb", -5, SeedThresholdRule.WinRateDropRule), Alarm("lgbm", 10, SeedThresholdRule.WinRateDropRule),
            Alarm("xgb", 12, "consecutive-losses"), Alarm("xgb", 30, SeedThresholdRule.WinRateDropRule), Alarm("xgb", 40, SeedThresholdRule.WinRateDropRule),
        ];

        var drop = RetrainPolicy.WinRateDrop(alarms, "xgb", Trained, Trained.AddHours(48));

        Assert.Equal(Trained.AddHours(30), drop!.Time);
        Assert.Null(RetrainPolicy.WinRateDrop(alarms, "xgb", Trained, Trained.AddHours(24)));
        Assert.Equal("performance: win rate 0.14 below its baseline (threshold 0.1) at 2021-02-02T06:00:00.0000000+00:00, " +
                     "after the newest version was trained (2021-02-01T00:00:00.0000000+00:00)",
            RetrainPolicy.Trigger(Trained.AddHours(48), Trained, null, Weekly, winRateDrop: drop));
        // A drift alarm and an operator's request come first.
        Assert.StartsWith("drift alarm at ", RetrainPolicy.Trigger(Trained.AddHours(48), Trained, Trained.AddHours(20), Weekly, winRateDrop: drop));
        Assert.StartsWith("requested by an operator at ", RetrainPolicy.Trigger(Trained.AddHours(48), Trained, null, Weekly,
            new RetrainingRequested("xgb", "v1", "new fee tiers", Trained.AddYears(5)), drop));
    }

    [Fact]
    public void The_gate_decides_with_enough_calls_or_when_the_test_ran_its_longest()
    {
        Assert.False(RetrainPolicy.DecisionDue(99, Trained, Trained.AddHours(335), Weekly));
        Assert.True(RetrainPolicy.DecisionDue(100, Trained, Trained.AddHours(24), Weekly));
        Assert.True(RetrainPolicy.DecisionDue(3, Trained, Trained.AddHours(336), Weekly));
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused()
    {
        Assert.Null(Weekly.Validate());
        Assert.Equal("the check interval must be positive and at most the retraining interval",
            (Weekly with { CheckEvery = TimeSpan.FromHours(200) }).Validate());
        Assert.Equal("the longest shadow test must be at least one check interval", (Weekly with { MaxShadow = TimeSpan.FromHours(1) }).Validate());
    }

    [Fact]
    public void A_request_is_answered_only_at_a_check_past_the_bars_decided_before_the_start()
    {
        Assert.True(RetrainPolicy.MayAnswerRequest(Trained, null));
        Assert.False(RetrainPolicy.MayAnswerRequest(Trained.AddHours(-24), Trained));
        Assert.False(RetrainPolicy.MayAnswerRequest(Trained, Trained));
        Assert.True(RetrainPolicy.MayAnswerRequest(Trained.AddHours(1), Trained));
    }
}
