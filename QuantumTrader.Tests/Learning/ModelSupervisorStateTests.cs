using QuantumTrader.Actors.Serialization;
using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class ModelSupervisorStateTests
{
    private static readonly RegimeClassifier Classifier = new();

    private static ModelSupervisorState Fresh() => ModelSupervisorState.Start(EnsembleWeights.Default.Values);

    private static (ModelSupervisorState State, List<IReadOnlyList<IDomainEvent>> PerTrade) Feed(ModelSupervisorState state, IEnumerable<Models.Execution.ClosedTrade> trades)
    {
        var perTrade = new List<IReadOnlyList<IDomainEvent>>();
        foreach (var trade in trades)
        {
            var (next, events) = state.Process(trade, Classifier);
            state = next;
            perTrade.Add(events);
        }
        return (state, perTrade);
    }

    [Fact]
    public void Three_losses_in_a_row_warn_on_the_third_loss_of_the_model_that_took_them_and_not_of_the_one_that_voted_against()
    {
        double[] r = [1, -1, -1, -1];
        var (state, perTrade) = Feed(Fresh(), r.Select((x, i) => LearningTrades.XgbWithLgbmAgainst(i, x)));

        Assert.All(perTrade.Take(3), events => Assert.Single(events));
        var alarm = Assert.Single(perTrade[3].OfType<ModelDriftDetected>());
        Assert.Equal(ModelSlots.Xgb, alarm.ModelId);
        Assert.Equal(3, alarm.TradeIndex);
        Assert.Equal(LearningTrades.Start.AddHours(3), alarm.Time);
        Assert.Equal(DriftSeverity.Warning, alarm.Severity);
        Assert.Equal(DriftDetectorNames.ConsecutiveLosses, alarm.Alarm.Detector);
        Assert.Equal(3, alarm.Alarm.Breaches[0].Value);

        var supervised = Assert.IsType<TradeSupervised>(perTrade[3][0]);
        Assert.Equal(new[] { new SupervisedOutcome(ModelSlots.Xgb, -1), new SupervisedOutcome(ModelSlots.Lgbm, 1) }, supervised.Outcomes);
        Assert.Equal(4, state.AttributedTrades);
        Assert.Equal([1.0, -1, -1, -1], state.Recent[ModelSlots.Xgb]);
        Assert.Equal([-1.0, 1, 1, 1], state.Recent[ModelSlots.Lgbm]);
    }

    [Fact]
    public void The_twentieth_attributed_trade_moves_weight_to_the_model_that_was_right_within_floor_and_cap()
    {
        // xgb earns +2.5 / +1.5 alternately: mean 2, sample σ 0.513, Sharpe 3.90, credibility 20 / 40 → score 1.95;
        // raw 0.25·e^7.8 is capped at 0.40, lgbm (score −1.95) falls to the 0.05 floor, and the 0.55 left goes to
        // nhits and patchtst in their default ratio 0.3 : 0.2.
        var (state, perTrade) = Feed(Fresh(), Enumerable.Range(0, 20).Select(i => LearningTrades.XgbWithLgbmAgainst(i, i % 2 == 0 ? 2.5 : 1.5)));

        Assert.All(perTrade.Take(19), events => Assert.DoesNotContain(events, e => e is WeightsEvent));
        var rebalanced = Assert.Single(perTrade[19].OfType<WeightsRebalanced>());
        Assert.Equal(0.40, rebalanced.Overall[ModelSlots.Xgb], 9);
        Assert.Equal(0.05, rebalanced.Overall[ModelSlots.Lgbm], 9);
        Assert.Equal(0.33, rebalanced.Overall[ModelSlots.Nhits], 9);
        Assert.Equal(0.22, rebalanced.Overall[ModelSlots.PatchTst], 9);
        Assert.Equal(EnsembleWeights.Default.Values, rebalanced.PreviousOverall);
        Assert.StartsWith("every 20 attributed trades (20 so far)", rebalanced.Reason);
        Assert.Contains("xgb 40.0% (Sharpe 3.90, win rate 100%, 20 trades, capped)", rebalanced.Reason);
        Assert.Equal(LearningTrades.Start.AddHours(19), rebalanced.Time);

        var regime = Assert.Single(rebalanced.ByRegime);
        Assert.Equal(ModelSupervisorState.RegimeAtEntry(LearningTrades.BothBuy(0, 1).Decision, Classifier), regime.Key);
        Assert.Equal(0.40, regime.Value[ModelSlots.Xgb], 9);
        Assert.Equal(0.05, regime.Value[ModelSlots.Lgbm], 9);
        Assert.Equal(rebalanced.Overall, state.Weights.Overall);
        Assert.Equal(rebalanced.Time, state.WeightsAsOf);
    }

    [Fact]
    public void A_drift_severity_alarm_rebalances_at_once_and_names_the_drift()
    {
        // 40 steady trades, then a run of -3R: a drift detector fires well before the 20-trade cadence comes round again.
        var r = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? 1.2 : -0.8).Concat(Enumerable.Repeat(-3.0, 25)).ToArray();
        var (_, perTrade) = Feed(Fresh(), r.Select((x, i) => LearningTrades.BothBuy(i, x)));

        var reference = ModelDriftMonitor.Create(ModelSlots.Xgb);
        ModelDriftDetected? first = null;
        for (var i = 0; i < r.Length && first is null; i++)
        {
            var (next, alarms) = reference.Apply(new TradeOutcome(LearningTrades.Start.AddHours(i), ModelSlots.Xgb, r[i]));
            reference = next;
            first = alarms.FirstOrDefault(a => a.Severity == DriftSeverity.Drift);
        }
        Assert.NotNull(first);
        Assert.InRange(first.TradeIndex, 41, 58);

        var index = perTrade.FindIndex(events => events.OfType<ModelDriftDetected>().Any(a => a.Severity == DriftSeverity.Drift));
        Assert.Equal(first.TradeIndex, index);
        var drifts = perTrade[index].OfType<ModelDriftDetected>().Where(a => a.Severity == DriftSeverity.Drift).ToArray();
        Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm], drifts.Select(a => a.ModelId).Distinct());
        var rebalanced = Assert.IsType<WeightsRebalanced>(Assert.Single(perTrade[index].OfType<WeightsEvent>()));
        Assert.StartsWith($"drift of xgb at its trade {index} ({first.Alarm.Describe()})", rebalanced.Reason);
    }

    [Fact]
    public void Folding_the_events_rebuilds_the_state_the_decisions_came_from()
    {
        var trades = Enumerable.Range(0, 45).Select(i => LearningTrades.XgbWithLgbmAgainst(i, i % 3 == 0 ? -1 : 1.4)).ToArray();
        var (state, perTrade) = Feed(Fresh(), trades);
        var folded = perTrade.SelectMany(e => e).Aggregate(Fresh(), (s, e) => s.Apply(e));

        Assert.Equal(ProtocolSerializer.ToJson(state), ProtocolSerializer.ToJson(folded));
        Assert.Equal(2, state.WeightHistory.Count);
        Assert.Equal(45, state.TradesSupervised);
    }

    [Fact]
    public void A_trade_no_model_voted_on_is_recorded_without_outcomes_and_does_not_count_towards_a_rebalance()
    {
        var trade = LearningTrades.Long(0, -2, [(ModelSlots.Xgb, TradeAction.Hold), (ModelSlots.Lgbm, TradeAction.Hold)]);
        var (state, events) = Fresh().Process(trade, Classifier);

        var supervised = Assert.IsType<TradeSupervised>(Assert.Single(events));
        Assert.Empty(supervised.Outcomes);
        Assert.Equal(1, state.TradesSupervised);
        Assert.Equal(0, state.AttributedTrades);
    }

    [Fact]
    public void The_regime_at_entry_comes_from_the_decision_features_and_is_unknown_without_them()
    {
        var decision = LearningTrades.BothBuy(0, 1).Decision;
        var row = new FeatureVector(new FeatureSet(decision.FeatureSetVersion, decision.FeatureNames), decision.DecidedAt, decision.FeatureValues, true);
        Assert.Equal(Classifier.Classify(row).ToString(), ModelSupervisorState.RegimeAtEntry(decision, Classifier));

        var stripped = decision with { FeatureNames = ["ret_1"], FeatureValues = [0.01] };
        Assert.Null(ModelSupervisorState.RegimeAtEntry(stripped, Classifier));
    }

    [Fact]
    public void An_operator_weight_set_that_does_not_sum_to_one_is_refused_with_the_reason()
    {
        var refused = Assert.IsType<WeightsRefused>(Assert.Single(Fresh().Propose(new WeightProposal(
            new Dictionary<string, double> { ["xgb"] = 0.7, ["lgbm"] = 0.5, ["nhits"] = 0, ["patchtst"] = 0 },
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), "operator", LearningTrades.Start))));
        Assert.Equal("overall: weights sum to 1.2, not 1", refused.Reason);
    }
}
