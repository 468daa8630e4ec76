using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

/// <summary>Seed 004's error replay buffer: which errors it keeps, how many a retraining replays, its statistics, and its journal in the registry.</summary>
public class ErrorReplayTests
{
    private static readonly DateTimeOffset T0 = ModelRegistryTests.T0;

    private static ScoredCall Call(int hour, bool up, TradeAction action, double confidence, string symbol = "BTCUSDT",
        MarketRegime regime = MarketRegime.Ranging) => new(symbol, T0.AddHours(hour), regime, up, action, confidence);

    private static PredictionError Error(int hour, double confidence, string symbol = "BTCUSDT", MarketRegime regime = MarketRegime.Ranging, bool up = true) =>
        new(symbol, T0.AddHours(hour), regime, up, up ? TradeAction.Sell : TradeAction.Buy, confidence, "v1");

    [Fact]
    public void A_run_keeps_only_wrong_calls_the_most_confident_first()
    {
        ScoredCall[] calls =
        [
            Call(0, up: true, TradeAction.Buy, 0.95),
            Call(1, up: true, TradeAction.Sell, 0.61),
            Call(2, up: false, TradeAction.Buy, 0.88),
            Call(3, up: false, TradeAction.Hold, 0.99),
            Call(4, up: false, TradeAction.Sell, 0.70),
            Call(5, up: true, TradeAction.Sell, 0.74),
        ];

        var worst = ErrorReplayBuffer.Worst(calls, "v1", perRun: 2);

        Assert.Equal([(2, 0.88), (5, 0.74)], worst.Select(e => ((int)(e.Time - T0).TotalHours, e.Confidence)));
        Assert.All(worst, e => Assert.Equal("v1", e.Version));
        Assert.Equal(3, ErrorReplayBuffer.Worst(calls, "v1", perRun: 100).Count);
    }

    [Fact]
    public void The_buffer_keeps_the_most_confident_errors_and_each_bar_once()
    {
        var buffer = ErrorReplayBuffer.Empty.Add([Error(0, 0.6), Error(1, 0.9), Error(2, 0.7)], maxSize: 3);
        buffer = buffer.Add([Error(3, 0.8), Error(0, 0.95)], maxSize: 3);

        Assert.Equal([(0, 0.95), (1, 0.9), (3, 0.8)], buffer.Errors.Select(e => ((int)(e.Time - T0).TotalHours, e.Confidence)));
        // A less confident error on a bar already held does not replace it.
        Assert.Equal(0.95, buffer.Add([Error(0, 0.5)], maxSize: 3).Errors[0].Confidence);
        Assert.Equal([1, 3], buffer.Remove([new BarKey("BTCUSDT", T0)]).Errors.Select(e => (int)(e.Time - T0).TotalHours));
    }

    [Fact]
    public void A_retraining_replays_the_most_confident_errors_up_to_its_share_of_the_rows()
    {
        var buffer = ErrorReplayBuffer.Empty.Add(Enumerable.Range(0, 50).Select(h => Error(h, 0.5 + h / 100.0)), maxSize: 1000);

        var replayed = buffer.ForReplay(trainingRows: 100, maxShare: 0.2);

        Assert.Equal(20, replayed.Count);
        Assert.Equal(Enumerable.Range(30, 20).Reverse(), replayed.Select(e => (int)(e.Time - T0).TotalHours));
        Assert.Equal(50, buffer.ForReplay(trainingRows: 1000, maxShare: 0.2).Count);
    }

    [Fact]
    public void Statistics_count_errors_by_regime_and_label_and_the_confident_ones()
    {
        var stats = ErrorReplayBuffer.Empty.Add(
        [
            Error(0, 0.9, regime: MarketRegime.Crash, up: false), Error(1, 0.8, regime: MarketRegime.Crash), Error(2, 0.7), Error(3, 0.6, symbol: "ETHUSDT"),
        ], maxSize: 10).Stats();

        Assert.Equal(4, stats.Errors);
        Assert.Equal(new Dictionary<string, int> { ["Crash"] = 2, ["Ranging"] = 2 }, stats.ByRegime);
        Assert.Equal(new Dictionary<string, int> { ["down"] = 1, ["up"] = 3 }, stats.ByLabel);
        Assert.Equal(0.75, stats.AverageConfidence, 12);
        Assert.Equal(2, stats.HighConfidence);
    }

    [Theory]
    [InlineData(0, 1, 3, 0.2, "holds 0 errors")]
    [InlineData(10, 11, 3, 0.2, "between 1 and the buffer's 10")]
    [InlineData(10, 5, 0.5, 0.2, "replay weight is 0.5")]
    [InlineData(10, 5, 3, 0, "replay share is 0")]
    public void Settings_that_cannot_work_are_refused_with_the_reason(int size, int perRun, double weight, double share, string reason) =>
        Assert.Contains(reason, new ErrorReplaySettings(size, perRun, weight, share).Validate());

    private static ModelRegistryState Registry()
    {
        var s = ModelRegistryState.Empty;
        foreach (var (v, day) in new[] { ("v1", 0), ("v2", 7), ("v3", 14) }) s = ModelRegistryTests.Run(s, ModelRegistryTests.Register(v, T0.AddDays(day)));
        return ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v1", "first version of the slot", T0));
    }

    [Fact]
    public void The_registry_journals_each_run_once_and_rebuilds_the_buffer_as_of_any_time()
    {
        var s = ModelRegistryTests.Run(Registry(), new RecordErrors("xgb", "v1", [Error(0, 0.9), Error(1, 0.7)], 2, T0.AddDays(8)));
        var again = s.Process(new RecordErrors("xgb", "v1", [Error(0, 0.9), Error(1, 0.7)], 2, T0.AddDays(8)));
        s = ModelRegistryTests.Run(s, new RecordErrors("xgb", "v1", [Error(2, 0.8)], 2, T0.AddDays(9)));

        Assert.True(again.Succeeded);
        Assert.Empty(again.Events);
        Assert.Equal([0.9, 0.8], s.ErrorBufferOf("xgb").Errors.Select(e => e.Confidence));
        Assert.Equal([0.9, 0.7], s.AsOf(T0.AddDays(8)).ErrorBufferOf("xgb").Errors.Select(e => e.Confidence));
        Assert.Empty(s.ErrorBufferOf("lgbm").Errors);
        Assert.Equal("unknown version xgb/v9", s.Process(new RecordErrors("xgb", "v9", [Error(3, 0.8)], 2, T0.AddDays(9))).Error);
        Assert.Contains("confidence in [0, 1]", s.Process(new RecordErrors("xgb", "v1", [Error(3, 1.5)], 2, T0.AddDays(10))).Error);
    }

    [Fact]
    public void The_registry_journals_a_drift_check_once_per_slot_and_time_and_keeps_each_slots_latest()
    {
        var drifted = new DriftMeasure("BTCUSDT", DriftKind.Feature, 0.41, 0.3, true, "drifted: rv_20 KS 0.41 > 0.3");
        var calm = drifted with { Statistic = 0.1, Detected = false, Detail = "no feature drifted" };
        var s = ModelRegistryTests.Run(Registry(), new RecordMarketDrift("xgb", "v1", [drifted], T0.AddDays(8)));
        var again = s.Process(new RecordMarketDrift("xgb", "v1", [calm], T0.AddDays(8)));
        s = ModelRegistryTests.Run(s, new RecordMarketDrift("xgb", "v1", [calm], T0.AddDays(9)));

        Assert.True(again.Succeeded);
        Assert.Empty(again.Events);
        Assert.True(s.MarketDriftAt("xgb", T0.AddDays(8))!.Detected);
        Assert.Equal("BTCUSDT feature: drifted: rv_20 KS 0.41 > 0.3", s.MarketDriftAt("xgb", T0.AddDays(8))!.Summary);
        Assert.Equal("no drift: BTCUSDT (feature)", Assert.Single(s.LatestMarketDrift()).Summary);
        Assert.Equal("a drift check must hold at least one measure", s.Process(new RecordMarketDrift("xgb", "v1", [], T0.AddDays(10))).Error);
        Assert.Equal("the Feature measure of 'BTCUSDT' needs a symbol, a finite statistic and a positive threshold",
            s.Process(new RecordMarketDrift("xgb", "v1", [calm with { Statistic = double.NaN }], T0.AddDays(10))).Error);
        Assert.Equal("unknown version xgb/v9", s.Process(new RecordMarketDrift("xgb", "v9", [calm], T0.AddDays(10))).Error);
    }

    [Fact]
    public void A_promotion_awaiting_review_is_reminded_of_every_period_until_it_is_answered()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", T0.AddDays(7)));
        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", PromotionGateTests.Shadow(200, challengerRight: 7, championRight: 6),
            PromotionGateSettings.Seed, T0.AddDays(9), AutoPromote: false));
        var every = TimeSpan.FromHours(72);

        Assert.Empty(s.Process(new RemindReview("xgb", every, T0.AddDays(11))).Events);
        s = ModelRegistryTests.Run(s, new RemindReview("xgb", every, T0.AddDays(12)));
        var reminder = Assert.IsType<PromotionReviewOverdue>(s.History[^1]);
        Assert.Equal(("v2", T0.AddDays(9), T0.AddDays(12)), (reminder.Version, reminder.Since, reminder.Time));
        // The next one a period after the last reminder, and none once the review is answered.
        Assert.Empty(s.Process(new RemindReview("xgb", every, T0.AddDays(14))).Events);
        Assert.Single(s.Process(new RemindReview("xgb", every, T0.AddDays(15))).Events);
        s = ModelRegistryTests.Run(s, new DeclinePromotion("xgb", "v2", "not now", T0.AddDays(13)));
        Assert.Empty(s.Process(new RemindReview("xgb", every, T0.AddDays(20))).Events);
        Assert.Equal("a review reminder period must be positive", s.Process(new RemindReview("xgb", TimeSpan.Zero, T0.AddDays(20))).Error);
    }

    [Fact]
    public void A_promoted_version_clears_the_errors_it_replayed_and_a_rejected_one_leaves_them()
    {
        var s = ModelRegistryTests.Run(Registry(), new RecordErrors("xgb", "v1", [Error(0, 0.9), Error(1, 0.8), Error(2, 0.7)], 10, T0.AddDays(6)));
        BarKey[] replayed = [new("BTCUSDT", T0), new("BTCUSDT", T0.AddHours(1))];

        s = ModelRegistryTests.Run(s, new StartShadowTest("xgb", "v2", "scheduled", T0.AddDays(7), replayed));
        Assert.Equal(replayed, s.ShadowTestOf("xgb")!.Replayed);
        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", PromotionGateTests.Shadow(200, challengerRight: 5, championRight: 6),
            PromotionGateSettings.Seed, T0.AddDays(9)));
        Assert.Equal(3, s.ErrorBufferOf("xgb").Errors.Count);

        s = ModelRegistryTests.Run(s, new StartShadowTest("xgb", "v3", "scheduled", T0.AddDays(14), replayed));
        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v3", PromotionGateTests.Shadow(200, challengerRight: 7, championRight: 6),
            PromotionGateSettings.Seed, T0.AddDays(16)));
        Assert.Equal("v3", s.Champion("xgb")!.Version);
        Assert.Equal([T0.AddHours(2)], s.ErrorBufferOf("xgb").Errors.Select(e => e.Time));
        Assert.Equal(3, s.AsOf(T0.AddDays(15)).ErrorBufferOf("xgb").Errors.Count);
    }
}
