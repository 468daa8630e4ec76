using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Tests.Learning.Ppo;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>Every serialized type round-trips through the configured serializer, and every registered type has a sample here.</summary>
public sealed class ProtocolSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    public ProtocolSerializationTests() : base(HoconFiles.Node(new NodeSettings { StateDirectory = Path.GetTempPath() })) { }

    private static IReadOnlyList<object> Samples()
    {
        var (state, events) = SymbolTimeline.Run();
        var trade = events.OfType<TradeClosed>().First().Trade;
        var time = trade.ExitTime;
        return
        [
            .. events.OfType<OrderPlaced>().Take(1),
            .. events.OfType<FillExecuted>().Take(1),
            .. events.OfType<TradeClosed>().Take(1),
            .. events.OfType<SignalRejected>().Take(1),
            .. events.OfType<RegimeChanged>().Take(1),
            new SymbolEventsCommitted("TEST", events),
            new SymbolSnapshot(state),
            new ProcessBar("TEST", 7, SyntheticBars.Make("TEST", 1)[0], PortfolioView.Of(10_000), true),
            new BarProcessed("TEST", 7, false, true, 2, [trade]),
            new BarToDecide(7, SyntheticBars.Make("TEST", 1)[0], true),
            new DecideBars("TEST", 6, [new BarToDecide(7, SyntheticBars.Make("TEST", 1)[0], true)], PortfolioView.Of(10_000)),
            new SymbolReplayCounts(3, 2, 1, 40),
            new BarsDecided("TEST", 6, 7, true, [trade], [new PositionOpened(trade.TradeId, "TEST", trade.EntryTime, 512.5, 102.5, 0.05)], new SymbolReplayCounts(3, 2, 0, 40)),
            new GetSymbolStatus("TEST"),
            new SymbolStatus("TEST", 7, 1, 1, 0, 12.5, "Ranging", null, 0),
            new FlushSymbol("TEST"),
            new SymbolFlushed("TEST", 7),
            StopSymbol.Instance,
            new ModelOutcome(trade.TradeId, "TEST", time, -1.2),
            new RecordModelOutcomes(ModelSlots.Xgb, [new ModelOutcome(trade.TradeId, "TEST", time, -1.2)]),
            new ModelOutcomesRecorded(ModelSlots.Xgb, [new ModelOutcome(trade.TradeId, "TEST", time, -1.2)]),
            new ModelOutcomeRecorded(ModelSlots.Xgb, trade.TradeId, "TEST", time, -1.2),
            new OutcomesAck(ModelSlots.Xgb, 1, 0),
            new GetModelPerformance(ModelSlots.Lgbm),
            new ModelPerformanceReport(ModelSlots.Lgbm, 3, 3, 0.66, 0.4, 0.3, 1.1, 0),
            new ModelPerformanceSnapshot(LivePerformance.Start().Apply(1.5).Apply(-1), [trade.TradeId]),
            new TradeToSettle(trade.TradeId, "TEST", time, -15),
            new SettleTrades("paper", [new TradeToSettle(trade.TradeId, "TEST", time, -15)]),
            new TradeSettled("paper", trade.TradeId, "TEST", time, -15, 9_985),
            new TradesSettled("paper", [new TradeSettled("paper", trade.TradeId, "TEST", time, -15, 9_985)]),
            new SettleAck("paper", 1, 1),
            new GetAccountStatus("paper"),
            new AccountStatus("paper", 10_000, 9_985, 10_000, -0.15, 1),
            new AccountSnapshot(10_000, 9_985, 10_000, -0.15, [trade.TradeId]),
            new TradesDelivered(42, [trade.TradeId]),
            new TradeFeedAdvanced(42, trade.TradeId),
            GetTradeFeedStatus.Instance,
            new TradeFeedStatus(42, 1),
            new AlertsDelivered(3, time),
            new ServingFailuresObserved(ModelSlots.Nhits, "nhits-v1", 3, 1, "libtorch session lost", time),
            new DataStaleObserved(time, 190.5, 180, ["/data/BTCUSDT-1h.csv"]),
            new DataResumed(time, 240, ["/data/BTCUSDT-1h.csv"]),
            new DataGap("BTCUSDT", time.AddHours(-4), time, 3, "BTCUSDT-1h.csv", 3817),
            .. LearningSamples.All(trade),
            .. SizingSamples(),
            .. RiskSamples(trade),
        ];
    }

    private static IEnumerable<object> RiskSamples(Models.Execution.ClosedTrade trade)
    {
        var time = trade.ExitTime;
        var batch = new EssTradesSettled("paper", time, [EssTrade.From(trade)]);
        var ess = AccountEss.Start("paper", 10_000).Apply(batch).Next;
        var transition = new EssTransition(time, EssMode.Normal, EssMode.Emergency, -12, false, "drawdown -12.00% is below the EMERGENCY threshold -10.00%", false);
        var (policy, change) = RiskPolicy.Default.Change(EssMode.Cautious, new RiskLimits(250, 8, 0.6, 3, 800, 500, 0.7), "tighter after a loss streak", time);
        var overlay = policy.OverlayFor(RegimeNames.HighVolatility);
        return
        [
            batch,
            new EssManualTrigger("paper", "exchange outage", time),
            new EssManualTrigger("paper", "exchange outage", time) { Operator = "alice" },
            change with { Operator = "alice" },
            new EssManualReset("paper", "venue back", time),
            transition.ToEvent("paper"),
            new EssTransition(time, EssMode.Emergency, EssMode.Protective, -9.4, true, "recovered", false).ToEvent("paper"),
            new AccountStateSnapshot(new AccountSnapshot(10_000, 9_985, 10_000, -0.15, [trade.TradeId]), ess),
            new SettleEssTrades(batch),
            new TriggerEmergency("paper", "exchange outage", time),
            new TriggerEmergency("paper", "exchange outage", time, time.AddHours(3).AddTicks(-1)),
            new TriggerEmergency("paper", "exchange outage", time) { Operator = "alice" },
            new ResetEmergency("paper", "venue back", time),
            new GetEssStatus("paper"),
            new EssStatus("paper", EssMode.Emergency, false, true, -12, 8_800, 10_000, time, 3, [transition]),
            change,
            new RiskPolicyState(policy, 1),
            new ChangeRiskLimits(EssMode.Normal, RiskPolicy.Default.Normal, "back to seed limits"),
            new RepeatRiskLimitsChange(change),
            GetRiskPolicy.Instance,
            new RegimeApplied("TEST", 7, RegimeNames.HighVolatility, overlay),
            GetRiskPosture.Instance,
            new RiskPosture(new RiskPolicyState(policy, 1), RegimeBook.Empty.Apply("TEST", RegimeNames.HighVolatility, 7, time, policy).Symbols),
            new BarProcessed("TEST", 8, false, false, 2, []) { PositionsOpened = [new PositionOpened(trade.TradeId, "TEST", trade.EntryTime, 512.5, 102.5, 0.05)] },
        ];
    }

    private static IReadOnlyList<object> SizingSamples()
    {
        var sizing = PpoSizingSamples.Served(shadow: true);
        var trades = PpoSizingSamples.Trades(sizing, 2);
        var outcome = SizingOutcome.Of(trades[0]);
        var update = new SizingPolicyUpdated(1, 1, outcome.Experience!.Reward, 0.12, 0.8, 4.1, 0.002, 0.05, SizingCheckpoints.RelativePath(1),
            [trades[0].TradeId], trades[0].ExitTime);
        var state = SizingLearnerState.Start.Apply(outcome).Apply(update).Apply(SizingOutcome.Of(trades[1]));
        var history = state.History;
        return
        [
            outcome,
            update,
            new SizingLearnerSnapshot(state),
            new RecordSizingOutcomes(trades),
            new SizingOutcomesAck(2, 0, 2, 1),
            GetSizingLearnerStatus.Instance,
            new SizingLearnerStatus(1, 2, 1, 100, 2, history),
        ];
    }

    [Fact]
    public void Every_registered_type_has_a_sample()
    {
        var sampled = Samples().Select(s => s.GetType()).ToHashSet();
        var missing = ProtocolTypes.All.Keys.Where(t => !sampled.Contains(t)).Select(t => t.Name).ToArray();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_sample_round_trips_through_the_configured_serializer_with_its_manifest()
    {
        var serialization = Sys.Serialization;
        foreach (var sample in Samples())
        {
            var serializer = serialization.FindSerializerFor(sample);
            Assert.IsType<ProtocolSerializer>(serializer);
            var manifest = Serialization.ManifestFor(serializer, sample);
            Assert.Matches(@"^[a-z]+\.[a-z-]+\.v\d+$", manifest);
            var bytes = serializer.ToBinary(sample);
            var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);
            Assert.Equal(sample.GetType(), back.GetType());
            Assert.Equal(ProtocolSerializer.ToJson(sample), ProtocolSerializer.ToJson(back));
        }
    }

    [Fact]
    public void The_operator_of_a_command_is_journaled_with_it_and_a_row_written_before_operators_were_named_reads_without_one()
    {
        var time = new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var serializer = Sys.Serialization.FindSerializerForType(typeof(EssManualTrigger));
        var given = new EssManualTrigger("paper", "exchange outage", time) { Operator = "alice" };
        var back = (EssManualTrigger)Sys.Serialization.Deserialize(serializer.ToBinary(given), serializer.Identifier, Serialization.ManifestFor(serializer, given));
        Assert.Equal("alice", back.Operator);

        // What a journal written before this field holds: the same row without it.
        var older = serializer.ToBinary(given with { Operator = null });
        Assert.DoesNotContain("perator", System.Text.Encoding.UTF8.GetString(older), StringComparison.Ordinal);
        var read = (EssManualTrigger)Sys.Serialization.Deserialize(older, serializer.Identifier, Serialization.ManifestFor(serializer, given));
        Assert.Equal(("exchange outage", null), (read.Reason, read.Operator));
    }

    [Fact]
    public void A_commit_row_reads_back_as_the_same_events_of_every_kind_in_order()
    {
        var events = SymbolTimeline.Run().Events;
        Assert.Equal(5, events.Select(e => e.GetType()).Distinct().Count());
        var serializer = Sys.Serialization.FindSerializerForType(typeof(SymbolEventsCommitted));
        var back = (SymbolEventsCommitted)Sys.Serialization.Deserialize(serializer.ToBinary(new SymbolEventsCommitted("TEST", events)), serializer.Identifier,
            Serialization.ManifestFor(serializer, new SymbolEventsCommitted("TEST", events)));
        Assert.Equal(events.Select(ProtocolSerializer.ToJson), back.Events.Select(ProtocolSerializer.ToJson));
        Assert.Equal(events.Select(e => e.GetType()), back.Events.Select(e => e.GetType()));

        // A row written one event at a time (an earlier journal) still reads as that event.
        Assert.Equal([events[0]], SymbolEventsCommitted.Unpack(events[0]));
        Assert.Throws<QuantumTrader.Models.Validation.DomainValidationException>(() => new SymbolEventsCommitted("OTHER", events));
        Assert.Throws<QuantumTrader.Models.Validation.DomainValidationException>(() => new SymbolEventsCommitted("TEST", []));
    }

    [Fact]
    public void A_fallback_vote_keeps_its_reason_in_the_journal_and_an_answered_vote_writes_no_fallback()
    {
        var closed = SymbolTimeline.Run().Events.OfType<TradeClosed>().First();
        var votes = closed.Trade.Decision.Ensemble.Votes;
        var failed = closed with
        {
            Trade = closed.Trade with
            {
                Decision = closed.Trade.Decision with
                {
                    Ensemble = closed.Trade.Decision.Ensemble with { Votes = [votes[0] with { Fallback = "timed out: took 2100.0 ms, budget 2000 ms" }, .. votes.Skip(1)] },
                },
            },
        };
        var serializer = Sys.Serialization.FindSerializerFor(failed);
        var back = (TradeClosed)Sys.Serialization.Deserialize(serializer.ToBinary(failed), serializer.Identifier, Serialization.ManifestFor(serializer, failed));

        Assert.Equal("timed out: took 2100.0 ms, budget 2000 ms", back.Trade.Decision.Ensemble.Votes[0].Fallback);
        Assert.All(back.Trade.Decision.Ensemble.Votes.Skip(1), v => Assert.Null(v.Fallback));
        Assert.DoesNotContain("fallback", ProtocolSerializer.ToJson(closed), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unknown_manifest_is_refused_with_its_name()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(TradeClosed));
        var ex = Assert.ThrowsAny<Exception>(() => serializer.FromBinary(JsonSerializer.SerializeToUtf8Bytes(new { }), "symbol.trade-closed.v99"));
        Assert.Contains("symbol.trade-closed.v99", ex.Message);
    }
}
