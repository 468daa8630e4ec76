using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Trading;

public sealed class EnsembleServingTests
{
    private static readonly ModelInput Input = new("TEST",
        new FeatureVector(FeatureCalculator.Set, SyntheticBars.Start, new double[FeatureCalculator.Set.Names.Count], true), [100.0]);

    [Fact]
    public void A_models_effective_weight_is_its_weight_renormalised_over_the_models_served()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(1), _ => { });
        Assert.Equal(0, serving.EffectiveWeightOf(ModelSlots.Xgb));

        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, i => new Prediction(ModelSlots.Xgb, TradeAction.Hold, 0.5)));
        serving.Serve(new ScriptedPredictor(ModelSlots.Nhits, i => new Prediction(ModelSlots.Nhits, TradeAction.Hold, 0.5)));
        // Seed weights 0.25 and 0.30 over the two served models; PatchTST is not served and has no share.
        Assert.Equal(0.25 / 0.55, serving.EffectiveWeightOf(ModelSlots.Xgb), 12);
        Assert.Equal(0.30 / 0.55, serving.EffectiveWeightOf(ModelSlots.Nhits), 12);
        Assert.Equal(0, serving.EffectiveWeightOf(ModelSlots.PatchTst));
    }

    /// <summary>
    /// The replay keeps a batch it decided while trades were still being taken only if what is served did not change;
    /// an A/B test ending with the champion kept leaves the champion's version as it was, and must still count as a change.
    /// </summary>
    [Fact]
    public void An_A_B_test_starting_or_ending_changes_what_the_slot_is_said_to_serve()
    {
        static ScriptedPredictor Version(string version) => new(ModelSlots.Xgb, _ => new Prediction(ModelSlots.Xgb, TradeAction.Hold, 0.5), version);
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(1), _ => { });
        var champion = Version("xgb-v1");
        serving.Serve(champion);
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Hold, 0.5)));
        var alone = serving.ServedVersions();

        serving.Serve(new SplitPredictor(champion, Version("xgb-v2"), 0.2));
        var split = serving.ServedVersions();
        serving.Serve(champion);

        Assert.Equal("xgb xgb-v1, lgbm scripted-1", alone);
        Assert.Equal("xgb xgb-v1 A/B xgb-v2 0.2, lgbm scripted-1", split);
        Assert.Equal(alone, serving.ServedVersions());
        Assert.Equal(serving.PredictorOf(ModelSlots.Xgb)!.Version, new SplitPredictor(champion, Version("xgb-v2"), 0.2).Version);
    }

    [Fact]
    public void A_model_that_throws_votes_hold_and_the_failure_is_counted_and_logged()
    {
        var log = new List<string>();
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), log.Add);
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => throw new InvalidOperationException("session lost")));
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Buy, 0.9)));

        var votes = serving.PredictAll(Input);

        Assert.Equal(Prediction.FallbackHold(ModelSlots.Xgb, "failed: session lost"), votes[0]);
        Assert.Equal((TradeAction.Buy, null), (votes[1].Action, votes[1].Fallback));
        var health = serving.Health().Single(h => h.ModelId == ModelSlots.Xgb);
        Assert.Equal(1, health.Failures);
        Assert.Equal("session lost", health.LastError);
        Assert.Contains(log, l => l.Contains("xgb failed") && l.Contains("HOLD"));
    }

    [Fact]
    public void Failures_are_taken_once_with_the_market_time_of_the_last_and_go_on_being_counted_in_a_new_version()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => throw new InvalidOperationException("session lost")));
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Buy, 0.9)));
        var now = SyntheticBars.Start.AddYears(5);
        Assert.Empty(serving.TakeFailures(now));

        serving.PredictAll(Input);
        serving.PredictAll(Input with { Features = Input.Features with { Time = Input.Features.Time.AddHours(1) } });

        Assert.Equal([new ServingFailuresObserved(ModelSlots.Xgb, "scripted-1", 2, 0, "session lost", Input.Features.Time.AddHours(1))], serving.TakeFailures(now));
        Assert.Empty(serving.TakeFailures(now));
        serving.PredictAll(Input);
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => new Prediction(ModelSlots.Xgb, TradeAction.Buy, 0.9), "scripted-2"));
        Assert.Equal([new ServingFailuresObserved(ModelSlots.Xgb, "scripted-2", 1, 0, "session lost", Input.Features.Time)], serving.TakeFailures(now));
    }

    [Fact]
    public void A_slots_counts_go_on_when_a_new_version_serves_in_it()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => throw new InvalidOperationException("session lost")));
        serving.PredictAll(Input);
        serving.PredictAll(Input);

        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => new Prediction(ModelSlots.Xgb, TradeAction.Buy, 0.9)));
        Assert.Equal(TradeAction.Buy, serving.PredictAll(Input)[0].Action);

        var health = serving.Health().Single();
        Assert.Equal((3L, 2L, "session lost"), (health.Calls, health.Failures, health.LastError));
    }

    [Fact]
    public void A_model_slower_than_its_budget_votes_hold_and_counts_a_timeout()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromMilliseconds(20), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ =>
        {
            Thread.Sleep(60);
            return new Prediction(ModelSlots.Xgb, TradeAction.Sell, 0.9);
        }));
        var vote = serving.PredictAll(Input)[0];
        Assert.Equal(TradeAction.Hold, vote.Action);
        Assert.Matches(@"^timed out: took \d+\.\d ms, budget 20 ms$", vote.Fallback);
        Assert.Equal(1, serving.Health()[0].Timeouts);
    }

    [Fact]
    public void A_confidence_outside_zero_one_is_a_failure_not_a_vote()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Buy, 1.7)));
        Assert.Equal(Prediction.FallbackHold(ModelSlots.Lgbm, "failed: confidence 1.7 outside [0, 1]"), serving.PredictAll(Input)[0]);
        Assert.Equal(1, serving.Health()[0].Failures);
    }

    private static ModelInput InputOf(string symbol) => Input with { Symbol = symbol };

    [Fact]
    public void A_batch_gives_each_input_the_votes_it_gets_alone_in_slot_order()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, i => new Prediction(ModelSlots.Lgbm, i.Symbol == "A" ? TradeAction.Buy : TradeAction.Sell, 0.7)));
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, i => new Prediction(ModelSlots.Xgb, TradeAction.Hold, i.Symbol == "A" ? 0.1 : 0.2)));
        ModelInput[] inputs = [InputOf("A"), InputOf("B"), InputOf("C")];

        var batch = serving.PredictAll(inputs);

        Assert.Equal(3, batch.Count);
        for (var i = 0; i < inputs.Length; i++) Assert.Equal(serving.PredictAll(inputs[i]), batch[i]);
        Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm], batch[1].Select(p => p.ModelId));
        Assert.Equal(TradeAction.Buy, batch[0][1].Action);
        Assert.Equal(6, serving.Health().Single(h => h.ModelId == ModelSlots.Lgbm).Calls);
    }

    [Fact]
    public void One_bad_input_in_a_batch_votes_hold_alone_and_is_counted()
    {
        var log = new List<string>();
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), log.Add);
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, i => i.Symbol == "BAD"
            ? throw new ArgumentException("feature 'rsi_14' is NaN")
            : new Prediction(ModelSlots.Xgb, TradeAction.Buy, 0.8)));

        var batch = serving.PredictAll([InputOf("A"), InputOf("BAD"), InputOf("C")]);

        Assert.Equal([TradeAction.Buy, TradeAction.Hold, TradeAction.Buy], batch.Select(p => p[0].Action));
        Assert.Equal(0, batch[1][0].Confidence);
        Assert.Equal([null, "failed: feature 'rsi_14' is NaN", null], batch.Select(p => p[0].Fallback));
        var health = serving.Health()[0];
        Assert.Equal(1, health.Failures);
        Assert.Equal(3, health.Calls);
        Assert.Contains(log, l => l.Contains("failed on a batch of 3") && l.Contains("one at a time"));
        Assert.Contains(log, l => l.Contains("xgb failed on BAD") && l.Contains("HOLD"));
    }

    [Fact]
    public void A_batch_over_its_budget_votes_hold_for_every_input()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromMilliseconds(20), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ =>
        {
            Thread.Sleep(15);
            return new Prediction(ModelSlots.Xgb, TradeAction.Sell, 0.9);
        }));
        var batch = serving.PredictAll([InputOf("A"), InputOf("B")]);
        Assert.All(batch, p => Assert.Equal((TradeAction.Hold, 0.0), (p[0].Action, p[0].Confidence)));
        Assert.All(batch, p => Assert.Matches(@"^timed out: a batch of 2 took \d+\.\d ms, budget 20 ms$", p[0].Fallback));
        Assert.Equal(2, serving.Health()[0].Timeouts);
    }

    [Fact]
    public void An_invalid_weight_set_is_refused_and_the_last_good_one_stays()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        var good = new EnsembleWeights(new Dictionary<string, double> { [ModelSlots.Xgb] = 0.6, [ModelSlots.Lgbm] = 0.4 });
        Assert.True(serving.TrySetWeights(good, out _));
        var bad = new EnsembleWeights(new Dictionary<string, double> { [ModelSlots.Xgb] = 1.2, [ModelSlots.Lgbm] = -0.2 });
        Assert.False(serving.TrySetWeights(bad, out var error));
        Assert.Contains("below 0", error);
        Assert.Same(good, serving.Weights);
    }

    [Fact]
    public void Serving_a_new_version_replaces_the_slot_and_keeps_the_seed_order()
    {
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(5), _ => { });
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Hold, 0)));
        serving.Serve(new ScriptedPredictor(ModelSlots.Xgb, _ => new Prediction(ModelSlots.Xgb, TradeAction.Hold, 0)));
        serving.Serve(new ScriptedPredictor(ModelSlots.Lgbm, _ => new Prediction(ModelSlots.Lgbm, TradeAction.Sell, 0.6)));
        Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm], serving.ModelIds);
        Assert.Equal(TradeAction.Sell, serving.PredictAll(Input)[1].Action);
    }
}
