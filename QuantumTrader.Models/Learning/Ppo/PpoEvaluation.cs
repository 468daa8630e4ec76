namespace QuantumTrader.Models.Learning.Ppo;

public static class PpoEvaluation
{
    /// <summary>
    /// Mean undiscounted return of <paramref name="episodes"/> episodes, one fresh environment each (seeded from
    /// <paramref name="seed"/>), stepped together in batches. Greedy takes the most probable action (SB3 zoo's
    /// deterministic evaluation); otherwise actions are sampled.
    /// </summary>
    public static double MeanReturn(CategoricalPolicy policy, Func<long, IDiscreteEnvironment> makeEnvironment, int episodes, long seed, bool greedy)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "must be at least 1");
        var rng = new PpoRandom(seed);
        var envs = Enumerable.Range(0, episodes).Select(_ => makeEnvironment((long)rng.NextUInt64())).ToArray();
        var obsSize = policy.ObservationSize;
        var current = envs.Select(e => e.Reset()).ToArray();
        var returns = new double[episodes];
        var alive = Enumerable.Range(0, episodes).ToList();
        while (alive.Count > 0)
        {
            var obs = new float[alive.Count * obsSize];
            for (var k = 0; k < alive.Count; k++)
                for (var i = 0; i < obsSize; i++)
                    obs[k * obsSize + i] = (float)current[alive[k]][i];
            var act = policy.Act(obs, alive.Count, rng, greedy);
            var next = new List<int>(alive.Count);
            for (var k = 0; k < alive.Count; k++)
            {
                var e = alive[k];
                var step = envs[e].Step(act.Actions[k]);
                returns[e] += step.Reward;
                current[e] = step.Observation;
                if (!step.Done) next.Add(e);
            }
            alive = next;
        }
        return returns.Average();
    }
}
