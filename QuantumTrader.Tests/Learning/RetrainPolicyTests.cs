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
    public void Feature_drift_on_bars_no_version_learned_from_retrains_and_regime_or_prediction_drift_does_not()
    {
        var now = Trained.AddHours(120);
        var windowStart = now.AddHours(-124);
        var feature = new DriftMeasure("BTCUSDT", DriftKind.Feature, 0.41, 0.3, true, "drifted: rv_20 KS 0.41 > 0.3");
        var regime = new DriftMeasure("ETHUSDT", DriftKind.Regime, 0.5, 0.25, true, "Crash 1 % -> 40 % of bars");
        var check = new MarketDriftChecked("xgb", "xgb-v1", [feature, regime], now);

        Assert.Equal("feature drift from the champion xgb-v1's training bars at 2021-02-06T00:00:00.0000000+00:00: BTCUSDT drifted: rv_20 KS 0.41 > 0.3",
            RetrainPolicy.Trigger(now, Trained.AddHours(-10), null, Weekly, marketDrift: check, windowStart: windowStart));
        // The newest version had learned from bars of the window: no retraining, and a regime drift alone never retrains.
        Assert.Null(RetrainPolicy.Trigger(now, Trained, null, Weekly, marketDrift: check, windowStart: windowStart));
        Assert.Null(RetrainPolicy.Trigger(now, Trained.AddHours(-10), null, Weekly, marketDrift: check with { Measures = [regime] }, windowStart: windowStart));
        Assert.Null(RetrainPolicy.Trigger(now, Trained.AddHours(-10), null, Weekly with { MarketDrift = MarketDriftSettings.Seed with { Retrain = false } },
            marketDrift: check, windowStart: windowStart));
        Assert.Null(RetrainPolicy.Trigger(now, Trained.AddHours(-10), null, Weekly with { MarketDrift = null }, marketDrift: check, windowStart: windowStart));
    }

    [Fact]
    public void Drift_settings_that_cannot_work_are_refused()
    {
        Assert.Equal("the drift window is 5 bars; it must be at least 10", (Weekly with { MarketDrift = new MarketDriftSettings(Window: 5) }).Validate());
        Assert.Equal("the drift threshold is 1.5; it must be in (0, 1)", (Weekly with { MarketDrift = new MarketDriftSettings(Threshold: 1.5) }).Validate());
        Assert.Equal("the drift calibration confidence is 1; it must be in (0, 1)", (Weekly with { MarketDrift = new MarketDriftSettings(Confidence: 1) }).Validate());
        Assert.Equal("the drift confirmation is -1 bars; it must not be negative", (Weekly with { MarketDrift = new MarketDriftSettings(Confirm: -1) }).Validate());
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
