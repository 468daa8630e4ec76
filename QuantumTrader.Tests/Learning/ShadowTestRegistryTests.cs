using QuantumTrader.Models;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

/// <summary>The registry's side of retraining: a shadow test per slot, the gate's decision journaled, promotion only on approval.</summary>
public class ShadowTestRegistryTests
{
    private static readonly ShadowTestResult Good = PromotionGateTests.Shadow(200, challengerRight: 7, championRight: 6);
    private static readonly ShadowTestResult Weak = PromotionGateTests.Shadow(200, challengerRight: 5, championRight: 6);

    /// <summary>v1 champion, v2 and v3 registered.</summary>
    private static ModelRegistryState Registry()
    {
        var s = ModelRegistryState.Empty;
        foreach (var (v, day) in new[] { ("v1", 0), ("v2", 7), ("v3", 14) }) s = ModelRegistryTests.Run(s, ModelRegistryTests.Register(v, ModelRegistryTests.T0.AddDays(day)));
        return ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v1", "first version of the slot", ModelRegistryTests.T0));
    }

    [Fact]
    public void A_challenger_under_a_running_shadow_or_ab_test_cannot_be_deleted_until_its_verdict()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        Assert.Equal("version xgb/v2 is in a running shadow test; wait for the gate's decision",
            s.Process(new ApproveCleanup("xgb", "v2", "ops", ModelRegistryTests.T0.AddDays(8))).Error);

        var ab = ModelRegistryTests.Run(Registry(), new StartAbTest("xgb", "v3", AbTestSettings.Seed, "try it", ModelRegistryTests.T0.AddDays(15)));
        Assert.Equal("version xgb/v3 is in a running A/B test; stop it or wait for its verdict",
            ab.Process(new ApproveCleanup("xgb", "v3", "ops", ModelRegistryTests.T0.AddDays(16))).Error);

        var rejected = s.Process(new DecidePromotion("xgb", "v2", Weak, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));
        s = rejected.Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.IsType<CleanupApproved>(Assert.Single(s.Process(new ApproveCleanup("xgb", "v2", "ops", ModelRegistryTests.T0.AddDays(11))).Events));
    }

    [Fact]
    public void An_approved_challenger_is_promoted_with_the_gate_report_as_its_reason()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        Assert.Equal(ModelVersionStatus.Challenger, s.Find("xgb", "v2")!.Status);
        Assert.Equal("v1", s.ShadowTestOf("xgb")!.Champion);

        var result = s.Process(new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));

        Assert.True(result.Succeeded, result.Error);
        var decided = Assert.IsType<PromotionGateDecided>(result.Events[0]);
        var promoted = Assert.IsType<VersionPromoted>(result.Events[1]);
        Assert.True(decided.Report.Approved);
        Assert.Equal(("v2", "v1"), (promoted.Version, promoted.PreviousChampion));
        Assert.Equal("promotion gate " + decided.Report.Summary, promoted.Reason);
        s = result.Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.Equal("v2", s.Champion("xgb")!.Version);
        Assert.Null(s.ShadowTestOf("xgb"));
    }

    [Fact]
    public void A_rejected_challenger_is_marked_and_the_champion_keeps_serving()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "drift alarm", ModelRegistryTests.T0.AddDays(7)));

        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", Weak, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));

        Assert.Equal("v1", s.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Rejected, s.Find("xgb", "v2")!.Status);
        var decided = s.History.OfType<PromotionGateDecided>().Single();
        Assert.StartsWith("rejected: accuracy 0.5 < 0.65", decided.Report.Summary);
        Assert.Same(Weak, decided.Evidence);
        Assert.Null(s.ShadowTestOf("xgb"));
        // The operator's override: a rejected version can still be promoted by hand.
        Assert.Equal("v2", ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v2", "operator override", ModelRegistryTests.T0.AddDays(11))).Champion("xgb")!.Version);
    }

    [Fact]
    public void Starting_and_deciding_again_changes_nothing()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        Assert.Empty(s.Process(new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7))).Events);

        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", Weak, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));
        var again = s.Process(new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(11)));
        var restart = s.Process(new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(12)));

        Assert.True(again.Succeeded && restart.Succeeded);
        Assert.Empty(again.Events);
        Assert.Empty(restart.Events);
        Assert.Equal(ModelVersionStatus.Rejected, s.Find("xgb", "v2")!.Status);
    }

    [Fact]
    public void Shadow_tests_are_refused_where_they_cannot_run()
    {
        var s = Registry();
        Assert.Equal("version xgb/v1 is the champion", s.Process(new StartShadowTest("xgb", "v1", "scheduled", ModelRegistryTests.T0.AddDays(7))).Error);
        Assert.Equal("a shadow test must say what triggered the retraining", s.Process(new StartShadowTest("xgb", "v2", " ", ModelRegistryTests.T0.AddDays(7))).Error);
        Assert.Equal("version xgb/v2 is not in a shadow test",
            s.Process(new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(7))).Error);

        s = ModelRegistryTests.Run(s, new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        Assert.Equal("slot xgb already shadow-tests v2", s.Process(new StartShadowTest("xgb", "v3", "scheduled", ModelRegistryTests.T0.AddDays(14))).Error);

        var noChampion = ModelRegistryTests.Run(ModelRegistryState.Empty, ModelRegistryTests.Register("v9", ModelRegistryTests.T0, slot: "lgbm"));
        Assert.Equal("slot lgbm has no champion to shadow", noChampion.Process(new StartShadowTest("lgbm", "v9", "scheduled", ModelRegistryTests.T0)).Error);
    }

    [Fact]
    public void The_registry_as_of_a_time_holds_only_what_happened_by_then()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));

        Assert.Equal("v2", s.Champion("xgb")!.Version);
        Assert.Equal("v1", s.AsOf(ModelRegistryTests.T0.AddDays(9)).Champion("xgb")!.Version);
        Assert.Equal("v2", s.AsOf(ModelRegistryTests.T0.AddDays(9)).ShadowTestOf("xgb")!.Version);
        Assert.Null(s.AsOf(ModelRegistryTests.T0.AddDays(10)).ShadowTestOf("xgb"));
        Assert.Single(s.AsOf(ModelRegistryTests.T0.AddDays(7).AddTicks(-1)).Versions);
    }

    [Fact]
    public void A_promotion_through_the_gate_opens_a_circuit_breaker_on_the_new_champion()
    {
        var book = ModelRegistryBook.Empty with { Registry = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7))) };

        var result = book.Process(new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10)));

        var opened = Assert.Single(result.Events.OfType<CircuitBreakerOpened>());
        Assert.Equal(("v2", "v1"), (opened.Breaker.NewVersion, opened.Breaker.PreviousVersion));
    }

    private static (ModelRegistryBook Book, List<IDomainEvent> Events) FeedAll(ModelRegistryBook book, IEnumerable<Models.Execution.ClosedTrade> trades)
    {
        var all = new List<IDomainEvent>();
        foreach (var t in trades)
        {
            var (next, events) = book.Feed(t);
            book = next;
            all.AddRange(events);
        }
        return (book, all);
    }

    /// <summary>xgb v1 champion, v2 approved by the gate into an A/B test at <see cref="LearningTrades.Start"/>.</summary>
    private static ModelRegistryBook InAbTest(AbTestSettings ab)
    {
        var t0 = LearningTrades.Start;
        var book = ModelRegistryBook.Empty;
        foreach (var c in new RegistryCommand[]
                 {
                     ModelRegistryTests.Register("v1", t0.AddDays(-14)), ModelRegistryTests.Register("v2", t0.AddDays(-3)),
                     new PromoteVersion("xgb", "v1", "first", t0.AddDays(-14)), new StartShadowTest("xgb", "v2", "scheduled", t0.AddDays(-3)),
                     new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, t0, ab),
                 })
        {
            var result = book.Process(c);
            Assert.True(result.Succeeded, result.Error);
            book = result.Events.Aggregate(book, (b, e) => b.Apply(e));
        }
        return book;
    }

    [Fact]
    public void An_approval_with_an_A_B_test_starts_the_test_instead_of_promoting()
    {
        var book = InAbTest(AbTestSettings.Seed);

        var started = Assert.Single(book.Registry.History.OfType<AbTestStarted>());
        Assert.Equal(("v2", "v1", AbTestSettings.Seed), (started.Version, started.Champion, started.Settings));
        Assert.Equal("v1", book.Registry.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Challenger, book.Registry.Find("xgb", "v2")!.Status);
        Assert.Null(book.Registry.ShadowTestOf("xgb"));
        Assert.Same(started, book.Registry.AbTestOf("xgb"));
    }

    [Fact]
    public void Trades_count_in_the_arm_that_decided_them_once_and_a_won_test_promotes_the_challenger()
    {
        var ab = new AbTestSettings(0.5, 3, TimeSpan.FromDays(7), 0.15);
        var book = InAbTest(ab);
        var early = LearningTrades.BothBuy(1, 1.0, LearningTrades.Start.AddHours(-5));
        // The champion's trades lose and the challenger's win, so the challenger's Sharpe beats the champion's.
        var trades = Enumerable.Range(1, 40).Select(i => LearningTrades.BothBuy(i, 0, LearningTrades.Start)).Select(t =>
            t with { RMultiple = AbSplit.ToChallenger("xgb", "v2", t.Symbol, t.Decision.DecidedAt, 0.5) ? 1.0 + t.ExitTime.Hour % 3 * 0.1 : -0.5 - t.ExitTime.Hour % 2 * 0.1 })
            .ToArray();

        var (after, events) = FeedAll(book, [early, .. trades, trades[0]]);

        var recorded = events.OfType<AbTestTradeRecorded>().ToArray();
        Assert.DoesNotContain(recorded, r => r.TradeId == early.TradeId && r.Time == early.ExitTime);
        Assert.Equal(recorded.Length, recorded.Select(r => r.TradeId).Distinct().Count());
        Assert.Equal(3, recorded.Count(r => r.ToChallenger));
        var concluded = Assert.Single(events.OfType<AbTestConcluded>());
        Assert.True(concluded.Switch, concluded.Verdict);
        Assert.Equal(3, concluded.ChallengerArm.Trades);
        var promoted = Assert.Single(events.OfType<VersionPromoted>());
        Assert.Equal("A/B test " + concluded.Verdict, promoted.Reason);
        Assert.Single(events.OfType<CircuitBreakerOpened>());
        Assert.Equal("v2", after.Registry.Champion("xgb")!.Version);
        Assert.Null(after.Registry.AbTestOf("xgb"));
    }

    [Fact]
    public void A_test_that_runs_out_of_time_without_enough_trades_keeps_the_champion()
    {
        var book = InAbTest(AbTestSettings.Seed);
        var late = LearningTrades.BothBuy(24 * 7, 1.0, LearningTrades.Start);

        var (after, events) = FeedAll(book, [LearningTrades.BothBuy(1, 1.0, LearningTrades.Start), late]);

        var concluded = Assert.Single(events.OfType<AbTestConcluded>());
        Assert.False(concluded.Switch);
        Assert.Contains("too few to judge", concluded.Verdict);
        Assert.Empty(events.OfType<VersionPromoted>());
        Assert.Equal(ModelVersionStatus.Rejected, after.Registry.Find("xgb", "v2")!.Status);
        Assert.Equal("v1", after.Registry.Champion("xgb")!.Version);
    }

    [Fact]
    public void An_operator_starts_an_A_B_test_where_none_runs_and_stops_it_without_a_switch()
    {
        var t0 = LearningTrades.Start;
        var book = ModelRegistryBook.Empty;
        foreach (var c in new RegistryCommand[]
                 {
                     ModelRegistryTests.Register("v1", t0.AddDays(-14)), ModelRegistryTests.Register("v2", t0.AddDays(-3)), ModelRegistryTests.Register("v3", t0.AddDays(-2)),
                     new PromoteVersion("xgb", "v1", "first", t0.AddDays(-14)),
                 })
            book = book.Process(c).Events.Aggregate(book, (b, e) => b.Apply(e));

        Assert.Equal("version xgb/v1 is the champion", book.Process(new StartAbTest("xgb", "v1", AbTestSettings.Seed, "why not", t0)).Error);
        Assert.Equal("an A/B test started by hand must say why", book.Process(new StartAbTest("xgb", "v2", AbTestSettings.Seed, "", t0)).Error);
        Assert.Equal("the A/B share is 0; it must be between 0 and 1", book.Process(new StartAbTest("xgb", "v2", AbTestSettings.Seed with { Share = 0 }, "x", t0)).Error);
        Assert.Equal("slot xgb runs no A/B test", book.Process(new StopAbTest("xgb", "outage", t0)).Error);

        var start = book.Process(new StartAbTest("xgb", "v2", AbTestSettings.Seed, "new features", t0));
        Assert.Equal("new features", Assert.IsType<AbTestStarted>(Assert.Single(start.Events)).Reason);
        book = start.Events.Aggregate(book, (b, e) => b.Apply(e));
        Assert.Equal("slot xgb already A/B-tests v2; stop that test first", book.Process(new StartAbTest("xgb", "v3", AbTestSettings.Seed, "x", t0)).Error);
        (book, _) = FeedAll(book, [LearningTrades.BothBuy(1, 1.0, t0), LearningTrades.BothBuy(2, -1.0, t0)]);

        var stop = book.Process(new StopAbTest("xgb", "exchange outage", t0.AddHours(3)));
        var concluded = Assert.IsType<AbTestConcluded>(Assert.Single(stop.Events));
        Assert.False(concluded.Switch);
        Assert.Equal(2, concluded.ChampionArm.Trades + concluded.ChallengerArm.Trades);
        Assert.StartsWith("stopped by an operator: exchange outage; the arms then: keep the champion", concluded.Verdict);
        book = stop.Events.Aggregate(book, (b, e) => b.Apply(e));
        Assert.Null(book.Registry.AbTestOf("xgb"));
        Assert.Equal("v1", book.Registry.Champion("xgb")!.Version);
    }

    [Fact]
    public void An_operators_retraining_request_is_pending_until_the_slots_next_shadow_test_starts()
    {
        var s = ModelRegistryTests.Run(Registry(), new RequestRetraining("xgb", "new listing data", ModelRegistryTests.T0.AddDays(30)));
        var pending = s.PendingRetraining("xgb")!;
        Assert.Equal(("v1", "new listing data"), (pending.Version, pending.Reason));
        Assert.Null(s.PendingRetraining("lgbm"));
        Assert.Empty(s.Process(new RequestRetraining("xgb", "again", ModelRegistryTests.T0.AddDays(31))).Events);

        // A shadow test trained for another reason leaves the request pending; one trained for it answers it, whatever the stamps.
        s = ModelRegistryTests.Run(s, new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));
        Assert.Same(pending, s.PendingRetraining("xgb"));
        s = ModelRegistryTests.Run(s, new DecidePromotion("xgb", "v2", Weak, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(8)));
        s = ModelRegistryTests.Run(s, new StartShadowTest("xgb", "v3", RetrainPolicy.Trigger(ModelRegistryTests.T0.AddDays(8), ModelRegistryTests.T0,
            null, RetrainSettings.Weekly(), pending)!, ModelRegistryTests.T0.AddDays(8), Answers: pending.Time));
        Assert.Null(s.PendingRetraining("xgb"));
        Assert.StartsWith("requested by an operator at ", s.ShadowTestOf("xgb")!.Trigger);
        Assert.EndsWith(": new listing data", s.ShadowTestOf("xgb")!.Trigger);
        Assert.Single(s.Process(new RequestRetraining("xgb", "once more", ModelRegistryTests.T0.AddDays(32))).Events);

        Assert.Equal("a retraining request must say why", s.Process(new RequestRetraining("xgb", " ", ModelRegistryTests.T0)).Error);
        Assert.Equal("slot lgbm has no champion to retrain", s.Process(new RequestRetraining("lgbm", "why not", ModelRegistryTests.T0)).Error);
    }

    [Fact]
    public void Without_auto_promotion_an_approval_awaits_review_and_an_operators_promotion_ends_the_wait()
    {
        var s = ModelRegistryTests.Run(Registry(), new StartShadowTest("xgb", "v2", "scheduled", ModelRegistryTests.T0.AddDays(7)));

        var result = s.Process(new DecidePromotion("xgb", "v2", Good, PromotionGateSettings.Seed, ModelRegistryTests.T0.AddDays(10), AutoPromote: false));

        Assert.True(result.Succeeded, result.Error);
        var decided = Assert.IsType<PromotionGateDecided>(result.Events[0]);
        var awaiting = Assert.IsType<PromotionAwaitingReview>(result.Events[1]);
        Assert.Equal(2, result.Events.Count);
        Assert.Equal(("v2", "v1", "promotion gate " + decided.Report.Summary), (awaiting.Version, awaiting.Champion, awaiting.Recommendation));
        s = result.Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.Equal(("v1", ModelVersionStatus.Challenger), (s.Champion("xgb")!.Version, s.Find("xgb", "v2")!.Status));
        Assert.Same(awaiting, s.AwaitingReview("xgb"));
        Assert.Equal([awaiting], s.AwaitingReviews());
        Assert.Null(s.ShadowTestOf("xgb"));

        s = ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v2", "reviewed: better accuracy", ModelRegistryTests.T0.AddDays(11)) { ByOperator = true });
        Assert.Equal("v2", s.Champion("xgb")!.Version);
        Assert.Null(s.AwaitingReview("xgb"));
        Assert.Equal("no promotion of xgb/v2 awaits review", s.Process(new DeclinePromotion("xgb", "v2", "too late", ModelRegistryTests.T0.AddDays(12))).Error);
    }

    [Fact]
    public void A_won_A_B_test_that_awaits_review_does_not_switch_and_a_decline_rejects_the_challenger_with_its_reason()
    {
        var ab = new AbTestSettings(0.5, 3, TimeSpan.FromDays(7), 0.15) { AwaitsReview = true };
        var book = InAbTest(ab);
        var trades = Enumerable.Range(1, 40).Select(i => LearningTrades.BothBuy(i, 0, LearningTrades.Start)).Select(t =>
            t with { RMultiple = AbSplit.ToChallenger("xgb", "v2", t.Symbol, t.Decision.DecidedAt, 0.5) ? 1.0 + t.ExitTime.Hour % 3 * 0.1 : -0.5 - t.ExitTime.Hour % 2 * 0.1 })
            .ToArray();

        var (after, events) = FeedAll(book, trades);

        var concluded = Assert.Single(events.OfType<AbTestConcluded>());
        Assert.True(concluded.Switch, concluded.Verdict);
        Assert.Empty(events.OfType<VersionPromoted>());
        var awaiting = Assert.Single(events.OfType<PromotionAwaitingReview>());
        Assert.Equal("A/B test " + concluded.Verdict, awaiting.Recommendation);
        Assert.Equal("v1", after.Registry.Champion("xgb")!.Version);
        Assert.Null(after.Registry.AbTestOf("xgb"));
        Assert.Same(awaiting, after.Registry.AwaitingReview("xgb"));

        var t = LearningTrades.Start.AddDays(3);
        Assert.Equal("no promotion of xgb/v1 awaits review; xgb/v2 does", after.Process(new DeclinePromotion("xgb", "v1", "no", t)).Error);
        Assert.Equal("declining a promotion must say why", after.Process(new DeclinePromotion("xgb", "v2", " ", t)).Error);
        var declined = after.Process(new DeclinePromotion("xgb", "v2", "the arms are too small to trust", t));
        Assert.True(declined.Succeeded, declined.Error);
        var registry = declined.Events.OfType<RegistryEvent>().Aggregate(after.Registry, (x, e) => x.Apply(e));
        Assert.Equal(("v1", ModelVersionStatus.Rejected), (registry.Champion("xgb")!.Version, registry.Find("xgb", "v2")!.Status));
        Assert.Null(registry.AwaitingReview("xgb"));
        Assert.Equal("the arms are too small to trust", Assert.IsType<PromotionDeclined>(Assert.Single(declined.Events)).Reason);
    }
}
