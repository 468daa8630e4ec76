using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>One realistic sample of every serialized type of the learning cascade, for the serialization tests.</summary>
public static class LearningSamples
{
    public static IReadOnlyList<object> All(ClosedTrade trade)
    {
        var t0 = LearningTrades.Start;
        var supervisor = ModelSupervisorState.Start(EnsembleWeights.Default.Values);
        var supervisorEvents = new List<IDomainEvent>();
        for (var i = 0; i < 20; i++)
        {
            var (next, events) = supervisor.Process(LearningTrades.XgbWithLgbmAgainst(i, i < 3 ? -1 : 2.0 - i % 2), new RegimeClassifier());
            supervisor = next;
            supervisorEvents.AddRange(events);
        }
        var refused = supervisor.Propose(new WeightProposal(new Dictionary<string, double> { ["xgb"] = 2 },
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), "operator", t0)).Single();
        var started = new ModelSupervisionStarted(EnsembleWeights.Default.Values, t0);
        var alarms = supervisorEvents.OfType<ModelDriftDetected>().ToArray();
        var rebalanced = supervisorEvents.OfType<WeightsRebalanced>().Single();

        var book = ModelRegistryBook.Empty;
        var registryEvents = new List<IDomainEvent>();
        void Do(RegistryCommand c)
        {
            var result = book.Process(c);
            registryEvents.AddRange(result.Events);
            book = result.Events.Aggregate(book, (b, e) => b.Apply(e));
        }
        var range = new TrainingRange(t0.AddDays(-30), t0.AddDays(-1));
        var metrics = new Dictionary<string, double> { ["auc"] = 0.56, ["accuracy"] = 0.54 };
        foreach (var v in new[] { "xgb-v1", "xgb-v2", "xgb-v3" })
            Do(new RegisterVersion(ModelSlots.Xgb, v, range, metrics, $"/state/models/xgb/{v}.json", 70_000, t0.AddDays(-1)));
        Do(new PromoteVersion(ModelSlots.Xgb, "xgb-v1", "first version of the slot", t0.AddDays(-1)));
        var error = new PredictionError("BTCUSDT", t0.AddHours(-5), MarketRegime.Crash, false, TradeAction.Buy, 0.83, "xgb-v1");
        Do(new RecordErrors(ModelSlots.Xgb, "xgb-v1", [error], 1000, t0.AddHours(-1)));
        Do(new RequestRetraining(ModelSlots.Xgb, "new listing data", t0.AddHours(-1)));
        Do(new StartShadowTest(ModelSlots.Xgb, "xgb-v2", "scheduled: newest training data is 168 h old (every 168 h)", t0, [error.Key], t0.AddHours(-1)));
        var shadow = ShadowTestResult.Score(
            Enumerable.Range(0, 150).Select(i => new ShadowSample(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", t0.AddHours(i),
                i % 7 == 0 ? MarketRegime.Crash : MarketRegime.Ranging, i % 3 != 0, TradeAction.Buy, i % 3 != 0 ? TradeAction.Buy : TradeAction.Hold)),
            new FeatureDriftScore(0.12, "rv_20"), t0, t0.AddHours(150)) with { Replayed = new CallAccuracy(1, 1) };
        var gate = new PromotionGateSettings(MinAccuracy: 0.6, MinCrashAccuracy: 0.6);
        Do(new DecidePromotion(ModelSlots.Xgb, "xgb-v2", shadow, gate, t0));
        for (var i = 1; i <= 10; i++)
        {
            var (next, events) = book.Feed(LearningTrades.BothBuy(i, -1, t0));
            book = next;
            registryEvents.AddRange(events);
        }
        Do(new MarkDegraded(ModelSlots.Xgb, "xgb-v3", "bad backtest", t0.AddDays(1)));
        Do(new MarkImportant(ModelSlots.Xgb, "xgb-v2", true, t0.AddDays(2)));
        Do(new MarkImportant(ModelSlots.Xgb, "xgb-v2", false, t0.AddDays(2)));
        Do(new ApproveCleanup(ModelSlots.Xgb, "xgb-v3", "ops", t0.AddDays(3)));
        Do(new DeleteVersion(ModelSlots.Xgb, "xgb-v3", t0.AddDays(3)));
        Do(new RegisterVersion(ModelSlots.Xgb, "xgb-v4", range, metrics, "/state/models/xgb/xgb-v4.json", 71_000, t0.AddDays(4)));
        Do(new PromoteVersion(ModelSlots.Xgb, "xgb-v4", "operator", t0.AddDays(4)));
        Do(new RollBackVersion(ModelSlots.Xgb, null, "operator", false, t0.AddDays(4).AddHours(1)));
        foreach (var v in new[] { "lgbm-v1", "lgbm-v2" })
            Do(new RegisterVersion(ModelSlots.Lgbm, v, range, metrics, $"/state/models/lgbm/{v}.json", 70_000, t0.AddDays(4)));
        Do(new PromoteVersion(ModelSlots.Lgbm, "lgbm-v1", "first version of the slot", t0.AddDays(4)));
        Do(new StartShadowTest(ModelSlots.Lgbm, "lgbm-v2", "drift alarm", t0.AddDays(4)));
        var ab = new AbTestSettings(0.5, 2, TimeSpan.FromDays(7), 0.15);
        Do(new DecidePromotion(ModelSlots.Lgbm, "lgbm-v2", shadow, gate, t0.AddDays(5), ab));
        for (var i = 1; i <= 12 && book.Registry.AbTestOf(ModelSlots.Lgbm) is not null; i++)
        {
            var (next, events) = book.Feed(LearningTrades.BothBuy(i, 1.0 + i % 3, t0.AddDays(5)));
            book = next;
            registryEvents.AddRange(events);
        }
        var rolledBack = registryEvents.OfType<VersionRolledBack>().First();
        var drift = new DriftMeasure("BTCUSDT", DriftKind.Feature, 0.31, 0.25, true, "drifted: rv_20 KS 0.31 > 0.25");
        var trip = registryEvents.OfType<CircuitBreakerTripped>().Single();

        return
        [
            started,
            .. supervisorEvents.OfType<TradeSupervised>().Take(1),
            alarms[0],
            rebalanced,
            refused,
            new ModelSupervisorSnapshot(supervisor, ["TEST-0000", "TEST-0001"]),
            new SuperviseClosedTrades([trade]),
            new SupervisionResult(1, 0, alarms, [rebalanced, refused], rebalanced.Overall, rebalanced.Time),
            new ProposeEnsembleWeights(rebalanced.Overall, rebalanced.ByRegime, "operator", t0),
            GetSupervisorStatus.Instance,
            new SupervisorStatus(20, 20, supervisor.InitialWeights, supervisor.Weights.Overall, supervisor.Weights.ByRegime, supervisor.WeightsAsOf,
                alarms, supervisor.WeightHistory, supervisor.OverallStats()),
            .. registryEvents.GroupBy(e => e.GetType()).Select(g => g.First()),
            new VersionPromoted(ModelSlots.Xgb, "xgb-v5", "xgb-v1", "better auc", t0) { ByOperator = true, GivenAt = t0.AddDays(3), Operator = "alice" },
            new PromotionAwaitingReview(ModelSlots.Xgb, "xgb-v5", "xgb-v1", "A/B test switch: challenger Sharpe 0.4 > 0.3", t0),
            new PromotionDeclined(ModelSlots.Xgb, "xgb-v5", "arms too small to trust", t0) { GivenAt = t0.AddDays(1), Operator = "alice" },
            new DeclineModelPromotion(ModelSlots.Xgb, "xgb-v5", "arms too small to trust", null) { Operator = "alice" },
            new DecideModelPromotion(ModelSlots.Xgb, "xgb-v5", shadow, gate, t0, ab with { AwaitsReview = true }, AutoPromote: false),
            new RegisterModelVersion(ModelSlots.Xgb, "xgb-v5", range, metrics, "/state/models/xgb/xgb-v5.json", 71_000, t0, true),
            new PromoteModelVersion(ModelSlots.Xgb, "xgb-v5", "operator", t0),
            new PromoteModelVersion(ModelSlots.Xgb, "xgb-v5", "better auc", null) { Operator = "alice" },
            new RollBackModelVersion(ModelSlots.Xgb, "xgb-v1", "operator", true, t0),
            new StartModelShadowTest(ModelSlots.Xgb, "xgb-v5", "drift alarm", t0, [error.Key], t0),
            new RecordModelErrors(ModelSlots.Xgb, "xgb-v1", [error], 1000, t0),
            new RecordModelMarketDrift(ModelSlots.Xgb, "xgb-v1", [drift], t0),
            new RemindModelReview(ModelSlots.Xgb, TimeSpan.FromHours(72), t0),
            new PromotionReviewOverdue(ModelSlots.Xgb, "xgb-v5", t0.AddDays(-3), t0),
            new MarketDriftChecked(ModelSlots.Xgb, "xgb-v1", [drift, drift with { Kind = DriftKind.Regime, Detected = false, Detail = "stable" }], t0),
            new RequestModelRetraining(ModelSlots.Xgb, "new listing data", t0),
            new DecideModelPromotion(ModelSlots.Xgb, "xgb-v5", shadow, gate, t0, ab),
            new StartModelAbTest(ModelSlots.Xgb, "xgb-v5", ab, "operator", t0),
            new StopModelAbTest(ModelSlots.Xgb, "operator", t0),
            new MarkModelImportant(ModelSlots.Xgb, "xgb-v1", true, t0),
            new ApproveModelCleanup(ModelSlots.Xgb, "xgb-v3", "ops", t0),
            new ModelRegistryReply(true, null, registryEvents.OfType<RegistryEvent>().Take(3).ToArray(), "registered xgb/xgb-v1"),
            new FeedCircuitBreakers([trade]),
            new CircuitBreakersFed([trip], [rolledBack], registryEvents.OfType<AbTestConcluded>().ToArray()),
            GetModelRegistry.Instance,
            new ModelRegistryView(book.Registry.Versions, book.Registry.History, book.Breakers.Values.ToArray(), [trip])
            {
                AbTestsRunning = [AbTestProgress.Of(new AbTestStarted(ModelSlots.Xgb, "xgb-v5", "xgb-v1", ab, "operator", t0), ArmStats.None.Add(1).Add(-0.5), ArmStats.None.Add(2))],
                AwaitingReview = [new PromotionAwaitingReview(ModelSlots.Xgb, "xgb-v5", "xgb-v1", "promotion gate approved", t0)],
                MarketDrift = [new MarketDriftChecked(ModelSlots.Xgb, "xgb-v1", [drift], t0)],
            },
        ];
    }
}
