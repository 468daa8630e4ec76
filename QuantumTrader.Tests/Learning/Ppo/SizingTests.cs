using System.Text.Json;
using QuantumTrader.Models.Learning.Ppo;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class SizingTests
{
    private static readonly SizingState Calm = new(
        Equity: 11_000, StartingEquity: 10_000, DrawdownPct: 2.5, EssMode: 3, VolatilityPct: 1.0, Regime: 2,
        EnsembleConfidence: 0.7, EnsembleAgreement: 0.75, SymbolWinRate: 0.6, SymbolAvgR: 0.5, ModelWinRate: 0.4, ModelAvgR: -0.2);

    private static SizingState RandomState(PpoRandom r) => new(
        Equity: r.Uniform(5_000, 15_000), StartingEquity: 10_000, DrawdownPct: r.Uniform(0, 15), EssMode: r.NextInt(4),
        VolatilityPct: r.Uniform(0, 6), Regime: r.NextInt(SizingState.RegimeCount), EnsembleConfidence: r.NextDouble(),
        EnsembleAgreement: r.NextDouble(), SymbolWinRate: r.NextDouble(), SymbolAvgR: r.Uniform(-2, 2),
        ModelWinRate: r.NextDouble(), ModelAvgR: r.Uniform(-2, 2));

    [Fact]
    public void State_vector_is_normalised_as_documented()
    {
        var v = Calm.ToVector();
        Assert.Equal(SizingState.VectorLength, v.Length);
        Assert.Equal(Math.Tanh(5 * Math.Log(1.1)), v[0], 12);
        Assert.Equal(0.25, v[1], 12);
        Assert.Equal(1.0, v[2], 12);
        Assert.Equal(Math.Tanh(0.5), v[3], 12);
        Assert.Equal([0.0, 0.0, 1.0, 0.0], v[4..8]);
        Assert.Equal(0.7, v[8], 12);
        Assert.Equal(0.75, v[9], 12);
        Assert.Equal(0.2, v[10], 12);
        Assert.Equal(Math.Tanh(0.5), v[11], 12);
        Assert.Equal(-0.2, v[12], 12);
        Assert.Equal(Math.Tanh(-0.2), v[13], 12);
    }

    [Theory]
    [InlineData("EssMode")]
    [InlineData("Regime")]
    [InlineData("EnsembleConfidence")]
    [InlineData("Equity")]
    public void Invalid_state_names_the_field(string field)
    {
        var bad = field switch
        {
            "EssMode" => Calm with { EssMode = 4 },
            "Regime" => Calm with { Regime = -1 },
            "EnsembleConfidence" => Calm with { EnsembleConfidence = double.NaN },
            _ => Calm with { Equity = 0 },
        };
        var ex = Assert.Throws<ArgumentException>(() => bad.ToVector());
        Assert.Contains($"SizingState.{field}", ex.Message);
    }

    [Theory]
    [InlineData(150, 100, 5, 1.25)]     // 1.5 risk units − (5/10)²
    [InlineData(-80, 100, 0, -0.8)]     // a loss at the equity peak
    [InlineData(2_000, 100, 0, 5.0)]    // an outlier win is capped at 5 units
    [InlineData(-900, 100, 10, -6.0)]   // capped loss −5 and a full unit for 10 % drawdown
    [InlineData(0, 100, 20, -4.0)]      // flat trade deep in drawdown
    public void Reward_is_clamped_risk_units_minus_squared_drawdown(double pnl, double risk, double drawdownPct, double expected)
    {
        Assert.Equal(expected, SizingReward.Compute(pnl, risk, drawdownPct), 12);
    }

    [Fact]
    public void Reward_rejects_a_non_positive_risk_unit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SizingReward.Compute(10, 0, 0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(3.0)] // σ ≈ 20 before squashing: tanh saturates and samples land on the bounds themselves
    public void Sizing_actions_always_stay_within_bounds(double initialLogStd)
    {
        var bounds = new SizingBounds(TakeProfitMinPct: 0.5, TakeProfitMaxPct: 6, StopLossMinPct: 0.3, StopLossMaxPct: 3);
        using var agent = new SizingAgent(bounds, SizingAgent.DefaultOptions with { InitialLogStd = initialLogStd, Seed = 21 });
        var r = new PpoRandom(99);
        var sizes = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var a = agent.Decide(RandomState(r));
            Assert.InRange(a.SizeFraction, 0.0, 1.0);
            Assert.InRange(a.TakeProfitPct, 0.5, 6.0);
            Assert.InRange(a.StopLossPct, 0.3, 3.0);
            Assert.True(double.IsFinite(a.LogProb), $"log-prob {a.LogProb}");
            sizes.Add(a.SizeFraction);
        }
        Assert.True(sizes.Max() - sizes.Min() > 0.5, "sampling should spread over the size range");
    }

    [Fact]
    public void Agent_learns_to_size_up_when_trades_pay_and_reports_update_statistics()
    {
        using var agent = new SizingAgent(new SizingBounds(), SizingAgent.DefaultOptions with { LearningRate = 3e-3, Seed = 4 });
        var r = new PpoRandom(8);
        var before = agent.Decide(Calm, deterministic: true).SizeFraction;
        UpdateStats? last = null;
        for (var round = 0; round < 12; round++)
        {
            var batch = new List<Experience>();
            for (var i = 0; i < 32; i++)
            {
                var s = RandomState(r);
                var a = agent.Decide(s);
                // Every trade wins 1.5 R at full size, so PnL grows with the size fraction.
                var reward = SizingReward.Compute(pnl: 150 * a.SizeFraction, risk: 100, drawdownAfterPct: 0);
                batch.Add(Experience.From(s, a, reward, s, done: true));
            }
            last = agent.Update(batch);
        }
        var after = agent.Decide(Calm, deterministic: true).SizeFraction;

        Assert.True(after > before + 0.15, $"size fraction {before:F3} -> {after:F3}");
        Assert.Equal(12, agent.Updates);
        Assert.NotNull(last);
        Assert.InRange(last!.MeanReward, 0, 1.5);
        Assert.True(last.ApproxKl >= 0 && double.IsFinite(last.PolicyLoss) && double.IsFinite(last.ValueLoss));
    }

    [Fact]
    public void Continuing_trades_bootstrap_gamma_times_the_next_state_value()
    {
        // A continuing trade with reward r − γ·V(next) has the same value target r as a finished trade with reward r,
        // so two identical agents must learn identically from them.
        var options = SizingAgent.DefaultOptions with { Seed = 2, Gamma = 0.9 };
        using var ended = new SizingAgent(new SizingBounds(), options);
        using var continuing = new SizingAgent(new SizingBounds(), options);
        var next = Calm with { DrawdownPct = 0, Regime = 0 };
        var nextValue = continuing.Decide(next, deterministic: true).Value;
        var a = ended.Decide(Calm);
        var b = continuing.Decide(Calm);
        Assert.Equal(a.Raw, b.Raw);

        var s1 = ended.Update([Experience.From(Calm, a, 1.0, next, done: true)]);
        var s2 = continuing.Update([Experience.From(Calm, b, 1.0 - 0.9 * nextValue, next, done: false)]);

        Assert.NotEqual(0.0, nextValue);
        Assert.Equal(s1.ValueLoss, s2.ValueLoss, 6);
        Assert.Equal(s1.PolicyLoss, s2.PolicyLoss, 6);
        Assert.Equal(1.0 - 0.9 * nextValue, s2.MeanReward, 12);
    }

    [Fact]
    public void Malformed_experience_is_rejected_naming_its_index_and_field()
    {
        using var agent = new SizingAgent(new SizingBounds());
        var good = Experience.From(Calm, agent.Decide(Calm), 0.5, Calm, done: true);
        var bad = good with { Action = [0.1, 0.2] };
        var ex = Assert.Throws<ArgumentException>(() => agent.Update([good, bad]));
        Assert.Contains("experience 1, Action", ex.Message);
    }

    [Fact]
    public void Experience_round_trips_through_json()
    {
        using var agent = new SizingAgent(new SizingBounds());
        var e = Experience.From(Calm, agent.Decide(Calm), 0.5, Calm with { Equity = 11_500 }, done: false);
        var back = JsonSerializer.Deserialize<Experience>(JsonSerializer.Serialize(e))!;
        Assert.Equal(e.State, back.State);
        Assert.Equal(e.Action, back.Action);
        Assert.Equal(e.NextState, back.NextState);
        Assert.Equal((e.LogProb, e.Value, e.Reward, e.Done), (back.LogProb, back.Value, back.Reward, back.Done));
    }

    [Fact]
    public void Checkpoint_save_and_load_give_identical_decisions_and_learning()
    {
        var dir = Directory.CreateTempSubdirectory("sizing-agent-");
        try
        {
            var path = Path.Combine(dir.FullName, "sizing.weights");
            var r = new PpoRandom(17);
            using var original = new SizingAgent(new SizingBounds(1, 5, 0.5, 2.5), SizingAgent.DefaultOptions with { Seed = 31 });
            var trained = Enumerable.Range(0, 16).Select(_ => RandomState(r)).ToList();
            original.Update(trained.Select(s => Experience.From(s, original.Decide(s), r.Uniform(-1, 1), s, true)).ToList());
            original.Save(path);

            using var restored = SizingAgent.Load(path);
            Assert.Equal(original.Bounds, restored.Bounds);
            Assert.Equal(1, restored.Updates);
            var probes = Enumerable.Range(0, 5).Select(_ => RandomState(r)).ToList();
            foreach (var s in probes)
            {
                var a = original.Decide(s);
                var b = restored.Decide(s);
                Assert.Equal((a.SizeFraction, a.TakeProfitPct, a.StopLossPct, a.LogProb, a.Value), (b.SizeFraction, b.TakeProfitPct, b.StopLossPct, b.LogProb, b.Value));
            }

            // Same optimiser state and generator: a further update keeps them in lockstep.
            var more = probes.Select(s => Experience.From(s, original.Decide(s, deterministic: true), 0.3, s, true)).ToList();
            Assert.Equal(original.Update(more), restored.Update(more));
            Assert.Equal(original.Decide(Calm), restored.Decide(Calm), new ActionComparer());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Loading_a_sidecar_of_another_version_fails_naming_file_and_field()
    {
        var dir = Directory.CreateTempSubdirectory("sizing-agent-");
        try
        {
            var path = Path.Combine(dir.FullName, "sizing.weights");
            using (var agent = new SizingAgent(new SizingBounds())) agent.Save(path);
            var json = File.ReadAllText(path + ".json").Replace("\"FormatVersion\": 1", "\"FormatVersion\": 99");
            File.WriteAllText(path + ".json", json);

            var ex = Assert.Throws<InvalidDataException>(() => SizingAgent.Load(path));
            Assert.Contains("sizing.weights.json", ex.Message);
            Assert.Contains("FormatVersion", ex.Message);
            Assert.Contains("99", ex.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed class ActionComparer : IEqualityComparer<SizingAction>
    {
        public bool Equals(SizingAction? x, SizingAction? y) =>
            x is not null && y is not null && x.SizeFraction == y.SizeFraction && x.TakeProfitPct == y.TakeProfitPct &&
            x.StopLossPct == y.StopLossPct && x.Raw.SequenceEqual(y.Raw) && x.LogProb == y.LogProb && x.Value == y.Value;

        public int GetHashCode(SizingAction obj) => 0;
    }
}
