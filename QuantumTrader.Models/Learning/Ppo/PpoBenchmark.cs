using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// What <see cref="PpoBenchmark.Run"/> does: seeds FirstSeed..FirstSeed+Seeds−1, each trained for Steps environment
/// steps (rounded down to whole rollouts) and evaluated on EvalEpisodes fresh episodes whenever another EvalEvery
/// steps have passed and at the end. Greedy evaluation (argmax action) is SB3 zoo's deterministic evaluation.
/// </summary>
public sealed record PpoBenchmarkOptions
{
    public int Seeds { get; init; } = 3;
    public int FirstSeed { get; init; } = 1;
    public long Steps { get; init; } = 100_000;
    public long EvalEvery { get; init; } = 10_000;
    public int EvalEpisodes { get; init; } = 100;
    public bool Greedy { get; init; } = true;
    /// <summary>Mean return a seed must reach to count as solved (CartPole-v1's reward threshold).</summary>
    public double SolvedReturn { get; init; } = 475;
    public PpoOptions Ppo { get; init; } = PpoOptions.ZooCartPole;

    public void Validate()
    {
        if (Seeds < 1) throw new ArgumentException($"PpoBenchmarkOptions.Seeds = {Seeds}: must be at least 1");
        if (Steps < Ppo.BatchSize) throw new ArgumentException($"PpoBenchmarkOptions.Steps = {Steps}: must be at least one rollout ({Ppo.BatchSize} steps)");
        if (EvalEvery < 1) throw new ArgumentException($"PpoBenchmarkOptions.EvalEvery = {EvalEvery}: must be at least 1");
        if (EvalEpisodes < 1) throw new ArgumentException($"PpoBenchmarkOptions.EvalEpisodes = {EvalEpisodes}: must be at least 1");
        Ppo.Validate();
    }
}

/// <summary>One seed: steps trained, final evaluation mean return, wall time, and the evaluation curve.</summary>
public sealed record PpoSeedResult(int Seed, long Steps, double MeanReturn, double WallSeconds, IReadOnlyList<(long Steps, double MeanReturn)> Curve);

public sealed record PpoBenchmarkResult(IReadOnlyList<PpoSeedResult> Seeds)
{
    public int SeedsReaching(double meanReturn) => Seeds.Count(s => s.MeanReturn >= meanReturn);

    /// <summary>The result and the options that produced it as indented JSON (curve points as {steps, meanReturn}).</summary>
    public string ToJson(PpoBenchmarkOptions options)
    {
        var doc = new
        {
            environment = "CartPole-v1",
            options = new
            {
                options.Seeds, options.FirstSeed, options.Steps, options.EvalEvery, options.EvalEpisodes, options.Greedy, options.SolvedReturn,
                ppo = options.Ppo,
            },
            seedsSolved = SeedsReaching(options.SolvedReturn),
            seeds = Seeds.Select(s => new
            {
                s.Seed, s.Steps, s.MeanReturn, s.WallSeconds,
                curve = s.Curve.Select(p => new { steps = p.Steps, meanReturn = p.MeanReturn }),
            }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
    }
}

/// <summary>
/// Trains PPO on CartPole-v1 for several seeds and reports evaluation curves. TorchSharp's thread count is the
/// caller's choice (torch.set_num_threads) because it is process-wide.
/// </summary>
public static class PpoBenchmark
{
    public static PpoBenchmarkResult Run(PpoBenchmarkOptions options, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var results = new List<PpoSeedResult>();
        for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++)
            results.Add(RunSeed(options, seed, progress, cancellation));
        return new PpoBenchmarkResult(results);
    }

    private static PpoSeedResult RunSeed(PpoBenchmarkOptions options, int seed, Action<string>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var ppo = options.Ppo with { Seed = seed };
        using var trainer = new PpoTrainer(s => new CartPole(s), ppo);
        var curve = new List<(long, double)>();
        var nextEval = options.EvalEvery;
        var evalRng = new PpoRandom(seed * 7_919L + 104_729L);

        void Evaluate()
        {
            var mean = PpoEvaluation.MeanReturn(trainer.Policy, s => new CartPole(s), options.EvalEpisodes, (long)evalRng.NextUInt64(), options.Greedy);
            curve.Add((trainer.Steps, mean));
            var train = trainer.RecentReturns.Count > 0 ? trainer.RecentReturns.Average() : double.NaN;
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}: {trainer.Steps} steps, eval mean return {mean:F1} over {options.EvalEpisodes} episodes, recent training return {train:F1}, {clock.Elapsed.TotalSeconds:F1} s"));
        }

        trainer.Train(options.Steps, _ =>
        {
            cancellation.ThrowIfCancellationRequested();
            if (trainer.Steps >= nextEval)
            {
                Evaluate();
                while (nextEval <= trainer.Steps) nextEval += options.EvalEvery;
            }
            return true;
        });
        if (curve.Count == 0 || curve[^1].Item1 != trainer.Steps) Evaluate();

        return new PpoSeedResult(seed, trainer.Steps, curve[^1].Item2, clock.Elapsed.TotalSeconds, curve);
    }
}
