using QuantumTrader.Models.Ensemble;
using static QuantumTrader.Models.Ensemble.TradeAction;

namespace QuantumTrader.Tests.Ensemble;

public class SignalQualityFilterTests
{
    private static readonly SignalQualityFilter Filter = new();

    /// <summary>A BUY decision where `backers` of `total` models vote BUY, each with the given confidence; the rest HOLD.</summary>
    private static EnsembleDecision BuyDecision(int backers, int total, double confidence)
    {
        var votes = Enumerable.Range(0, total)
            .Select(i => new ModelVote($"m{i}", i < backers ? Buy : Hold, confidence, 1.0 / total))
            .ToArray();
        return new EnsembleDecision(Buy, confidence, backers / (double)total, backers / (double)total, 0, votes, "test");
    }

    [Theory]
    [InlineData(0.4499, FilterVerdict.Skip, NoiseTags.LowConfidence)]
    [InlineData(0.45, FilterVerdict.ReduceSize, NoiseTags.BorderlineConfidence)]
    [InlineData(0.4999, FilterVerdict.ReduceSize, NoiseTags.BorderlineConfidence)]
    [InlineData(0.50, FilterVerdict.Execute, NoiseTags.Clean)]
    public void Normal_volatility_confidence_edges(double confidence, FilterVerdict verdict, string tag)
    {
        var r = Filter.Evaluate(BuyDecision(3, 4, confidence), atrPercent: 3.0);
        Assert.Equal(verdict, r.Verdict);
        Assert.Equal(tag, r.NoiseTag);
        Assert.False(r.HighVolatility);
        Assert.Equal(0.45, r.ConfidenceThreshold);
    }

    [Theory]
    [InlineData(0.6499, FilterVerdict.Skip, NoiseTags.HighVolLowConfidence)]
    [InlineData(0.65, FilterVerdict.ReduceSize, NoiseTags.BorderlineConfidence)]
    [InlineData(0.6999, FilterVerdict.ReduceSize, NoiseTags.BorderlineConfidence)]
    [InlineData(0.70, FilterVerdict.Execute, NoiseTags.Clean)]
    public void High_volatility_confidence_edges(double confidence, FilterVerdict verdict, string tag)
    {
        var r = Filter.Evaluate(BuyDecision(3, 4, confidence), atrPercent: 3.01);
        Assert.Equal(verdict, r.Verdict);
        Assert.Equal(tag, r.NoiseTag);
        Assert.True(r.HighVolatility);
        Assert.Equal(0.65, r.ConfidenceThreshold);
    }

    [Theory]
    [InlineData(1, 4, FilterVerdict.Skip, NoiseTags.LowAgreement)]
    [InlineData(2, 4, FilterVerdict.Skip, NoiseTags.LowAgreement)]
    [InlineData(1, 2, FilterVerdict.Skip, NoiseTags.LowAgreement)]
    [InlineData(2, 3, FilterVerdict.ReduceSize, NoiseTags.PartialAgreement)]
    [InlineData(3, 4, FilterVerdict.Execute, NoiseTags.Clean)]
    [InlineData(4, 4, FilterVerdict.Execute, NoiseTags.Clean)]
    public void Agreement_edges(int backers, int total, FilterVerdict verdict, string tag)
    {
        var r = Filter.Evaluate(BuyDecision(backers, total, 0.8), atrPercent: 1.0);
        Assert.Equal(verdict, r.Verdict);
        Assert.Equal(tag, r.NoiseTag);
        Assert.Equal(backers / (double)total, r.Agreement, 12);
    }

    [Fact]
    public void Size_multiplier_follows_the_verdict()
    {
        Assert.Equal(1.0, Filter.Evaluate(BuyDecision(4, 4, 0.8), 1.0).SizeMultiplier);
        Assert.Equal(0.5, Filter.Evaluate(BuyDecision(2, 3, 0.8), 1.0).SizeMultiplier);
        Assert.Equal(0.0, Filter.Evaluate(BuyDecision(2, 4, 0.8), 1.0).SizeMultiplier);
    }

    [Fact]
    public void Partial_agreement_with_failing_confidence_is_skipped()
    {
        var r = Filter.Evaluate(BuyDecision(2, 3, 0.40), 1.0);
        Assert.Equal(FilterVerdict.Skip, r.Verdict);
        Assert.Equal(NoiseTags.LowConfidence, r.NoiseTag);
    }

    [Fact]
    public void Ensemble_hold_is_skipped()
    {
        var hold = new EnsembleDecision(Hold, 0, 0.5, 0.5, 0.5,
            [new("xgb", Hold, 0.9, 0.25), new("lgbm", Hold, 0.9, 0.25), new("nhits", Buy, 0.9, 0.3), new("patchtst", Sell, 0.9, 0.2)], EnsembleReasons.BelowThreshold);
        var r = Filter.Evaluate(hold, 1.0);
        Assert.Equal(FilterVerdict.Skip, r.Verdict);
        Assert.Equal(NoiseTags.NoSignal, r.NoiseTag);
        Assert.Contains(EnsembleReasons.BelowThreshold, r.Reason);
        Assert.Equal(0.0, r.Confidence);
    }

    [Fact]
    public void Seed_example_three_of_four_uses_the_plain_mean_of_the_agreeing_models()
    {
        // Seed 003: BUY 0.72, 0.68, 0.61 and one HOLD 0.55; collective confidence (0.72+0.68+0.61)/3 = 0.67.
        var decision = new EnsembleVoter().Vote(
            [new("xgb", Buy, 0.72), new("lgbm", Buy, 0.68), new("nhits", Hold, 0.55), new("patchtst", Buy, 0.61)],
            EnsembleWeights.Default, atrPercent: 4.0);
        Assert.Equal(Buy, decision.Action);

        var highVol = Filter.Evaluate(decision, atrPercent: 4.0);
        Assert.Equal(0.67, highVol.Confidence, 12);
        Assert.Equal(0.75, highVol.Agreement, 12);
        Assert.Equal(FilterVerdict.ReduceSize, highVol.Verdict); // passes 0.65, but within 0.05 of it

        var normal = Filter.Evaluate(decision, atrPercent: 2.0);
        Assert.Equal(FilterVerdict.Execute, normal.Verdict);
    }

    [Fact]
    public void Seed_checklist_high_vol_sixty_percent_is_rejected_and_seventy_passes()
    {
        Assert.Equal(FilterVerdict.Skip, Filter.Evaluate(BuyDecision(3, 4, 0.60), 4.0).Verdict);
        Assert.Equal(FilterVerdict.Execute, Filter.Evaluate(BuyDecision(3, 4, 0.70), 4.0).Verdict);
    }

    [Fact]
    public void Options_change_the_thresholds()
    {
        var strict = new SignalQualityFilter(new SignalFilterOptions(MinAgreement: 1.0, ReducedSizeMultiplier: 0.25));
        var r = strict.Evaluate(BuyDecision(3, 4, 0.8), 1.0);
        Assert.Equal(FilterVerdict.ReduceSize, r.Verdict);
        Assert.Equal(0.25, r.SizeMultiplier);
    }

    [Fact]
    public void Bad_atr_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Filter.Evaluate(BuyDecision(3, 4, 0.8), -1));
    }

    [Fact]
    public void With_the_filter_off_every_buy_or_sell_trades_at_full_size_and_a_hold_still_holds()
    {
        var off = new SignalQualityFilter(new SignalFilterOptions(Enabled: false));

        var weak = off.Evaluate(BuyDecision(1, 4, 0.2), atrPercent: 5.0);
        var hold = off.Evaluate(new EnsembleDecision(Hold, 0, 0, 0, 0, [], "no votes"), atrPercent: 1.0);

        Assert.Equal((FilterVerdict.Execute, 1.0, NoiseTags.FilterOff), (weak.Verdict, weak.SizeMultiplier, weak.NoiseTag));
        Assert.Equal(0.25, weak.Agreement);
        Assert.Equal((FilterVerdict.Skip, NoiseTags.NoSignal), (hold.Verdict, hold.NoiseTag));
        Assert.Equal(FilterVerdict.Skip, Filter.Evaluate(BuyDecision(1, 4, 0.2), atrPercent: 5.0).Verdict);
    }

    [Theory]
    [InlineData(1.2, 0.45, 0.65, 3.0, "agreement minimum is 1.2")]
    [InlineData(0.75, -0.1, 0.65, 3.0, "confidence minimums are -0.1 and 0.65")]
    [InlineData(0.75, 0.45, double.NaN, 3.0, "confidence minimums are 0.45 and NaN")]
    [InlineData(0.75, 0.45, 0.65, -1.0, "volatility level is -1")]
    [InlineData(0.4, 0.45, 0.65, 3.0, "noisy agreement 0.5 must be in [0, 0.4]")]
    public void Thresholds_that_cannot_work_are_named(double agreement, double confidence, double highVolConfidence, double highVolAtr, string reason)
    {
        var options = new SignalFilterOptions(agreement, confidence, highVolConfidence, highVolAtr);

        Assert.Contains(reason, options.Validate(), StringComparison.Ordinal);
        Assert.Null(new SignalFilterOptions().Validate());
    }
}
