using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class PromotionGateTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Bars alternating between two symbols; the challenger calls every bar and is right on <paramref name="challengerRight"/> of every 10,
    /// the champion on <paramref name="championRight"/> of every 10; every <paramref name="crashEvery"/>-th bar is in the crash regime.
    /// </summary>
    internal static ShadowTestResult Shadow(int bars, int challengerRight, int championRight, double drift = 0.1, int crashEvery = 0,
        Func<int, bool>? crashRight = null)
    {
        var samples = Enumerable.Range(0, bars).Select(i =>
        {
            var crash = crashEvery > 0 && i % crashEvery == 0;
            var up = i % 2 == 0;
            var challengerCorrect = crash && crashRight is not null ? crashRight(i) : i % 10 < challengerRight;
            var championCorrect = i % 10 < championRight;
            return new ShadowSample(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", T0.AddHours(i), crash ? MarketRegime.Crash : MarketRegime.Ranging, up,
                Call(up, championCorrect), Call(up, challengerCorrect));
        });
        return ShadowTestResult.Score(samples, new FeatureDriftScore(drift, "rv_20"), T0, T0.AddHours(bars));
    }

    private static TradeAction Call(bool up, bool correct) => up == correct ? TradeAction.Buy : TradeAction.Sell;

    private static GateCheck Check(PromotionGateReport report, string name) => report.Checks.Single(c => c.Name == name);

    [Fact]
    public void A_challenger_that_meets_every_threshold_is_approved()
    {
        var report = PromotionGate.Evaluate(Shadow(200, challengerRight: 7, championRight: 6), PromotionGateSettings.Seed);

        Assert.True(report.Approved, report.Summary);
        Assert.All(report.Checks, c => Assert.True(c.Passed, c.Detail));
        Assert.StartsWith("approved: 200 shadow calls on 200 bars >= 100; accuracy 0.7 >= 0.65", report.Summary);
        Assert.Equal(0.7 / 0.6 - 1, Check(report, PromotionGate.Improvement).Value, 12);
    }

    [Fact]
    public void Too_few_shadow_calls_reject()
    {
        var report = PromotionGate.Evaluate(Shadow(90, 7, 6), PromotionGateSettings.Seed);

        Assert.False(report.Approved);
        Assert.Equal("rejected: 90 shadow calls on 90 bars < 100", report.Summary);
    }

    [Fact]
    public void Accuracy_below_the_seed_minimum_rejects_even_when_better_than_the_champion()
    {
        var report = PromotionGate.Evaluate(Shadow(200, 6, 5), PromotionGateSettings.Seed);

        Assert.False(report.Approved);
        Assert.False(Check(report, PromotionGate.Accuracy).Passed);
        Assert.True(Check(report, PromotionGate.Improvement).Passed);
        Assert.Contains("accuracy 0.6 < 0.65", report.Summary);
    }

    [Fact]
    public void Crash_accuracy_is_judged_once_the_crash_regime_has_enough_calls()
    {
        // Every 10th bar is a crash bar: 20 crash calls, all wrong, while the challenger is otherwise right 8 of 10.
        var wrongInCrashes = PromotionGate.Evaluate(Shadow(200, 8, 6, crashEvery: 10, crashRight: _ => false), PromotionGateSettings.Seed);
        var fewCrashes = PromotionGate.Evaluate(Shadow(200, 8, 6, crashEvery: 40, crashRight: _ => false), PromotionGateSettings.Seed);

        Assert.False(wrongInCrashes.Approved);
        Assert.Contains("crash-regime accuracy 0 on 20 calls < 0.65", wrongInCrashes.Summary);
        Assert.True(Check(fewCrashes, PromotionGate.CrashAccuracy).Passed);
        Assert.Contains("crash regime not judged (5 calls < 10)", Check(fewCrashes, PromotionGate.CrashAccuracy).Detail);
    }

    [Fact]
    public void The_weakest_symbol_below_its_minimum_rejects()
    {
        // Right on every even bar (BTCUSDT) and on one odd bar in ten (ETHUSDT).
        var samples = Enumerable.Range(0, 200).Select(i => new ShadowSample(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", T0.AddHours(i), MarketRegime.Ranging, true,
            TradeAction.Sell, i % 2 == 0 || i % 20 == 1 ? TradeAction.Buy : TradeAction.Sell));
        var shadow = ShadowTestResult.Score(samples, new FeatureDriftScore(0.05, "ret_1"), T0, T0.AddHours(200));
        var gate = PromotionGateSettings.Seed with { MinAccuracy = 0.5 };

        var report = PromotionGate.Evaluate(shadow, gate);

        Assert.False(report.Approved);
        Assert.Equal("rejected: weakest symbol ETHUSDT accuracy 0.1 < 0.55", report.Summary);
        Assert.Equal(new CallAccuracy(100, 100), shadow.ChallengerBySymbol["BTCUSDT"]);
    }

    [Fact]
    public void Feature_drift_at_the_threshold_rejects()
    {
        var report = PromotionGate.Evaluate(Shadow(200, 7, 6, drift: 0.2), PromotionGateSettings.Seed);

        Assert.False(report.Approved);
        Assert.Equal("rejected: feature drift 0.2 (rv_20) >= 0.2", report.Summary);
    }

    [Fact]
    public void A_threshold_the_drift_detector_calibrated_higher_than_the_gates_is_the_one_judged()
    {
        var calibrated = Shadow(200, 7, 6) with { Drift = new FeatureDriftScore(0.3, "BTCUSDT rv_20", 0.35) };
        var passed = Check(PromotionGate.Evaluate(calibrated, PromotionGateSettings.Seed), PromotionGate.Drift);
        Assert.True(passed.Passed, passed.Detail);
        Assert.Equal(0.35, passed.Threshold);
        Assert.Equal("feature drift 0.3 (BTCUSDT rv_20) < 0.35 (calibrated on the challenger's training bars; the gate's 0.2)", passed.Detail);

        var past = Check(PromotionGate.Evaluate(calibrated with { Drift = new FeatureDriftScore(0.4, "BTCUSDT rv_20", 0.35) }, PromotionGateSettings.Seed), PromotionGate.Drift);
        Assert.False(past.Passed, past.Detail);

        // A lower calibration does not loosen the gate's own threshold, and a journal's score without one is judged on the gate's.
        Assert.False(Check(PromotionGate.Evaluate(calibrated with { Drift = new FeatureDriftScore(0.25, "BTCUSDT rv_20", 0.1) }, PromotionGateSettings.Seed), PromotionGate.Drift).Passed);
        Assert.False(Check(PromotionGate.Evaluate(calibrated with { Drift = new FeatureDriftScore(0.3, "rv_20") }, PromotionGateSettings.Seed), PromotionGate.Drift).Passed);
    }

    [Fact]
    public void Two_percent_better_than_the_champion_is_not_enough()
    {
        var report = PromotionGate.Evaluate(Shadow(200, 7, 7), PromotionGateSettings.Seed);

        Assert.False(report.Approved);
        Assert.Equal("rejected: accuracy 0.7 against the champion's 0.7 (+0.0%) <= +2.0%", report.Summary);
    }

    [Fact]
    public void Hold_is_no_call_and_a_champion_without_calls_is_no_bar_to_beat()
    {
        var samples = Enumerable.Range(0, 150).Select(i => new ShadowSample("BTCUSDT", T0.AddHours(i), MarketRegime.Ranging, i % 10 < 7,
            TradeAction.Hold, i % 3 == 0 ? TradeAction.Hold : TradeAction.Buy)).ToArray();
        var shadow = ShadowTestResult.Score(samples, new FeatureDriftScore(0, null), T0, T0.AddHours(150));

        var report = PromotionGate.Evaluate(shadow, PromotionGateSettings.Seed);

        Assert.Equal(100, shadow.Challenger.Calls);
        Assert.Equal(0, shadow.Champion.Calls);
        Assert.True(Check(report, PromotionGate.Improvement).Passed);
        Assert.Equal("the champion made no call; the challenger did", Check(report, PromotionGate.Improvement).Detail);
    }

    [Fact]
    public void A_champion_wrong_on_every_call_is_beaten_by_any_right_call()
    {
        var report = PromotionGate.Evaluate(Shadow(200, challengerRight: 7, championRight: 0), PromotionGateSettings.Seed);

        var improvement = Check(report, PromotionGate.Improvement);
        Assert.True(improvement.Passed);
        Assert.Equal("accuracy 0.7 against the champion's 0: every champion call was wrong", improvement.Detail);
    }

    [Fact]
    public void Invalid_thresholds_are_refused_by_name()
    {
        Assert.Equal("the gate's accuracy threshold is 1.5; it must be in [0, 1]", (PromotionGateSettings.Seed with { MinAccuracy = 1.5 }).Validate());
        Assert.Equal("the gate's shadow minimum is 0; it must be at least 1", (PromotionGateSettings.Seed with { MinShadowCalls = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => PromotionGate.Evaluate(Shadow(200, 7, 6), PromotionGateSettings.Seed with { MaxDrift = double.NaN }));
    }

    [Fact]
    public void Seed_004s_error_replay_improvement_needs_the_challenger_right_on_some_replayed_errors_and_is_not_judged_without_any()
    {
        var shadow = Shadow(200, challengerRight: 7, championRight: 6);

        var none = Check(PromotionGate.Evaluate(shadow, PromotionGateSettings.Seed), PromotionGate.ReplayImprovement);
        var learned = PromotionGate.Evaluate(shadow with { Replayed = new CallAccuracy(40, 31) }, PromotionGateSettings.Seed);
        var repeated = PromotionGate.Evaluate(shadow with { Replayed = new CallAccuracy(40, 0) }, PromotionGateSettings.Seed);
        var stricter = PromotionGate.Evaluate(shadow with { Replayed = new CallAccuracy(40, 31) }, PromotionGateSettings.Seed with { MinReplayImprovement = 0.8 });

        Assert.Equal((true, "error replay not judged (no buffered errors replayed)"), (none.Passed, none.Detail));
        Assert.True(learned.Approved, learned.Summary);
        Assert.Equal("right on 31 of 40 calls on replayed errors (77.5%) > 0.0%", Check(learned, PromotionGate.ReplayImprovement).Detail);
        Assert.False(repeated.Approved);
        Assert.Equal("rejected: right on 0 of 40 calls on replayed errors (0.0%) <= 0.0%", repeated.Summary);
        Assert.False(stricter.Approved);
        Assert.Contains("(77.5%) <= 80.0%", stricter.Summary, StringComparison.Ordinal);
        Assert.Contains("error replay threshold is 1", PromotionGateSettings.Seed with { MinReplayImprovement = 1 } is var bad ? bad.Validate() : null, StringComparison.Ordinal);
    }
}
