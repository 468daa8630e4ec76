using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Serialization;

public static partial class ProtocolTypes
{
    // Each area registers its own types in its own file of this partial class.
    static partial void RegisterLearning();
    static partial void RegisterRisk();
    static partial void RegisterSizing();

    private static void RegisterAll()
    {
        RegisterLearning();
        RegisterRisk();
        RegisterSizing();

        // Journaled domain events of the symbol entity.
        Add<OrderPlaced>("symbol.order-placed.v1");
        Add<FillExecuted>("symbol.fill-executed.v1");
        Add<TradeClosed>("symbol.trade-closed.v1");
        Add<SignalRejected>("symbol.signal-rejected.v1");
        Add<RegimeChanged>("symbol.regime-changed.v1");
        Add<SymbolEventsCommitted>("symbol.events-committed.v1");
        Add<SymbolSnapshot>("symbol.snapshot.v1");

        // Symbol commands and replies.
        Add<ProcessBar>("symbol.process-bar.v1");
        Add<BarProcessed>("symbol.bar-processed.v1");
        Add<BarToDecide>("symbol.bar-to-decide.v1");
        Add<DecideBars>("symbol.decide-bars.v1");
        Add<SymbolReplayCounts>("symbol.replay-counts.v1");
        Add<BarsDecided>("symbol.bars-decided.v1");
        Add<GetSymbolStatus>("symbol.get-status.v1");
        Add<SymbolStatus>("symbol.status.v1");
        Add<FlushSymbol>("symbol.flush.v1");
        Add<SymbolFlushed>("symbol.flushed.v1");
        Add<StopSymbol>("symbol.stop.v1");

        // Model entity.
        Add<ModelOutcome>("model.outcome.v1");
        Add<RecordModelOutcomes>("model.record-outcomes.v1");
        Add<ModelOutcomesRecorded>("model.outcomes-recorded.v1");
        Add<ModelOutcomeRecorded>("model.outcome-recorded.v1");
        Add<OutcomesAck>("model.outcomes-ack.v1");
        Add<GetModelPerformance>("model.get-performance.v1");
        Add<ModelPerformanceReport>("model.performance.v1");
        Add<ModelPerformanceSnapshot>("model.snapshot.v1");

        // Account entity.
        Add<TradeToSettle>("account.trade-to-settle.v1");
        Add<SettleTrades>("account.settle-trades.v1");
        Add<TradeSettled>("account.trade-settled.v1");
        Add<TradesSettled>("account.trades-settled.v1");
        Add<SettleAck>("account.settle-ack.v2");
        Add<GetAccountStatus>("account.get-status.v1");
        Add<AccountStatus>("account.status.v1");
        Add<AccountSnapshot>("account.snapshot.v1");

        // Trade feed projection.
        Add<TradesDelivered>("feed.delivered.v1");
        Add<AlertsDelivered>("alerts.delivered.v1");
        Add<ServingFailuresObserved>("alerts.serving-failures-observed.v1");
        Add<DataStaleObserved>("alerts.data-stale-observed.v1");
        Add<DataResumed>("alerts.data-resumed.v1");
        Add<DataGap>("alerts.data-gap.v1");
        Add<TradeFeedAdvanced>("feed.advanced.v1");
        Add<GetTradeFeedStatus>("feed.get-status.v1");
        Add<TradeFeedStatus>("feed.status.v1");
    }
}
