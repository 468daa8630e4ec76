using QuantumTrader.Models.Ensemble;
using static QuantumTrader.Models.Ensemble.TradeAction;

namespace QuantumTrader.Tests.Ensemble;

public class EnsembleVoterTests
{
    private static readonly EnsembleVoter Voter = new();

    private static Prediction P(string model, TradeAction action, double confidence) => new(model, action, confidence);

    private static EnsembleWeights W(double xgb, double lgbm, double nhits, double patch) => new(new Dictionary<string, double>
    {
        [ModelSlots.Xgb] = xgb, [ModelSlots.Lgbm] = lgbm, [ModelSlots.Nhits] = nhits, [ModelSlots.PatchTst] = patch,
    });

    [Fact]
    public void Unanimous_buy_multiplies_the_weighted_confidence_by_1_2()
    {
        // 0.25*0.6 + 0.25*0.7 + 0.30*0.8 + 0.20*0.5 = 0.665; x1.2 = 0.798
        var d = Voter.Vote([P("xgb", Buy, 0.6), P("lgbm", Buy, 0.7), P("nhits", Buy, 0.8), P("patchtst", Buy, 0.5)],
            EnsembleWeights.Default, atrPercent: 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(0.798, d.Confidence, 12);
        Assert.Equal(1.0, d.Agreement, 12);
        Assert.Equal(1.0, d.BuyVote, 12);
        Assert.Equal(0.0, d.SellVote, 12);
        Assert.Equal(EnsembleReasons.Unanimous, d.Reason);
        Assert.Equal(4, d.Votes.Count);
        Assert.Equal(0.30, d.Votes.Single(v => v.ModelId == "nhits").Weight, 12);
    }

    [Fact]
    public void A_failed_models_fallback_hold_counts_as_hold_and_its_vote_says_why()
    {
        // Seed 001: a model that fails holds. Its weight still counts: 0.25 + 0.25 + 0.20 of 1.0 buy = 0.70 >= 0.6.
        var d = Voter.Vote([P("xgb", Buy, 0.6), P("lgbm", Buy, 0.7), Prediction.FallbackHold("nhits", "failed: session lost"), P("patchtst", Buy, 0.5)],
            EnsembleWeights.Default, atrPercent: 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(0.70, d.BuyVote, 12);
        Assert.Equal([null, null, "failed: session lost", null], d.Votes.Select(v => v.Fallback));
        Assert.Equal((Hold, 0.0, 0.30), (d.Votes[2].Action, d.Votes[2].Confidence, d.Votes[2].Weight));
    }

    [Fact]
    public void Three_of_four_multiplies_by_1_1_and_averages_only_the_backers()
    {
        // buy = 0.25+0.25+0.30 = 0.8; confidence (0.15+0.175+0.24)/0.8 = 0.70625; x1.1 = 0.776875
        var d = Voter.Vote([P("xgb", Buy, 0.6), P("lgbm", Buy, 0.7), P("nhits", Buy, 0.8), P("patchtst", Sell, 0.9)],
            EnsembleWeights.Default, 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(0.776875, d.Confidence, 12);
        Assert.Equal(0.75, d.Agreement, 12);
        Assert.Equal(0.8, d.BuyVote, 12);
        Assert.Equal(0.2, d.SellVote, 12);
        Assert.Equal(EnsembleReasons.StrongConsensus, d.Reason);
    }

    [Fact]
    public void Sell_side_mirrors_buy()
    {
        // sell = 0.25+0.30+0.20 = 0.75; confidence (0.25*0.8+0.30*0.6+0.20*0.7)/0.75 = 0.52/0.75; x1.1
        var d = Voter.Vote([P("xgb", Sell, 0.8), P("lgbm", Hold, 0.9), P("nhits", Sell, 0.6), P("patchtst", Sell, 0.7)],
            EnsembleWeights.Default, 1.0);

        Assert.Equal(Sell, d.Action);
        Assert.Equal(0.52 / 0.75 * 1.1, d.Confidence, 12);
        Assert.Equal(0.75, d.SellVote, 12);
        Assert.Equal(0.0, d.BuyVote, 12);
    }

    [Fact]
    public void Weak_consensus_multiplies_by_0_8()
    {
        // weights 0.4/0.3/0.2/0.1: buy = 0.7 from 2 of 4 models, sell 0.1; confidence (0.36+0.15)/0.7 x 0.8
        var d = Voter.Vote([P("xgb", Buy, 0.9), P("lgbm", Buy, 0.5), P("nhits", Hold, 0.6), P("patchtst", Sell, 0.7)],
            W(0.4, 0.3, 0.2, 0.1), 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(0.51 / 0.7 * 0.8, d.Confidence, 12);
        Assert.Equal(0.582857142857, d.Confidence, 9);
        Assert.Equal(0.5, d.Agreement, 12);
        Assert.Equal(EnsembleReasons.WeakConsensus, d.Reason);
    }

    [Fact]
    public void Two_two_split_holds_even_when_the_weights_favour_one_side()
    {
        // Without the split rule buy = 0.7 >= 0.6 would win.
        var d = Voter.Vote([P("xgb", Buy, 0.9), P("lgbm", Buy, 0.9), P("nhits", Sell, 0.9), P("patchtst", Sell, 0.9)],
            W(0.4, 0.3, 0.2, 0.1), 1.0);

        Assert.Equal(Hold, d.Action);
        Assert.Equal(EnsembleReasons.SplitVote, d.Reason);
        Assert.Equal(0.0, d.Confidence);
        Assert.Equal(0.5, d.Agreement, 12);
        Assert.Equal(0.7, d.BuyVote, 12);
        Assert.Equal(0.3, d.SellVote, 12);
    }

    [Fact]
    public void Default_weights_two_two_split_holds()
    {
        var d = Voter.Vote([P("xgb", Buy, 0.7), P("lgbm", Sell, 0.7), P("nhits", Buy, 0.7), P("patchtst", Sell, 0.7)],
            EnsembleWeights.Default, 1.0);
        Assert.Equal(Hold, d.Action);
        Assert.Equal(EnsembleReasons.SplitVote, d.Reason);
    }

    [Fact]
    public void Vote_share_of_exactly_0_6_is_enough_and_0_5_is_not()
    {
        var weights = W(0.35, 0.25, 0.25, 0.15);

        var at = Voter.Vote([P("xgb", Buy, 0.8), P("lgbm", Buy, 0.8), P("nhits", Hold, 0.5), P("patchtst", Hold, 0.5)], weights, 1.0);
        Assert.Equal(Buy, at.Action);
        Assert.Equal(0.6, at.BuyVote, 12);
        Assert.Equal(0.8 * 0.8, at.Confidence, 12);

        var below = Voter.Vote([P("xgb", Buy, 0.8), P("lgbm", Hold, 0.8), P("nhits", Hold, 0.5), P("patchtst", Buy, 0.5)], weights, 1.0);
        Assert.Equal(Hold, below.Action);
        Assert.Equal(0.5, below.BuyVote, 12);
        Assert.StartsWith(EnsembleReasons.BelowThreshold, below.Reason);
        Assert.Equal(0.5, below.Agreement, 12);
    }

    [Fact]
    public void Two_models_renormalise_their_weights()
    {
        // nhits 0.30 and patchtst 0.20 become 0.6 and 0.4: nhits alone reaches the 0.6 threshold.
        var d = Voter.Vote([P("nhits", Buy, 0.7), P("patchtst", Sell, 0.9)], EnsembleWeights.Default, 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(0.6, d.BuyVote, 12);
        Assert.Equal(0.4, d.SellVote, 12);
        Assert.Equal(0.7 * 0.8, d.Confidence, 12);
        Assert.Equal(0.5, d.Agreement, 12);
        Assert.Equal([0.6, 0.4], d.Votes.Select(v => Math.Round(v.Weight, 12)));
    }

    [Fact]
    public void Two_models_below_threshold_hold()
    {
        // xgb 0.25 and nhits 0.30 become 5/11 and 6/11; 6/11 = 0.545 < 0.6
        var d = Voter.Vote([P("xgb", Sell, 0.9), P("nhits", Buy, 0.9)], EnsembleWeights.Default, 1.0);
        Assert.Equal(Hold, d.Action);
        Assert.Equal(6.0 / 11, d.BuyVote, 12);
        Assert.Equal(5.0 / 11, d.SellVote, 12);
    }

    [Fact]
    public void Three_models_two_agreeing_is_weak_and_three_is_unanimous()
    {
        // Without patchtst: 0.3125 / 0.3125 / 0.375. xgb+nhits buy = 0.6875, 2/3 by count -> 0.8x
        var weak = Voter.Vote([P("xgb", Buy, 0.6), P("lgbm", Sell, 0.9), P("nhits", Buy, 0.8)], EnsembleWeights.Default, 1.0);
        Assert.Equal(Buy, weak.Action);
        Assert.Equal(0.6875, weak.BuyVote, 12);
        Assert.Equal(0.4875 / 0.6875 * 0.8, weak.Confidence, 12);
        Assert.Equal(2.0 / 3, weak.Agreement, 12);

        var unanimous = Voter.Vote([P("xgb", Buy, 0.5), P("lgbm", Buy, 0.5), P("nhits", Buy, 0.5)], EnsembleWeights.Default, 1.0);
        Assert.Equal(0.6, unanimous.Confidence, 12);
        Assert.Equal(EnsembleReasons.Unanimous, unanimous.Reason);
    }

    [Fact]
    public void Models_without_a_weight_are_not_counted()
    {
        var weights = new EnsembleWeights(new Dictionary<string, double> { ["xgb"] = 0.5, ["nhits"] = 0.5, ["lgbm"] = 0.0 });
        var d = Voter.Vote([P("xgb", Buy, 0.6), P("nhits", Buy, 0.8), P("lgbm", Sell, 0.9), P("other", Sell, 0.9)], weights, 1.0);

        Assert.Equal(Buy, d.Action);
        Assert.Equal(EnsembleReasons.Unanimous, d.Reason);
        Assert.Equal(0.7 * 1.2, d.Confidence, 12);
        Assert.Equal(["xgb", "nhits"], d.Votes.Select(v => v.ModelId));
    }

    [Fact]
    public void No_counted_model_holds()
    {
        var d = Voter.Vote([P("other", Buy, 0.9)], EnsembleWeights.Default, 1.0);
        Assert.Equal(Hold, d.Action);
        Assert.Equal(EnsembleReasons.NoModels, d.Reason);
        Assert.Empty(d.Votes);
    }

    [Fact]
    public void Confidence_is_clamped_to_one()
    {
        var d = Voter.Vote([P("xgb", Buy, 0.9), P("lgbm", Buy, 0.9), P("nhits", Buy, 0.9), P("patchtst", Buy, 0.9)],
            EnsembleWeights.Default, 1.0);
        Assert.Equal(1.0, d.Confidence);
    }

    [Fact]
    public void Volatility_above_5_percent_needs_confidence_above_0_70()
    {
        // 3 of 4 at 0.6 each: 0.6 x 1.1 = 0.66
        Prediction[] votes = [P("xgb", Buy, 0.6), P("lgbm", Buy, 0.6), P("nhits", Buy, 0.6), P("patchtst", Hold, 0.6)];

        var calm = Voter.Vote(votes, EnsembleWeights.Default, atrPercent: 5.0);
        Assert.Equal(Buy, calm.Action);
        Assert.Equal(0.66, calm.Confidence, 12);

        var wild = Voter.Vote(votes, EnsembleWeights.Default, atrPercent: 5.01);
        Assert.Equal(Hold, wild.Action);
        Assert.StartsWith(EnsembleReasons.VolatilityGate, wild.Reason);
        Assert.Equal(0.75, wild.Agreement, 12);
    }

    [Fact]
    public void Volatility_gate_needs_strictly_more_than_0_70()
    {
        // Two models renormalised to 0.6/0.4: nhits alone buys with confidence c x 0.8.
        var atExactly = Voter.Vote([P("nhits", Buy, 0.875), P("patchtst", Sell, 0.9)], EnsembleWeights.Default, 6.0);
        Assert.Equal(Hold, atExactly.Action);

        var above = Voter.Vote([P("nhits", Buy, 0.9), P("patchtst", Sell, 0.9)], EnsembleWeights.Default, 6.0);
        Assert.Equal(Buy, above.Action);
        Assert.Equal(0.72, above.Confidence, 12);
    }

    [Fact]
    public void Hold_agreement_is_the_share_of_the_largest_camp()
    {
        var d = Voter.Vote([P("xgb", Hold, 0.6), P("lgbm", Hold, 0.6), P("nhits", Hold, 0.6), P("patchtst", Buy, 0.9)],
            EnsembleWeights.Default, 1.0);
        Assert.Equal(Hold, d.Action);
        Assert.Equal(0.75, d.Agreement, 12);
        Assert.Equal(0.2, d.BuyVote, 12);
    }

    [Fact]
    public void Bad_input_is_refused_with_the_reason()
    {
        var duplicate = Assert.Throws<ArgumentException>(() =>
            Voter.Vote([P("xgb", Buy, 0.5), P("xgb", Sell, 0.5)], EnsembleWeights.Default, 1.0));
        Assert.Contains("'xgb' voted twice", duplicate.Message);

        var confidence = Assert.Throws<ArgumentException>(() => Voter.Vote([P("xgb", Buy, 1.5)], EnsembleWeights.Default, 1.0));
        Assert.Contains("confidence 1.5", confidence.Message);

        var weights = Assert.Throws<ArgumentException>(() => Voter.Vote([P("xgb", Buy, 0.5)], W(0.5, 0.5, 0.5, 0.5), 1.0));
        Assert.Contains("sum to 2", weights.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => Voter.Vote([P("xgb", Buy, 0.5)], EnsembleWeights.Default, double.NaN));
    }
}
