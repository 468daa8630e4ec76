using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class AbTestTests
{
    private static readonly DateTimeOffset T0 = LearningTrades.Start;

    [Fact]
    public void The_split_sends_about_its_share_of_decisions_to_the_challenger_and_the_same_ones_every_time()
    {
        var decisions = Enumerable.Range(0, 20_000).Select(i => (Symbol: i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", Time: T0.AddHours(i / 2))).ToArray();

        var first = decisions.Select(d => AbSplit.ToChallenger("xgb", "xgb-v2", d.Symbol, d.Time, 0.2)).ToArray();
        var again = decisions.Select(d => AbSplit.ToChallenger("xgb", "xgb-v2", d.Symbol, d.Time, 0.2)).ToArray();
        var otherTest = decisions.Select(d => AbSplit.ToChallenger("xgb", "xgb-v3", d.Symbol, d.Time, 0.2)).ToArray();

        Assert.Equal(first, again);
        Assert.InRange(first.Count(x => x) / 20_000.0, 0.19, 0.21);
        Assert.NotEqual(first, otherTest);
        Assert.All(decisions, d => Assert.False(AbSplit.ToChallenger("xgb", "xgb-v2", d.Symbol, d.Time, 0)));
    }

    [Fact]
    public void An_arm_keeps_count_win_rate_average_R_and_Sharpe()
    {
        var arm = new[] { 1.0, -0.5, 2.0, 0.5 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));

        Assert.Equal((4, 3), (arm.Trades, arm.Wins));
        Assert.Equal(0.75, arm.AverageR, 12);
        // Squared deviations from 0.75 sum to 3.25: the sample variance is 3.25 / 3.
        Assert.Equal(0.75 / Math.Sqrt(3.25 / 3), arm.Sharpe, 12);
        Assert.Equal(0, ArmStats.None.Add(3).Sharpe);
    }

    [Fact]
    public void The_verdict_switches_only_on_enough_trades_and_a_sharpe_15_percent_better()
    {
        var settings = AbTestSettings.Seed with { MinTrades = 4 };
        var champion = new[] { 1.0, -1, 0.5, -0.5, 1 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));
        var strong = new[] { 1.0, 0.8, 1.2, -0.2 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));
        var level = new[] { 1.0, -1, 0.5, -0.5, 1 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));

        var (switchStrong, why) = AbTestJudge.Judge(champion, strong, settings);
        Assert.True(switchStrong);
        Assert.StartsWith("switch: challenger Sharpe", why);
        Assert.False(AbTestJudge.Judge(champion, level, settings).Switch);
        var (switchFew, whyFew) = AbTestJudge.Judge(champion, strong, AbTestSettings.Seed);
        Assert.False(switchFew);
        Assert.StartsWith("keep the champion: 4 challenger trades < 100, too few to judge", whyFew);
    }

    [Fact]
    public void A_test_is_due_at_its_trade_minimum_or_at_the_end_of_its_duration()
    {
        var settings = AbTestSettings.Seed with { MinTrades = 2 };
        var one = ArmStats.None.Add(1);

        Assert.False(AbTestJudge.Due(one, T0, T0.AddDays(6), settings));
        Assert.True(AbTestJudge.Due(one.Add(1), T0, T0.AddHours(1), settings));
        Assert.True(AbTestJudge.Due(ArmStats.None, T0, T0.AddDays(7), settings));
        Assert.Equal("the A/B share is 1; it must be between 0 and 1", (AbTestSettings.Seed with { Share = 1 }).Validate());
    }

    private sealed class Constant(string version, TradeAction action) : IPredictor
    {
        public string ModelId => ModelSlots.Xgb;
        public string Version => version;
        public Prediction Predict(ModelInput input) => new(ModelId, action, 0.9);
    }

    [Fact]
    public void A_split_slot_answers_each_input_with_the_arm_the_split_gives_it_one_at_a_time_or_batched()
    {
        var split = new SplitPredictor(new Constant("xgb-v1", TradeAction.Buy), new Constant("xgb-v2", TradeAction.Sell), 0.3);
        var set = new FeatureSet("fs-test", ["x"]);
        var inputs = Enumerable.Range(0, 200).Select(i => new ModelInput(i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", new FeatureVector(set, T0.AddHours(i), [i], true), []))
            .ToArray();

        var batched = split.PredictBatch(inputs);

        Assert.Equal(("xgb", "xgb-v1"), (split.ModelId, split.Version));
        for (var i = 0; i < inputs.Length; i++)
        {
            var expected = AbSplit.ToChallenger(ModelSlots.Xgb, "xgb-v2", inputs[i].Symbol, inputs[i].Features.Time, 0.3) ? TradeAction.Sell : TradeAction.Buy;
            Assert.Equal(expected, split.Predict(inputs[i]).Action);
            Assert.Equal(expected, batched[i].Action);
        }
        Assert.InRange(batched.Count(p => p.Action == TradeAction.Sell), 40, 80);
    }

    [Fact]
    public void A_running_test_shows_each_arms_sharpe_and_the_challengers_lead_in_mean_R_with_95_percent_intervals()
    {
        var test = new AbTestStarted("xgb", "xgb-v2", "xgb-v1", AbTestSettings.Seed with { MinTrades = 4 }, "gate approved", T0);
        var champion = new[] { 1.0, -1, 0.5, -0.5, 1 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));
        var challenger = new[] { 1.0, 0.8, 1.2, -0.2 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));

        var progress = AbTestProgress.Of(test, champion, challenger);

        // Champion: mean 0.2, sample variance 3.3 / 4; challenger: mean 0.7, sample variance 1.16 / 3.
        var sharpe = 0.2 / Math.Sqrt(0.825);
        var sharpeHalfWidth = 1.959964 * Math.Sqrt((1 + sharpe * sharpe / 2) / 5);
        Assert.Equal(sharpe - sharpeHalfWidth, progress.ChampionSharpe!.Low, 9);
        Assert.Equal(sharpe + sharpeHalfWidth, progress.ChampionSharpe.High, 9);
        var leadHalfWidth = 1.959964 * Math.Sqrt(0.825 / 5 + 1.16 / 3 / 4);
        Assert.Equal(0.5 - leadHalfWidth, progress.MeanRLead!.Low, 12);
        Assert.Equal(0.5, progress.MeanRLead.Estimate, 12);
        Assert.Equal(0.5 + leadHalfWidth, progress.MeanRLead.High, 12);
        Assert.Equal((T0.AddDays(7), 0), (progress.EndsBy, progress.ChallengerTradesToGo));
        Assert.Equal(AbTestJudge.Judge(champion, challenger, test.Settings), (progress.WouldSwitch, progress.IfEndedNow));
        Assert.True(progress.WouldSwitch);
    }

    [Fact]
    public void An_arm_with_fewer_than_two_trades_or_no_spread_has_no_interval_yet_and_the_test_says_how_many_trades_it_still_needs()
    {
        var test = new AbTestStarted("xgb", "xgb-v2", "xgb-v1", AbTestSettings.Seed, "gate approved", T0);
        var champion = new[] { 1.0, -1, 0.5 }.Aggregate(ArmStats.None, (a, r) => a.Add(r));

        var one = AbTestProgress.Of(test, champion, ArmStats.None.Add(2));
        var flat = AbTestProgress.Of(test, champion, ArmStats.None.Add(1).Add(1));

        Assert.Equal((99, false), (one.ChallengerTradesToGo, one.WouldSwitch));
        Assert.StartsWith("keep the champion: 1 challenger trades < 100, too few to judge", one.IfEndedNow, StringComparison.Ordinal);
        Assert.NotNull(one.ChampionSharpe);
        Assert.Null(one.ChallengerSharpe);
        Assert.Null(one.MeanRLead);
        Assert.Null(flat.ChallengerSharpe);
        Assert.Equal(1.0 - 0.5 / 3, flat.MeanRLead!.Estimate, 12);
    }
}
