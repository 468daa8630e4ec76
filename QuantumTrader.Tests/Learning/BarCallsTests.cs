using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;
using static QuantumTrader.Models.Ensemble.TradeAction;

namespace QuantumTrader.Tests.Learning;

/// <summary>The calls answered again at every bar, against the votes the journal holds at the bars it decided.</summary>
public class BarCallsTests
{
    private static readonly DateTimeOffset T0 = LearningTrades.Start;

    private static BarCall Call(string model, int hour, TradeAction action, double confidence, bool? up = true) =>
        new(model, model + "-v1", "BTCUSDT", T0.AddHours(hour), "Ranging", action, confidence, up);

    private static Models.Execution.TradeDecisionRecord Decision(int hour, params ModelVote[] votes)
    {
        var template = LearningTrades.BothBuy(1, 1.0).Decision;
        return template with { Symbol = "BTCUSDT", DecidedAt = T0.AddHours(hour), Ensemble = template.Ensemble with { Votes = votes } };
    }

    [Fact]
    public void Every_journaled_vote_is_compared_with_the_call_at_its_bar_and_a_difference_is_described()
    {
        BarCall[] calls =
        [
            Call("xgb", 1, Buy, 0.7), Call("lgbm", 1, Sell, 0.6),
            Call("xgb", 2, Buy, 0.7 + 5e-6), Call("lgbm", 2, Buy, 0.55),
            Call("xgb", 3, Buy, 0.8),
        ];
        var decisions = new[]
        {
            Decision(1, new ModelVote("xgb", Buy, 0.7, 0.5), new ModelVote("lgbm", Sell, 0.6, 0.5)),
            // Within rounding of a batched forward pass; then another action.
            Decision(2, new ModelVote("xgb", Buy, 0.7, 0.5), new ModelVote("lgbm", Sell, 0.55, 0.5)),
            // A confidence moved beyond rounding; a failed model's fallback; a model with no call at the bar.
            Decision(3, new ModelVote("xgb", Buy, 0.79, 0.4), new ModelVote("lgbm", Hold, 0, 0.3) { Fallback = "timed out" }, new ModelVote("nhits", Buy, 0.6, 0.3)),
        };

        var agreement = BarCalls.Compare(decisions, calls);

        Assert.Equal((5, 3, 1, 1), (agreement.Compared, agreement.Same, agreement.Fallbacks, agreement.Missing));
        Assert.False(agreement.AllSame);
        Assert.Equal(
        [
            $"BTCUSDT {T0.AddHours(2):yyyy-MM-dd HH:mm} lgbm: journal Sell 0.55, lgbm-v1 answers Buy 0.55",
            $"BTCUSDT {T0.AddHours(3):yyyy-MM-dd HH:mm} xgb: journal Buy 0.79, xgb-v1 answers Buy 0.8",
        ], agreement.Differences);
        Assert.Single(BarCalls.Compare(decisions, calls, shown: 1).Differences);
    }

    [Fact]
    public void The_same_answers_everywhere_agree_and_only_calls_with_a_known_label_are_scored()
    {
        BarCall[] calls = [Call("xgb", 1, Buy, 0.7, up: true), Call("xgb", 2, Sell, 0.6, up: true), Call("xgb", 3, Hold, 0.1, up: false), Call("xgb", 4, Buy, 0.9, up: null)];

        var agreement = BarCalls.Compare([Decision(1, new ModelVote("xgb", Buy, 0.7, 1)), Decision(4, new ModelVote("xgb", Buy, 0.9, 1))], calls);
        var scored = BarCalls.Scored(calls).ToArray();

        Assert.True(agreement.AllSame);
        Assert.Equal((2, 2), (agreement.Compared, agreement.Same));
        Assert.Equal([Buy, Sell, Hold], scored.Select(v => v.Action));
        var xgb = Assert.Single(PredictionAccuracy.Of(scored));
        Assert.Equal((2, 1), (xgb.Calls, xgb.Correct));
    }
}
