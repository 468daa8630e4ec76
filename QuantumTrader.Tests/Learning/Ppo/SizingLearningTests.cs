using System.Text.Json;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;
using static QuantumTrader.Tests.Learning.Ppo.PpoSizingSamples;

namespace QuantumTrader.Tests.Learning.Ppo;

/// <summary>From closed trade to experience, the learner's journaled state, and the update with its checkpoint.</summary>
public sealed class SizingLearningTests
{
    private static readonly ClosedTrade Template = SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade;

    private static ClosedTrade Sized(SizingState input, double policyQuantity, double tradedQuantity, double pnl, bool applied)
    {
        var cap = new SizingCap("NORMAL", 500, 10, 1, 1, 0, 5_000);
        var choice = new PolicyChoice(3, applied, input, 0.4, 2, 1, cap, policyQuantity, 1, 2, 100);
        var sizing = new SizingDecision(applied ? PpoSizing.Name : PpoSizing.ShadowName, input.ToVector(), [0.1, -0.2, 0.3], tradedQuantity, 0.01, 1, 2,
            LogProb: -2.5, Value: 0.25, Policy: choice);
        return Template with { Quantity = tradedQuantity, Pnl = pnl, Decision = Template.Decision with { Sizing = sizing } };
    }

    private static (double, double, double, double) Of(SizingAction a) => (a.SizeFraction, a.TakeProfitPct, a.StopLossPct, a.LogProb);

    private static readonly SizingState AtPeak = new(10_000, 10_000, 0, 3, 1.2, 0, 0.8, 1, 0.5, 0, 0.5, 0);

    [Fact]
    public void A_shadow_trade_is_rewarded_for_the_pnl_at_the_agents_size()
    {
        // Traded 4 units for −300; the agent asked for 2, so its PnL is −150 = −1.5 risk units, and equity
        // 9,850 under a 10,000 peak is a 1.5 % drawdown: reward −1.5 − 0.15² = −1.5225.
        var e = SizingOutcome.Of(Sized(AtPeak, policyQuantity: 2, tradedQuantity: 4, pnl: -300, applied: false));
        var x = e.Experience!;
        Assert.Equal(-1.5225, x.Reward, 12);
        Assert.Equal(-150, e.Reward!.PolicyPnl, 12);
        Assert.Equal(-300, e.Reward.TradePnl, 12);
        Assert.Equal(1.5, e.Reward.DrawdownAfterPct, 12);
        Assert.Equal(3, e.Reward.PolicyVersion);
        Assert.False(e.Reward.Applied);
        Assert.Equal(AtPeak.ToVector(), x.State);
        Assert.Equal([0.1, -0.2, 0.3], x.Action);
        Assert.Equal((-2.5, 0.25), (x.LogProb, x.Value));
        Assert.False(x.Done);
        Assert.Equal((AtPeak with { Equity = 9_850, DrawdownPct = 1.5 }).ToVector(), x.NextState);
    }

    [Fact]
    public void A_win_out_of_drawdown_is_capped_at_five_risk_units_with_no_drawdown_penalty()
    {
        // 9,000 at 10 % below the peak (10,000) wins 1,500: 10,500 is a new peak, 15 units clamp to 5.
        var deep = AtPeak with { Equity = 9_000, DrawdownPct = 10 };
        var e = SizingOutcome.Of(Sized(deep, policyQuantity: 3, tradedQuantity: 3, pnl: 1_500, applied: true));
        Assert.Equal(5, e.Experience!.Reward, 12);
        Assert.Equal(0, e.Reward!.DrawdownAfterPct, 12);
        Assert.Equal((deep with { Equity = 10_500, DrawdownPct = 0 }).ToVector(), e.Experience.NextState);
    }

    [Fact]
    public void A_trade_that_empties_the_account_ends_the_episode()
    {
        var e = SizingOutcome.Of(Sized(AtPeak, policyQuantity: 1, tradedQuantity: 1, pnl: -12_000, applied: true));
        Assert.True(e.Experience!.Done);
        Assert.Empty(e.Experience.NextState);
        Assert.Equal(100, e.Reward!.DrawdownAfterPct);
        Assert.Equal(-5 - 100, e.Experience.Reward, 9);
    }

    [Fact]
    public void A_fixed_fraction_trade_feeds_performance_but_is_no_experience()
    {
        var e = SizingOutcome.Of(Template);
        Assert.Null(e.Experience);
        Assert.Null(e.Reward);
        Assert.Equal(Template.RMultiple, e.RMultiple);
        Assert.Equal(["lgbm", "xgb"], e.Models.Select(m => m.ModelId).Order());
        Assert.All(e.Models, m => Assert.Equal(Template.RMultiple, m.RMultiple));
    }

    [Fact]
    public void The_learner_state_counts_each_trade_once_and_an_update_takes_the_oldest_pending_experiences()
    {
        var ppo = Served(shadow: true);
        var trades = Trades(ppo, 5);
        var state = SizingLearnerState.Start;
        foreach (var t in trades.Append(Template with { TradeId = "FIXED-1" }))
            state = state.Apply(state.Record(t)!);
        Assert.Null(state.Record(trades[2]));
        state = state.Apply(SizingOutcome.Of(trades[2]));
        Assert.Equal((6, 5, 5), (state.TradeIds.Count, state.Experiences, state.Pending.Count));
        Assert.True(state.UpdateDue(5));
        Assert.False(state.UpdateDue(6));
        Assert.Equal(6, state.Performance.Symbols["TEST"].Samples);

        var ids = trades.Take(3).Select(t => t.TradeId).ToArray();
        var update = new SizingPolicyUpdated(1, 3, 0.1, 0.2, 0.3, 0.4, 0.01, 0.05, "models/ppo/policy-v1.pt", ids, trades[2].ExitTime);
        var after = state.Apply(update);
        Assert.Equal(1, after.Version);
        Assert.Equal(trades.Skip(3).Select(t => t.TradeId), after.Pending.Select(p => p.TradeId));
        Assert.Equal(5, after.Experiences);
        var record = Assert.Single(after.History);
        Assert.Equal((1, 3, 0.1, "models/ppo/policy-v1.pt"), (record.Version, record.Experiences, record.MeanReward, record.Checkpoint));

        Assert.Throws<InvalidOperationException>(() => state.Apply(update with { Version = 2 }));
        Assert.Throws<InvalidOperationException>(() => state.Apply(update with { TradeIds = ids.Reverse().ToArray() }));
        Assert.Throws<InvalidOperationException>(() => state.Apply(update with { Experiences = 7 }));
    }

    [Fact]
    public void The_learner_state_round_trips_through_json()
    {
        var ppo = Served(shadow: true);
        var state = Trades(ppo, 4).Aggregate(SizingLearnerState.Start, (s, t) => s.Apply(SizingOutcome.Of(t)));
        var json = JsonSerializer.Serialize(state);
        var back = JsonSerializer.Deserialize<SizingLearnerState>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.True(back.Knows(state.Pending[0].TradeId));
        Assert.Equal(state.Performance.OfSymbol("TEST"), back.Performance.OfSymbol("TEST"));
    }

    [Fact]
    public void An_update_checkpoints_the_next_version_which_loads_as_the_updated_agent_and_repeats_exactly()
    {
        using var dir = new TempDir();
        using var other = new TempDir();
        var ppo = Served(shadow: true);
        var state = Trades(ppo, 6).Aggregate(SizingLearnerState.Start, (s, t) => s.Apply(SizingOutcome.Of(t)));
        var options = SizingAgent.DefaultOptions with { Seed = 7 };
        var checkpoints = new SizingCheckpoints(dir.Path, new SizingBounds(), options);

        using var agent = checkpoints.Load(0);
        var update = checkpoints.Update(agent, state, 4);
        Assert.Equal(1, update.Version);
        Assert.Equal(4, update.Experiences);
        Assert.Equal(state.Pending.Take(4).Select(p => p.TradeId), update.TradeIds);
        Assert.Equal(state.Pending.Take(4).Average(p => p.Experience!.Reward), update.MeanReward, 6);
        Assert.Equal(state.Pending[3].ExitTime, update.Time);
        Assert.Equal("models/ppo/policy-v1.pt", update.Checkpoint);
        foreach (var suffix in new[] { "", ".adam", ".json" })
            Assert.True(File.Exists(Path.Combine(dir.Path, "models", "ppo", "policy-v1.pt" + suffix)), suffix);

        var probe = ppo.StateOf(Input(Start));
        using var loaded = checkpoints.Load(1);
        using var initial = checkpoints.Load(0);
        Assert.Equal(Of(agent.Snapshot().Decide(probe, new PpoRandom(3))), Of(loaded.Snapshot().Decide(probe, new PpoRandom(3))));
        Assert.NotEqual(initial.Decide(probe, deterministic: true).Value, loaded.Decide(probe, deterministic: true).Value);

        var again = new SizingCheckpoints(other.Path, new SizingBounds(), options);
        using var second = again.Load(0);
        var repeat = again.Update(second, state, 4);
        Assert.Equal((update.PolicyLoss, update.ValueLoss, update.ApproxKl), (repeat.PolicyLoss, repeat.ValueLoss, repeat.ApproxKl));
        Assert.Equal(File.ReadAllBytes(checkpoints.PathFor(1)), File.ReadAllBytes(again.PathFor(1)));
    }

    [Fact]
    public void A_missing_checkpoint_of_a_journaled_version_is_named()
    {
        using var dir = new TempDir();
        var checkpoints = new SizingCheckpoints(dir.Path, new SizingBounds(), SizingAgent.DefaultOptions);
        var ex = Assert.Throws<FileNotFoundException>(() => checkpoints.Load(4));
        Assert.Contains("policy-v4.pt", ex.Message);
        Assert.Contains("version 4", ex.Message);
    }
}
