using System.Text.Json;
using QuantumTrader.Models.Learning.Ppo;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class PpoBenchmarkTests
{
    [Fact]
    public void A_tiny_run_reports_every_seed_with_its_evaluation_curve_and_json()
    {
        var options = new PpoBenchmarkOptions
        {
            Seeds = 2,
            FirstSeed = 5,
            Steps = 600,
            EvalEvery = 250,
            EvalEpisodes = 3,
            Ppo = PpoOptions.ZooCartPole with { NumEnvs = 4, NumSteps = 32, UpdateEpochs = 2 },
        };
        var messages = new List<string>();

        var result = PpoBenchmark.Run(options, messages.Add);

        Assert.Equal([5, 6], result.Seeds.Select(s => s.Seed));
        foreach (var seed in result.Seeds)
        {
            // 600 steps are 4 whole rollouts of 128; evaluations after crossing 250 and 500 steps, none extra at the end.
            Assert.Equal(512, seed.Steps);
            Assert.Equal([256L, 512L], seed.Curve.Select(p => p.Steps));
            Assert.Equal(seed.Curve[^1].MeanReturn, seed.MeanReturn);
            Assert.All(seed.Curve, p => Assert.InRange(p.MeanReturn, 8, 500)); // the fastest fall from any start (constant push from a ±0.05 corner) takes 8 steps
            Assert.True(seed.WallSeconds > 0);
        }
        Assert.Equal(4, messages.Count);
        Assert.StartsWith("seed 5: 256 steps, eval mean return", messages[0]);

        using var json = JsonDocument.Parse(result.ToJson(options));
        var seeds = json.RootElement.GetProperty("seeds");
        Assert.Equal(2, seeds.GetArrayLength());
        Assert.Equal(512, seeds[0].GetProperty("curve")[1].GetProperty("steps").GetInt64());
        Assert.Equal(32, json.RootElement.GetProperty("options").GetProperty("ppo").GetProperty("numSteps").GetInt32());
    }

    [Fact]
    public void Too_few_steps_for_one_rollout_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => PpoBenchmark.Run(new PpoBenchmarkOptions { Steps = 100 }));
        Assert.Contains("PpoBenchmarkOptions.Steps = 100", ex.Message);
    }
}
