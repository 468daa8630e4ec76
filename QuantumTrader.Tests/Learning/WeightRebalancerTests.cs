using System.Text.Json;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class WeightRebalancerTests
{
    private static readonly DateTimeOffset T = new(2025, 12, 3, 14, 30, 0, TimeSpan.Zero);
    private static readonly WeightRebalancerSettings Settings = new();

    private static ModelTradeStats Stats(string model, double sharpe, int trades = 100, double winRate = 0.5) =>
        new(model, trades, sharpe, 1.0, winRate);

    private static Dictionary<string, double> W(params (string Model, double Weight)[] w) => w.ToDictionary(p => p.Model, p => p.Weight);

    [Fact]
    public void Good_model_rises_to_the_cap_and_bad_one_falls_to_the_floor()
    {
        // Credibility 100/120; raw = 0.25·exp(4·score): xgb 0.949, lgbm 0.009, nhits and patchtst 0.349 each. xgb is capped at 0.40;
        // scaled to fill 0.60, lgbm would get 0.008, so it is floored at 0.05 and the two others share the remaining 0.55 equally.
        var stats = new[] { Stats(ModelSlots.Xgb, 0.4, winRate: 0.62), Stats(ModelSlots.Lgbm, -1.0), Stats(ModelSlots.Nhits, 0.1), Stats(ModelSlots.PatchTst, 0.1) };

        var p = WeightRebalancer.Propose(ModelSlots.All, stats, [], Settings, T);

        Assert.Equal(0.40, p.Overall[ModelSlots.Xgb], 12);
        Assert.Equal(0.05, p.Overall[ModelSlots.Lgbm], 12);
        Assert.Equal(0.275, p.Overall[ModelSlots.Nhits], 12);
        Assert.Equal(0.275, p.Overall[ModelSlots.PatchTst], 12);
        Assert.Equal(1.0, p.Overall.Values.Sum(), 12);
        Assert.Contains("xgb 40.0% (Sharpe 0.40, win rate 62%, 100 trades, capped)", p.Reason);
        Assert.Contains("lgbm 5.0% (Sharpe -1.00, win rate 50%, 100 trades, floored)", p.Reason);
        Assert.Equal(T, p.Time);
    }

    [Fact]
    public void A_weak_model_above_the_floor_keeps_its_share_of_what_the_cap_leaves()
    {
        // xgb is capped; the other three share 0.60 in proportion to exp(4 · 100/120 · Sharpe).
        var stats = new[] { Stats(ModelSlots.Xgb, 0.4), Stats(ModelSlots.Lgbm, -0.4), Stats(ModelSlots.Nhits, 0.1), Stats(ModelSlots.PatchTst, 0.1) };

        var p = WeightRebalancer.Propose(ModelSlots.All, stats, [], Settings, T);

        double Raw(double sharpe) => Math.Exp(4 * 100.0 / 120 * sharpe);
        var rest = Raw(-0.4) + 2 * Raw(0.1);
        Assert.Equal(0.40, p.Overall[ModelSlots.Xgb], 12);
        Assert.Equal(0.60 * Raw(-0.4) / rest, p.Overall[ModelSlots.Lgbm], 12);
        Assert.Equal(0.60 * Raw(0.1) / rest, p.Overall[ModelSlots.Nhits], 12);
        Assert.InRange(p.Overall[ModelSlots.Lgbm], 0.05, 0.10);
    }

    [Fact]
    public void Trade_stats_from_r_multiples()
    {
        var s = ModelTradeStats.FromRMultiples("xgb", [2, -1, 0.5, -1, 1]);
        Assert.Equal((5, 0.3, 0.6), (s.Trades, Math.Round(s.MeanR, 12), s.WinRate));
        Assert.Equal(Math.Sqrt(6.8 / 4), s.StdR, 12);
        Assert.Equal(0.3 / Math.Sqrt(6.8 / 4), s.Sharpe, 12);
    }

    [Fact]
    public void Models_with_too_few_trades_keep_their_default_weight()
    {
        var stats = new[] { Stats(ModelSlots.Xgb, 2.0, trades: 9), Stats(ModelSlots.Lgbm, -2.0, trades: 3) };

        var p = WeightRebalancer.Propose(ModelSlots.All, stats, [], Settings, T);

        Assert.All(ModelSlots.All, m => Assert.Equal(0.25, p.Overall[m], 12));
        Assert.Contains("xgb 25.0% (9 trades < 10: default)", p.Reason);
        Assert.Contains("patchtst 25.0% (0 trades < 10: default)", p.Reason);
    }

    [Fact]
    public void Regime_weights_follow_regime_results_and_fall_back_to_the_overall_score()
    {
        var overall = new[] { Stats(ModelSlots.Xgb, 0.2), Stats(ModelSlots.Lgbm, -0.2), Stats(ModelSlots.Nhits, 0), Stats(ModelSlots.PatchTst, 0) };
        var trending = new RegimeTradeStats("trending", [Stats(ModelSlots.Xgb, -1.0, 200), Stats(ModelSlots.Lgbm, 0.5, 200), Stats(ModelSlots.Nhits, 0, 200), Stats(ModelSlots.PatchTst, 0, 200)]);
        var quiet = new RegimeTradeStats("quiet", [Stats(ModelSlots.Xgb, 3.0, 4), Stats(ModelSlots.Lgbm, -3.0, 4)]);

        var p = WeightRebalancer.Propose(ModelSlots.All, overall, [trending, quiet], Settings, T);

        Assert.True(p.Overall[ModelSlots.Xgb] > p.Overall[ModelSlots.Lgbm]);
        Assert.Equal(0.40, p.ByRegime["trending"][ModelSlots.Lgbm], 12);
        Assert.Equal(0.05, p.ByRegime["trending"][ModelSlots.Xgb], 12);
        Assert.Equal(0.275, p.ByRegime["trending"][ModelSlots.Nhits], 12);
        Assert.All(ModelSlots.All, m => Assert.Equal(p.Overall[m], p.ByRegime["quiet"][m], 12));
        Assert.All(p.ByRegime.Values, w => Assert.Equal(1.0, w.Values.Sum(), 12));
        Assert.Contains("quiet: xgb", p.Reason);
        Assert.Contains("4 trades < 10: overall score", p.Reason);
    }

    [Fact]
    public void Bound_caps_floors_and_shares_the_rest_in_proportion()
    {
        // a is capped; b, c, d share 0.6 as 1 : 1 : 0.3, which keeps d above the floor.
        var scaled = WeightRebalancer.Bound(W(("a", 10), ("b", 1), ("c", 1), ("d", 0.3)), 0.05, 0.40);
        Assert.Equal([0.40, 0.6 / 2.3, 0.6 / 2.3, 0.18 / 2.3], scaled.Values.Select(v => Math.Round(v, 12)), new RoundedComparer());

        // Here d would get 0.6 · 0.05 / 2.05 = 0.015: floored at 0.05, b and c share 0.55.
        var w = WeightRebalancer.Bound(W(("a", 10), ("b", 1), ("c", 1), ("d", 0.05)), 0.05, 0.40);
        Assert.Equal([0.40, 0.275, 0.275, 0.05], w.Values.Select(v => Math.Round(v, 12)));

        var inside = WeightRebalancer.Bound(W(("a", 3), ("b", 2), ("c", 2), ("d", 3)), 0.05, 0.40);
        Assert.Equal([0.3, 0.2, 0.2, 0.3], inside.Values.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Bound_lifts_small_weights_above_the_floor_when_the_caps_leave_room()
    {
        // Naively flooring c and d after capping a and b would sum to 0.9; the capped pair leaves 0.2 for c and d.
        var w = WeightRebalancer.Bound(W(("a", 100), ("b", 100), ("c", 1), ("d", 1)), 0.05, 0.40);
        Assert.Equal([0.4, 0.4, 0.1, 0.1], w.Values.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Bound_raises_a_cap_that_no_set_could_honour()
    {
        var w = WeightRebalancer.Bound(W(("a", 10), ("b", 1)), 0.05, 0.40);
        Assert.Equal([0.5, 0.5], w.Values.Select(v => Math.Round(v, 12)));
    }

    [Theory]
    [InlineData(0.5, 0.6, "weights sum to 1.1, not 1")]
    [InlineData(-0.1, 1.1, "weight of a is negative (-0.1)")]
    [InlineData(double.NaN, 1.0, "weight of a is not a finite number")]
    [InlineData(double.PositiveInfinity, 0.0, "weight of a is not a finite number")]
    public void Validate_refuses_non_finite_negative_and_not_summing_sets(double a, double b, string reason)
    {
        Assert.Equal(reason, WeightRebalancer.Validate(W(("a", a), ("b", b))));
        Assert.Null(WeightRebalancer.Validate(W(("a", 0.3), ("b", 0.7))));
        Assert.Equal("the weight set is empty", WeightRebalancer.Validate(W()));
    }

    [Fact]
    public void Weights_state_takes_a_valid_proposal_refuses_a_bad_one_and_keeps_the_last_good_set()
    {
        var state = EnsembleWeightsState.Initial(ModelSlots.All);
        var good = new WeightProposal(W(("xgb", 0.4), ("lgbm", 0.05), ("nhits", 0.275), ("patchtst", 0.275)),
            new Dictionary<string, IReadOnlyDictionary<string, double>> { ["trending"] = W(("xgb", 0.1), ("lgbm", 0.4), ("nhits", 0.25), ("patchtst", 0.25)) },
            "xgb strong", T);

        var changed = Assert.IsType<WeightsRebalanced>(Assert.Single(state.Process(good)));
        Assert.Equal(0.25, changed.PreviousOverall["xgb"]);
        Assert.Equal("xgb strong", changed.Reason);
        state = state.Apply(changed);
        Assert.Equal(0.4, state.For(null)["xgb"]);
        Assert.Equal(0.4, state.For("trending")["lgbm"]);
        Assert.Equal(0.05, state.For("ranging")["lgbm"]);
        Assert.Empty(state.Process(good with { Time = T.AddMinutes(5) }));

        var notSumming = good with { Overall = W(("xgb", 0.4), ("lgbm", 0.05), ("nhits", 0.275), ("patchtst", 0.175)), Reason = "bad" };
        var negativeRegime = good with { ByRegime = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["trending"] = W(("xgb", -0.1), ("lgbm", 0.6), ("nhits", 0.25), ("patchtst", 0.25)) } };
        var missingModel = good with { Overall = W(("xgb", 0.5), ("lgbm", 0.5)), ByRegime = new Dictionary<string, IReadOnlyDictionary<string, double>>() };
        var refusals = new[] { notSumming, negativeRegime, missingModel }.Select(p => Assert.IsType<WeightsRefused>(Assert.Single(state.Process(p)))).ToArray();

        Assert.Equal("overall: weights sum to 0.9, not 1", refusals[0].Reason);
        Assert.Equal("regime trending: weight of xgb is negative (-0.1)", refusals[1].Reason);
        Assert.Equal("overall: no weight for model nhits", refusals[2].Reason);
        var after = refusals.Aggregate(state, (s, e) => s.Apply(e));
        Assert.Same(state, after);
        Assert.Equal(0.4, after.Overall["xgb"]);
    }

    [Fact]
    public void Weights_events_and_state_round_trip_through_json()
    {
        var state = EnsembleWeightsState.Initial(ModelSlots.All);
        var proposal = WeightRebalancer.Propose(ModelSlots.All, [Stats("xgb", 0.37), Stats("lgbm", -0.11)], [new RegimeTradeStats("trending", [Stats("nhits", 0.2, 50)])], Settings, T);
        var events = state.Process(proposal).Append(new WeightsRefused("overall: weights sum to 0.9, not 1", "x", T)).ToArray();

        foreach (var e in events)
        {
            var json = JsonSerializer.Serialize<WeightsEvent>(e);
            var back = JsonSerializer.Deserialize<WeightsEvent>(json)!;
            Assert.Equal(e.GetType(), back.GetType());
            Assert.Equal(json, JsonSerializer.Serialize(back));
        }

        var applied = state.Apply(events[0]);
        var stateJson = JsonSerializer.Serialize(applied);
        var restored = JsonSerializer.Deserialize<EnsembleWeightsState>(stateJson)!;
        Assert.Equal(stateJson, JsonSerializer.Serialize(restored));
        Assert.Equal(applied.Overall["xgb"], restored.Overall["xgb"]);
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-11;
        public int GetHashCode(double obj) => 0;
    }
}
