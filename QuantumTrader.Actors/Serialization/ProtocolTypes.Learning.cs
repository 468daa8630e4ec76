using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Serialization;

public static partial class ProtocolTypes
{
    static partial void RegisterLearning()
    {
        // Journaled events of the model supervisor.
        Add<ModelSupervisionStarted>("learning.supervision-started.v1");
        Add<TradeSupervised>("learning.trade-supervised.v1");
        Add<ModelDriftDetected>("learning.drift-detected.v1");
        Add<WeightsRebalanced>("learning.weights-rebalanced.v1");
        Add<WeightsRefused>("learning.weights-refused.v1");
        Add<ModelSupervisorSnapshot>("learning.supervisor-snapshot.v1");

        // Supervisor commands and replies.
        Add<SuperviseClosedTrades>("learning.supervise-trades.v1");
        Add<SupervisionResult>("learning.supervision-result.v1");
        Add<ProposeEnsembleWeights>("learning.propose-weights.v1");
        Add<GetSupervisorStatus>("learning.get-supervisor-status.v1");
        Add<SupervisorStatus>("learning.supervisor-status.v1");

        // Journaled events of the model registry and its circuit breakers.
        Add<VersionRegistered>("registry.version-registered.v1");
        Add<ShadowTestStarted>("registry.shadow-test-started.v1");
        Add<PromotionGateDecided>("registry.promotion-gate-decided.v1");
        Add<ErrorsRecorded>("registry.errors-recorded.v1");
        Add<RetrainingRequested>("registry.retraining-requested.v1");
        Add<AbTestStarted>("registry.ab-test-started.v1");
        Add<AbTestConcluded>("registry.ab-test-concluded.v1");
        Add<AbTestTradeRecorded>("registry.ab-test-trade-recorded.v1");
        Add<VersionPromoted>("registry.version-promoted.v1");
        Add<VersionRolledBack>("registry.version-rolled-back.v1");
        Add<VersionMarkedDegraded>("registry.version-marked-degraded.v1");
        Add<VersionMarkedImportant>("registry.version-marked-important.v1");
        Add<CleanupApproved>("registry.cleanup-approved.v1");
        Add<VersionDeleted>("registry.version-deleted.v1");
        Add<PromotionAwaitingReview>("registry.promotion-awaiting-review.v1");
        Add<PromotionDeclined>("registry.promotion-declined.v1");
        Add<MarketDriftChecked>("registry.market-drift-checked.v1");
        Add<PromotionReviewOverdue>("registry.promotion-review-overdue.v1");
        Add<CircuitBreakerOpened>("registry.breaker-opened.v1");
        Add<CircuitBreakerTradeRecorded>("registry.breaker-trade-recorded.v1");
        Add<CircuitBreakerTripped>("registry.breaker-tripped.v1");
        Add<CircuitBreakerClosed>("registry.breaker-closed.v1");

        // Registry commands and replies.
        Add<RegisterModelVersion>("registry.register-version.v1");
        Add<PromoteModelVersion>("registry.promote-version.v1");
        Add<RollBackModelVersion>("registry.roll-back-version.v1");
        Add<StartModelShadowTest>("registry.start-shadow-test.v1");
        Add<RecordModelErrors>("registry.record-errors.v1");
        Add<RecordModelMarketDrift>("registry.record-market-drift.v1");
        Add<RemindModelReview>("registry.remind-review.v1");
        Add<RequestModelRetraining>("registry.request-retraining.v1");
        Add<DecideModelPromotion>("registry.decide-promotion.v1");
        Add<DeclineModelPromotion>("registry.decline-promotion.v1");
        Add<StartModelAbTest>("registry.start-ab-test.v1");
        Add<StopModelAbTest>("registry.stop-ab-test.v1");
        Add<MarkModelImportant>("registry.mark-important.v1");
        Add<ApproveModelCleanup>("registry.approve-cleanup.v1");
        Add<ModelRegistryReply>("registry.reply.v1");
        Add<FeedCircuitBreakers>("registry.feed-breakers.v1");
        Add<CircuitBreakersFed>("registry.breakers-fed.v1");
        Add<GetModelRegistry>("registry.get-registry.v1");
        Add<ModelRegistryView>("registry.view.v1");
    }
}
