using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

public class EssStateTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    /// <summary>Feeds (hour, equity) pairs; returns the final state and every transition.</summary>
    private static (EssState State, List<EssTransition> Transitions) Feed(EssState state, params (double Hour, double Equity)[] points)
    {
        var transitions = new List<EssTransition>();
        foreach (var (hour, equity) in points)
        {
            var (next, t) = state.Observe(H(hour), equity);
            state = next;
            if (t is not null)
                transitions.Add(t);
        }
        return (state, transitions);
    }

    [Fact]
    public void Defaults_are_seed_thresholds_with_half_point_hysteresis_and_six_hours()
    {
        var o = EssOptions.Default;
        Assert.Equal(-10.0, o.EmergencyThreshold);
        Assert.Equal(-4.0, o.ProtectiveThreshold);
        Assert.Equal(-2.0, o.CautiousThreshold);
        Assert.Equal(0.5, o.Hysteresis);
        Assert.Equal(TimeSpan.FromHours(6), o.ConfirmationPeriod);
    }

    [Theory]
    [InlineData(-0.0, EssMode.Normal)]
    [InlineData(-2.0, EssMode.Normal)]
    [InlineData(-2.01, EssMode.Cautious)]
    [InlineData(-4.0, EssMode.Cautious)]
    [InlineData(-4.01, EssMode.Protective)]
    [InlineData(-10.0, EssMode.Protective)]
    [InlineData(-10.01, EssMode.Emergency)]
    [InlineData(-100.0, EssMode.Emergency)]
    public void Thresholds_select_the_mode_with_seed_boundaries(double drawdown, EssMode expected) =>
        Assert.Equal(expected, EssOptions.Default.ModeFor(drawdown));

    [Fact]
    public void Tightening_is_immediate_at_every_step()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 980), (2, 979), (3, 959), (4, 899));

        Assert.Equal(3, ts.Count);
        Assert.Equal((H(2), EssMode.Normal, EssMode.Cautious), (ts[0].Time, ts[0].From, ts[0].To));
        Assert.Equal(-2.1, ts[0].Drawdown, 10);
        Assert.Equal((H(3), EssMode.Cautious, EssMode.Protective), (ts[1].Time, ts[1].From, ts[1].To));
        Assert.Equal(-4.1, ts[1].Drawdown, 10);
        Assert.Equal((H(4), EssMode.Protective, EssMode.Emergency), (ts[2].Time, ts[2].From, ts[2].To));
        Assert.Equal(-10.1, ts[2].Drawdown, 10);
        Assert.Equal("drawdown -10.10% is below the EMERGENCY threshold -10.00%", ts[2].Reason);
        Assert.All(ts, t => Assert.False(t.Manual));
        Assert.True(ts[1].TradingEnabled);
        Assert.False(ts[2].TradingEnabled);
        Assert.False(state.TradingEnabled);
        Assert.Equal(1000, state.PeakEquity);
    }

    [Fact]
    public void A_crash_jumps_from_normal_straight_to_emergency()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 850));
        var t = Assert.Single(ts);
        Assert.Equal((EssMode.Normal, EssMode.Emergency, false), (t.From, t.To, t.TradingEnabled));
        Assert.Equal(-15.0, t.Drawdown, 10);
        Assert.Equal(EssMode.Emergency, state.Mode);
    }

    [Fact]
    public void Drawdown_is_measured_from_the_running_peak()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 1200), (2, 1180));
        Assert.Empty(ts);
        Assert.Equal(1200, state.PeakEquity);
        Assert.Equal(-100.0 / 60.0, state.Drawdown, 10);
        Assert.Equal(EssMode.Normal, state.Mode);

        (state, ts) = Feed(state, (3, 1160));
        Assert.Equal(EssMode.Cautious, Assert.Single(ts).To);
    }

    [Fact]
    public void Emergency_recovers_in_stages_each_after_its_confirmation_period()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 880));
        Assert.Equal(EssMode.Emergency, state.Mode);

        // -5%: qualifies for leaving EMERGENCY (>= -9.5%) but must hold 6 hours.
        (state, ts) = Feed(state, (2, 950), (4, 950), (7.99, 950));
        Assert.Empty(ts);
        Assert.Equal(EssMode.Emergency, state.Mode);
        Assert.Equal(H(2), state.RecoveryPendingSince);

        (state, ts) = Feed(state, (8, 950));
        var toProtective = Assert.Single(ts);
        Assert.Equal((H(8), EssMode.Emergency, EssMode.Protective, true), (toProtective.Time, toProtective.From, toProtective.To, toProtective.TradingEnabled));
        Assert.Equal("drawdown -5.00% held at or above -9.50% for 06:00:00 (confirmation period 06:00:00)", toProtective.Reason);
        Assert.Null(state.RecoveryPendingSince);

        // -3%: qualifies for leaving PROTECTIVE (>= -3.5%).
        (state, ts) = Feed(state, (9, 970), (14.5, 970));
        Assert.Empty(ts);
        (state, ts) = Feed(state, (15, 970));
        Assert.Equal((H(15), EssMode.Protective, EssMode.Cautious), (ts[0].Time, ts[0].From, ts[0].To));

        // -1%: qualifies for leaving CAUTIOUS (>= -1.5%).
        (state, ts) = Feed(state, (16, 990), (21, 990), (22, 990));
        var toNormal = Assert.Single(ts);
        Assert.Equal((H(22), EssMode.Cautious, EssMode.Normal), (toNormal.Time, toNormal.From, toNormal.To));
        Assert.Equal(-1.0, toNormal.Drawdown, 10);
        Assert.True(state.TradingEnabled);
    }

    [Fact]
    public void Back_at_the_peak_emergency_still_takes_three_periods_to_reach_normal()
    {
        var points = new List<(double, double)> { (0, 1000), (1, 850) };
        for (var h = 2; h <= 30; h++)
            points.Add((h, 1000));
        var (state, ts) = Feed(EssState.Initial(), [.. points]);

        Assert.Equal(
            [(H(1), EssMode.Emergency), (H(8), EssMode.Protective), (H(14), EssMode.Cautious), (H(20), EssMode.Normal)],
            ts.Select(t => (t.Time, t.To)).ToArray());
        Assert.Equal(EssMode.Normal, state.Mode);
    }

    [Fact]
    public void Relaxing_needs_the_hysteresis_margin_beyond_the_threshold()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 975));
        Assert.Equal(EssMode.Cautious, state.Mode);

        // -1.8% is above the -2% threshold but not by 0.5 points: a day of it changes nothing.
        var day = Enumerable.Range(2, 24).Select(h => ((double)h, 982.0)).ToArray();
        (state, ts) = Feed(state, day);
        Assert.Empty(ts);
        Assert.Null(state.RecoveryPendingSince);

        // -1.5% is exactly threshold + hysteresis: it qualifies.
        (state, ts) = Feed(state, (26, 985), (31, 985), (32, 985));
        Assert.Equal((H(32), EssMode.Cautious, EssMode.Normal), (Assert.Single(ts).Time, ts[0].From, ts[0].To));
    }

    [Fact]
    public void Noise_around_minus_two_percent_does_not_flap()
    {
        var points = new List<(double, double)> { (0, 1000) };
        for (var h = 1; h <= 48; h++)
            points.Add((h, h % 2 == 1 ? 979 : 981));
        var (state, ts) = Feed(EssState.Initial(), [.. points]);

        var t = Assert.Single(ts);
        Assert.Equal((H(1), EssMode.Normal, EssMode.Cautious), (t.Time, t.From, t.To));
        Assert.Equal(EssMode.Cautious, state.Mode);
    }

    [Fact]
    public void Noise_around_minus_four_percent_does_not_flap()
    {
        var points = new List<(double, double)> { (0, 1000), (1, 970) };
        for (var h = 2; h <= 48; h++)
            points.Add((h, h % 2 == 0 ? 959 : 961));
        var (state, ts) = Feed(EssState.Initial(), [.. points]);

        Assert.Equal([EssMode.Cautious, EssMode.Protective], ts.Select(t => t.To).ToArray());
        Assert.Equal(H(2), ts[1].Time);
        Assert.Equal(EssMode.Protective, state.Mode);
    }

    [Fact]
    public void One_dip_below_the_recovery_level_restarts_the_confirmation_clock()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 950));
        Assert.Equal(EssMode.Protective, state.Mode);

        // -3% from hour 2; a -3.6% reading at hour 6 (still PROTECTIVE territory) breaks the run.
        var (afterDip, ts) = Feed(state, (2, 970), (5, 970), (6, 964), (7, 970), (12.5, 970));
        Assert.Empty(ts);
        Assert.Equal(H(7), afterDip.RecoveryPendingSince);

        (_, ts) = Feed(afterDip, (13, 970));
        Assert.Equal((H(13), EssMode.Cautious), (Assert.Single(ts).Time, ts[0].To));
    }

    [Fact]
    public void Zero_confirmation_period_still_recovers_one_step_per_observation()
    {
        var options = new EssOptions(-10, -4, -2, 0.5, TimeSpan.Zero);
        var (state, ts) = Feed(EssState.Initial(options), (0, 1000), (1, 850), (2, 1000), (3, 1000), (4, 1000));
        Assert.Equal([EssMode.Emergency, EssMode.Protective, EssMode.Cautious, EssMode.Normal], ts.Select(t => t.To).ToArray());
        Assert.Equal([H(1), H(2), H(3), H(4)], ts.Select(t => t.Time).ToArray());
        Assert.Equal(EssMode.Normal, state.Mode);
    }

    [Fact]
    public void Manual_trigger_forces_emergency_and_holds_it_until_reset()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 1000));
        var (triggered, t) = state.ManualTrigger("exchange outage", H(2));

        Assert.NotNull(t);
        Assert.Equal((EssMode.Normal, EssMode.Emergency, false, true), (t.From, t.To, t.TradingEnabled, t.Manual));
        Assert.Equal("manual trigger: exchange outage", t.Reason);
        Assert.Equal(0.0, t.Drawdown);
        Assert.True(triggered.ManualLatch);

        // Equity at its peak for three days: drawdown alone never lifts a manual trigger.
        var days = Enumerable.Range(3, 72).Select(h => ((double)h, 1000.0)).ToArray();
        var (held, ts) = Feed(triggered, days);
        Assert.Empty(ts);
        Assert.Equal(EssMode.Emergency, held.Mode);

        var (reset, r) = held.ManualReset("outage over", H(80));
        Assert.NotNull(r);
        Assert.Equal((EssMode.Emergency, EssMode.Normal, true, true), (r.From, r.To, r.TradingEnabled, r.Manual));
        Assert.Equal("manual reset: outage over", r.Reason);
        Assert.False(reset.ManualLatch);
        Assert.True(reset.TradingEnabled);
    }

    [Fact]
    public void A_manual_transition_names_the_operator_who_gave_it_when_the_input_does()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 1000));

        var (triggered, t) = state.Apply(new EssManualTrigger("paper", "exchange outage", H(2)) { Operator = "alice" });
        var (_, r) = triggered.Apply(new EssManualReset("paper", "outage over", H(3)));

        Assert.Equal("manual trigger by alice: exchange outage", t!.Reason);
        Assert.Equal("manual reset: outage over", r!.Reason);
    }

    [Fact]
    public void Manual_trigger_in_emergency_latches_without_a_transition()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 880));
        var (latched, t) = state.ManualTrigger("hold it", H(2));
        Assert.Null(t);
        Assert.True(latched.ManualLatch);

        var (still, ts) = Feed(latched, (3, 1000), (20, 1000), (40, 1000));
        Assert.Empty(ts);
        Assert.Equal(EssMode.Emergency, still.Mode);
    }

    [Fact]
    public void Manual_reset_goes_to_the_mode_the_drawdown_supports_and_restarts_the_clock()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 880), (2, 1000));
        var (triggered, _) = state.ManualTrigger("check fills", H(3));
        (state, _) = Feed(triggered, (4, 970));

        // -3% supports CAUTIOUS on the plain thresholds.
        var (reset, t) = state.ManualReset("fills reconciled", H(5));
        Assert.NotNull(t);
        Assert.Equal((EssMode.Emergency, EssMode.Cautious), (t.From, t.To));
        Assert.Equal(-3.0, t.Drawdown, 10);
        Assert.Null(reset.RecoveryPendingSince);

        // The clock restarts: -1% from hour 6 reaches NORMAL at hour 12, not earlier.
        var (s1, ts) = Feed(reset, (6, 990), (11.9, 990));
        Assert.Empty(ts);
        (_, ts) = Feed(s1, (12, 990));
        Assert.Equal((H(12), EssMode.Normal), (Assert.Single(ts).Time, ts[0].To));
    }

    [Fact]
    public void Manual_reset_skips_the_confirmation_period_but_not_the_thresholds()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 950), (2, 970));
        Assert.Equal(EssMode.Protective, state.Mode);
        Assert.Equal(H(2), state.RecoveryPendingSince);

        var (reset, t) = state.ManualReset("operator confirmed recovery", H(3));
        Assert.Equal((EssMode.Protective, EssMode.Cautious), (t!.From, t.To));
        Assert.Equal(EssMode.Cautious, reset.Mode);
    }

    [Fact]
    public void Manual_reset_while_drawdown_supports_emergency_clears_the_latch_only()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 880));
        var (latched, _) = state.ManualTrigger("stop", H(2));
        var (reset, t) = latched.ManualReset("resume", H(3));

        Assert.Null(t);
        Assert.Equal(EssMode.Emergency, reset.Mode);
        Assert.False(reset.ManualLatch);

        // Without the latch, automatic recovery works again.
        var (after, ts) = Feed(reset, (4, 950), (10, 950));
        Assert.Equal((H(10), EssMode.Protective), (Assert.Single(ts).Time, ts[0].To));
        Assert.Equal(EssMode.Protective, after.Mode);
    }

    [Fact]
    public void Transitions_become_the_published_events()
    {
        var (state, ts) = Feed(EssState.Initial(new EssOptions(-10, -4, -2, 0.5, TimeSpan.Zero)), (0, 1000), (1, 850), (2, 1000));
        var triggered = Assert.IsType<EmergencyTriggered>(ts[0].ToEvent("acct-1"));
        Assert.Equal(("acct-1", EssMode.Normal, EssMode.Emergency, false), (triggered.AccountId, triggered.OldMode, triggered.NewMode, triggered.TradingEnabled));
        Assert.Equal(-15.0, triggered.Drawdown, 10);

        var recovered = Assert.IsType<EmergencyRecovered>(ts[1].ToEvent("acct-1"));
        Assert.Equal((EssMode.Emergency, EssMode.Protective, true, 0.0), (recovered.OldMode, recovered.NewMode, recovered.TradingEnabled, recovered.Drawdown));
        Assert.Equal(EssMode.Protective, state.Mode);
    }

    [Fact]
    public void Replaying_persisted_inputs_rebuilds_the_same_state()
    {
        IEssInput[] inputs =
        [
            new EquityObserved("acct-1", H(0), 1000),
            new EquityObserved("acct-1", H(1), 950),
            new EssManualTrigger("acct-1", "news", H(2)),
            new EquityObserved("acct-1", H(3), 990),
            new EssManualReset("acct-1", "news digested", H(4)),
            new EquityObserved("acct-1", H(5), 992),
        ];
        var state = EssState.Initial();
        var modes = new List<EssMode>();
        foreach (var input in inputs)
        {
            var (next, t) = state.Apply(input);
            state = next;
            if (t is not null)
                modes.Add(t.To);
        }

        // The reset at -1% goes straight to NORMAL, the mode that drawdown supports.
        Assert.Equal([EssMode.Protective, EssMode.Emergency, EssMode.Normal], modes);
        Assert.Equal(new EssState(EssOptions.Default, EssMode.Normal, 1000, 992, state.Drawdown, H(5), null, false, -5, H(1)), state);
        Assert.Equal(-0.8, state.Drawdown, 10);
    }

    [Fact]
    public void The_deepest_drawdown_and_when_it_was_observed_outlast_recovery_new_peaks_triggers_resets_and_new_options()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 970), (2, 940), (3, 990), (4, 1100), (5, 1060));
        Assert.Equal(-6.0, state.MaxDrawdown, 10);
        Assert.Equal(H(2), state.MaxDrawdownAt);
        Assert.Equal(100.0 * (1060 - 1100) / 1100, state.Drawdown, 10);

        state = state.ManualTrigger("venue outage", H(6)).Next.ManualReset("venue back", H(7)).Next.WithOptions(EssOptions.Default with { AutoRecovery = false });
        Assert.Equal((-6.0, H(2)), (state.MaxDrawdown, state.MaxDrawdownAt));

        // A deeper one replaces it, measured from the new peak.
        (state, _) = Feed(state, (8, 1023));
        Assert.Equal((-7.0, H(8)), (Math.Round(state.MaxDrawdown, 10), state.MaxDrawdownAt));
    }

    [Fact]
    public void A_state_snapshotted_before_the_deepest_drawdown_was_kept_restores_with_none_and_tracks_it_from_there()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 950));
        var json = JsonNode.Parse(JsonSerializer.Serialize(state))!.AsObject();
        json.Remove(nameof(EssState.MaxDrawdown));
        json.Remove(nameof(EssState.MaxDrawdownAt));
        var restored = JsonSerializer.Deserialize<EssState>(json.ToJsonString())!;
        Assert.Equal((0.0, null), (restored.MaxDrawdown, restored.MaxDrawdownAt));
        Assert.Equal((state.Mode, state.Drawdown, state.PeakEquity), (restored.Mode, restored.Drawdown, restored.PeakEquity));

        (restored, _) = Feed(restored, (2, 960));
        Assert.Equal((-4.0, H(2)), (Math.Round(restored.MaxDrawdown, 10), restored.MaxDrawdownAt));
    }

    [Fact]
    public void State_round_trips_through_json_in_the_middle_of_a_confirmation()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 880), (2, 950), (5, 950));
        Assert.Equal(H(2), state.RecoveryPendingSince);

        var json = JsonSerializer.Serialize(state);
        Assert.Contains("\"Mode\":\"Emergency\"", json);
        Assert.DoesNotContain("TradingEnabled", json);
        var restored = JsonSerializer.Deserialize<EssState>(json)!;
        Assert.Equal(state, restored);

        // The restored machine finishes the same confirmation at hour 8.
        var (_, t1) = state.Observe(H(8), 950);
        var (_, t2) = restored.Observe(H(8), 950);
        Assert.Equal(t1, t2);
        Assert.Equal(EssMode.Protective, t2!.To);
    }

    [Fact]
    public void Out_of_order_and_invalid_inputs_are_refused()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (5, 990));

        var early = Assert.Throws<DomainValidationException>(() => state.Observe(H(4), 990));
        Assert.Equal("time", early.Field);
        Assert.StartsWith("EssState.time: is earlier than the last input at 2024-03-01T05:00:00.0000000+00:00", early.Message);

        var negative = Assert.Throws<DomainValidationException>(() => state.Observe(H(6), -1));
        Assert.Equal("EssState.equity: must be >= 0 (-1)", negative.Message);
        Assert.Throws<DomainValidationException>(() => state.Observe(H(6), double.NaN));
        Assert.Throws<DomainValidationException>(() => state.ManualTrigger(" ", H(6)));
        Assert.Throws<DomainValidationException>(() => state.ManualReset("", H(6)));
    }

    [Fact]
    public void Equity_at_zero_is_full_drawdown_emergency()
    {
        var (state, ts) = Feed(EssState.Initial(), (0, 1000), (1, 0));
        Assert.Equal(-100.0, state.Drawdown);
        Assert.Equal(EssMode.Emergency, Assert.Single(ts).To);
    }

    [Fact]
    public void Without_auto_recovery_a_tightened_mode_stays_however_far_the_drawdown_recovers_until_an_operator_resets_it()
    {
        var options = EssOptions.Default with { AutoRecovery = false };
        var (state, ts) = Feed(EssState.Initial(options), (0, 1000), (1, 880));
        Assert.Equal(EssMode.Emergency, Assert.Single(ts).To);

        (state, ts) = Feed(state, (2, 1000), (30, 1000), (100, 1010));
        Assert.Empty(ts);
        Assert.Equal(EssMode.Emergency, state.Mode);

        // Tightening still works as before: back in NORMAL after the reset, a fall tightens at once.
        var (reset, t) = state.ManualReset("drawdown recovered; reviewed", H(101));
        Assert.Equal((EssMode.Emergency, EssMode.Normal), (t!.From, t.To));
        (state, ts) = Feed(reset, (102, 980));
        Assert.Equal(EssMode.Cautious, Assert.Single(ts).To);
    }

    [Fact]
    public void A_state_under_other_options_keeps_its_mode_drawdown_and_latch_and_follows_the_new_options_from_there()
    {
        var (state, _) = Feed(EssState.Initial(), (0, 1000), (1, 880), (2, 950));
        Assert.Equal(H(2), state.RecoveryPendingSince);

        var moved = state.WithOptions(EssOptions.Default with { AutoRecovery = false });

        Assert.Equal((state.Mode, state.PeakEquity, state.Drawdown, state.RecoveryPendingSince, state.ManualLatch),
            (moved.Mode, moved.PeakEquity, moved.Drawdown, moved.RecoveryPendingSince, moved.ManualLatch));
        Assert.Empty(Feed(moved, (9, 950), (20, 1000)).Transitions);
        Assert.Single(Feed(state, (9, 950)).Transitions);
    }
}
