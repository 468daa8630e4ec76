using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class DriftDetectorTests
{
    /// <summary>Feeds the sequence and returns the 0-based indices where the detector fired, with the alarms.</summary>
    private static List<(int Index, DriftAlarm Alarm)> Feed(IDriftDetector detector, IEnumerable<double> rs)
    {
        var fired = new List<(int, DriftAlarm)>();
        var i = 0;
        foreach (var r in rs)
        {
            var (next, alarm) = detector.Update(r);
            detector = next;
            if (alarm is not null) fired.Add((i, alarm));
            i++;
        }

        return fired;
    }

    [Fact]
    public void Consecutive_loss_alarm_fires_on_the_third_loss_in_a_row_and_counts_again_after()
    {
        double[] rs = [0.8, -1, -0.5, -2, -1, -1, -0.2, 0.0, -1, -1, 1.2];
        var fired = Feed(ConsecutiveLossAlarm.Create(3), rs);

        Assert.Equal([3, 6], fired.Select(f => f.Index));
        var breach = Assert.Single(fired[0].Alarm.Breaches);
        Assert.Equal(("consecutive-losses", 3.0, 3.0), (breach.Rule, breach.Value, breach.Threshold));
        Assert.Equal(DriftDetectorNames.ConsecutiveLosses, fired[0].Alarm.Detector);
        Assert.Equal("consecutive-losses: consecutive-losses 3 (threshold 3)", fired[0].Alarm.Describe());
    }

    [Fact]
    public void Consecutive_loss_alarm_stays_quiet_when_losses_never_run_to_three()
    {
        double[] rs = [-1, -1, 0.5, -1, -1, 0, -1, -1, 2, -1];
        Assert.Empty(Feed(ConsecutiveLossAlarm.Create(3), rs));
    }

    [Fact]
    public void Seed_rule_fires_a_win_rate_drop_of_exactly_ten_points_when_the_window_fills()
    {
        var rule = SeedThresholdRule.Create(new SeedThresholds(Window: 10), new DriftBaseline(Sharpe: 0.2, WinRate: 0.6, Trades: 200));
        var alternating = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? 1.0 : -1.0);

        var fired = Feed(rule, alternating);

        var (index, alarm) = Assert.Single(fired);
        Assert.Equal(9, index);
        var breach = Assert.Single(alarm.Breaches);
        Assert.Equal("win-rate-drop", breach.Rule);
        Assert.Equal(0.1, breach.Value, 9);
        Assert.Contains(alarm.Figures, f => f.Name == "recent-win-rate" && Math.Abs(f.Value - 0.5) < 1e-12);
    }

    [Fact]
    public void Seed_rule_ignores_a_win_rate_drop_of_nine_points()
    {
        var rule = SeedThresholdRule.Create(new SeedThresholds(Window: 10), new DriftBaseline(Sharpe: 0.2, WinRate: 0.59, Trades: 200));
        Assert.Empty(Feed(rule, Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? 1.0 : -1.0)));
    }

    [Fact]
    public void Seed_rule_fires_a_sharpe_drop()
    {
        // Window of +1.2/-1 alternating: mean 0.1, sample σ 1.1·sqrt(10/9) = 1.15950, Sharpe 0.08624; baseline 0.5 → drop 0.41376.
        var rule = SeedThresholdRule.Create(new SeedThresholds(Window: 10), new DriftBaseline(Sharpe: 0.5, WinRate: 0.5, Trades: 200));
        var fired = Feed(rule, Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? 1.2 : -1.0));

        var (index, alarm) = Assert.Single(fired);
        Assert.Equal(9, index);
        var breach = Assert.Single(alarm.Breaches);
        Assert.Equal("sharpe-drop", breach.Rule);
        Assert.Equal(0.5 - 0.1 / (1.1 * Math.Sqrt(10.0 / 9.0)), breach.Value, 9);
        Assert.Equal(0.3, breach.Threshold);
    }

    [Fact]
    public void Seed_rule_fires_on_the_fifth_loss_in_a_row_even_while_learning_its_baseline()
    {
        var fired = Feed(SeedThresholdRule.Create(), [0.5, -0.1, -0.1, -0.1, -0.1, -0.1, -0.1]);

        var (index, alarm) = Assert.Single(fired);
        Assert.Equal(5, index);
        Assert.Equal("consecutive-losses", Assert.Single(alarm.Breaches).Rule);
    }

    [Fact]
    public void Seed_rule_measures_drawdown_on_equity_risking_a_fixed_fraction_per_trade()
    {
        // Risking 10% per trade: two -1R trades leave 0.9 × 0.9 = 0.81 of the peak, a 19% drawdown.
        var rule = SeedThresholdRule.Create(new SeedThresholds(RiskPerTrade: 0.10));
        var (afterOne, first) = rule.Update(-1);
        Assert.Null(first);
        Assert.Equal(0.1, afterOne.Drawdown, 12);

        var (reset, alarm) = afterOne.Update(-1);
        Assert.NotNull(alarm);
        var breach = Assert.Single(alarm.Breaches);
        Assert.Equal("drawdown", breach.Rule);
        Assert.Equal(0.19, breach.Value, 12);
        Assert.Equal(0.0, reset.Drawdown);
        Assert.Equal(0, reset.LossRun);
    }

    [Fact]
    public void Seed_rule_learns_its_baseline_from_the_first_trades_and_stays_quiet_on_the_same_pattern()
    {
        var pattern = new[] { 1.0, 1.0, -1.0, 1.0, -1.0 };
        var rs = Enumerable.Repeat(pattern, 8).SelectMany(p => p).ToArray();
        var rule = SeedThresholdRule.Create(new SeedThresholds(Window: 10, BaselineTrades: 10));

        Assert.Empty(Feed(rule, rs));
        IDriftDetector state = rule;
        foreach (var r in rs.Take(10)) state = state.Update(r).State;
        var baseline = ((SeedThresholdRule)state).Baseline;
        Assert.NotNull(baseline);
        Assert.Equal(0.6, baseline.WinRate, 12);
        Assert.Equal(0.2 / Math.Sqrt(9.6 / 9), baseline.Sharpe, 12);
    }

    [Fact]
    public void Baseline_from_validation_trades_uses_per_trade_sharpe_and_win_rate()
    {
        // Mean 0.2, sum of squared deviations 4.8 → sample σ sqrt(4.8 / 4).
        var baseline = DriftBaseline.FromRMultiples([1, 1, -1, 1, -1]);
        Assert.Equal(0.6, baseline.WinRate, 12);
        Assert.Equal(0.2 / Math.Sqrt(1.2), baseline.Sharpe, 12);
        Assert.Equal(5, baseline.Trades);
    }

    [Fact]
    public void Page_hinkley_fires_on_the_ninth_loss_after_a_stable_history()
    {
        // Hand computation: after 20 alternating ±1 trades (mean 0, σ sqrt(20/19)), each -1 adds (mean - r)/σ - 0.5 with the
        // running mean and σ of the trades before it; the statistic passes 3 at the ninth loss (index 28): 3.0420.
        var detector = PageHinkley.Create(delta: 0.5, lambda: 3, burnIn: 20);
        var rs = Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 1.0 : -1.0).Concat(Enumerable.Repeat(-1.0, 30));

        var fired = Feed(detector, rs);

        var (index, alarm) = Assert.Single(fired);
        Assert.Equal(28, index);
        var breach = Assert.Single(alarm.Breaches);
        Assert.Equal(3.0420, breach.Value, 4);
        Assert.Equal(3.0, breach.Threshold);
        Assert.Equal(-2.0 / 7.0, alarm.Figures.Single(f => f.Name == "reference-mean").Value, 12);
    }

    [Fact]
    public void Page_hinkley_first_step_after_burn_in_matches_the_hand_value()
    {
        IDriftDetector detector = PageHinkley.Create(delta: 0.5, lambda: 3, burnIn: 20);
        foreach (var r in Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 1.0 : -1.0)) detector = detector.Update(r).State;

        var after = (PageHinkley)detector.Update(-1).State;

        Assert.Equal(1 / Math.Sqrt(20.0 / 19.0) - 0.5, after.Statistic, 12);
    }

    [Fact]
    public void Page_hinkley_stays_quiet_on_a_stationary_sequence_and_on_a_rise()
    {
        var stationary = Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? 1.0 : -1.0);
        var rise = Enumerable.Repeat(-0.5, 100).Concat(Enumerable.Repeat(1.5, 200));
        Assert.Empty(Feed(PageHinkley.Create(), stationary));
        Assert.Empty(Feed(PageHinkley.Create(), rise.Select((r, i) => r + (i % 2 == 0 ? 0.3 : -0.3))));
    }

    [Fact]
    public void Adwin_cuts_on_the_seventh_loss_after_a_hundred_wins_with_the_bernstein_bound()
    {
        var rs = Enumerable.Repeat(1.0, 100).Concat(Enumerable.Repeat(-1.0, 50));

        var fired = Feed(Adwin.Create(delta: 0.002), rs);

        var (index, alarm) = Assert.Single(fired);
        Assert.Equal(106, index);
        double Figure(string name) => alarm.Figures.Single(f => f.Name == name).Value;
        Assert.Equal(1.0, Figure("older-mean"));
        Assert.Equal(96, Figure("older-trades"));
        Assert.Equal(11, Figure("newer-trades"));
        Assert.Equal(-3.0 / 11.0, Figure("newer-mean"), 12);

        // ε = sqrt(2/m · σ² · ln(2 ln n / δ)) + 2/(3m) · ln(2 ln n / δ) over the 107 trades seen (93 net wins).
        double n = 107, mean = 93.0 / 107, variance = 1 - mean * mean, m = 1 / (1 / 96.0 + 1 / 11.0), log = Math.Log(2 * Math.Log(n) / 0.002);
        var epsilon = Math.Sqrt(2 / m * variance * log) + 2 / (3 * m) * log;
        var breach = Assert.Single(alarm.Breaches);
        Assert.Equal(epsilon, breach.Threshold, 12);
        Assert.Equal(1.0 + 3.0 / 11.0, breach.Value, 12);
    }

    [Fact]
    public void Adwin_keeps_its_whole_window_on_a_stationary_sequence_with_bounded_buckets()
    {
        IDriftDetector detector = Adwin.Create();
        for (var i = 0; i < 1000; i++)
        {
            var (next, alarm) = detector.Update(i % 2 == 0 ? 1.0 : -1.0);
            Assert.Null(alarm);
            detector = next;
        }

        var adwin = (Adwin)detector;
        Assert.Equal(1000, adwin.Width);
        Assert.Equal(0.0, adwin.Mean, 12);
        Assert.All(adwin.Buckets.GroupBy(b => b.Count), g => Assert.InRange(g.Count(), 1, 5));
        Assert.Equal(adwin.Buckets.Select(b => b.Count).OrderByDescending(c => c), adwin.Buckets.Select(b => b.Count));
    }

    [Fact]
    public void Adwin_drops_old_trades_on_a_rise_without_raising_an_alarm()
    {
        IDriftDetector detector = Adwin.Create();
        foreach (var r in Enumerable.Repeat(-1.0, 100).Concat(Enumerable.Repeat(1.0, 50)))
        {
            var (next, alarm) = detector.Update(r);
            Assert.Null(alarm);
            detector = next;
        }

        var adwin = (Adwin)detector;
        Assert.True(adwin.Width < 150, $"window kept {adwin.Width} trades");
        Assert.True(adwin.Mean > 0, $"window mean {adwin.Mean}");
    }

    [Fact]
    public void Detectors_refuse_a_non_finite_r_multiple()
    {
        foreach (var detector in new DriftMonitorSettings().CreateDetectors())
            Assert.Throws<ArgumentOutOfRangeException>(() => detector.Update(double.NaN));
    }

    [Fact]
    public void Detector_states_round_trip_through_json_and_continue_identically()
    {
        var rs = Enumerable.Range(0, 300).Select(i => Math.Sin(i * 0.7) + (i > 200 ? -0.8 : 0.1)).ToArray();
        var monitor = ModelDriftMonitor.Create("xgb");
        foreach (var r in rs.Take(150)) monitor = monitor.Apply(new TradeOutcome(DateTimeOffset.UnixEpoch, "xgb", r)).State;

        var json = JsonSerializer.Serialize(monitor);
        var restored = JsonSerializer.Deserialize<ModelDriftMonitor>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(restored));

        var original = new List<string>();
        var resumed = new List<string>();
        foreach (var r in rs.Skip(150))
        {
            var trade = new TradeOutcome(DateTimeOffset.UnixEpoch, "xgb", r);
            var (a, ea) = monitor.Apply(trade);
            var (b, eb) = restored.Apply(trade);
            monitor = a;
            restored = b;
            original.AddRange(ea.Select(e => $"{e.TradeIndex}:{e.Alarm.Describe()}"));
            resumed.AddRange(eb.Select(e => $"{e.TradeIndex}:{e.Alarm.Describe()}"));
        }

        Assert.NotEmpty(original);
        Assert.Equal(original, resumed);
        Assert.Equal(JsonSerializer.Serialize(monitor), JsonSerializer.Serialize(restored));
    }
}
