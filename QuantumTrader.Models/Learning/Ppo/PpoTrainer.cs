namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// PPO with a categorical policy on vectorised discrete-action environments, CleanRL's ppo.py loop:
/// collect NumEnvs × NumSteps transitions, GAE per environment, one <see cref="PpoUpdater"/> update.
/// Everything random (initial weights, environment seeds, action sampling, minibatch shuffles) comes from
/// <see cref="PpoOptions.Seed"/>, so a run on CPU is reproducible.
/// </summary>
public sealed class PpoTrainer : IDisposable
{
    private readonly PpoOptions options;
    private readonly VectorEnvironment envs;
    private readonly PpoUpdater updater;
    private readonly PpoRandom rng;
    private readonly Queue<double> recentReturns = new();
    private float[] observations;

    /// <param name="makeEnvironment">Builds one environment from a seed.</param>
    public PpoTrainer(Func<long, IDiscreteEnvironment> makeEnvironment, PpoOptions options)
    {
        options.Validate();
        this.options = options;
        var master = new PpoRandom(options.Seed);
        envs = new VectorEnvironment(Enumerable.Range(0, options.NumEnvs).Select(_ => makeEnvironment((long)master.NextUInt64())).ToList());
        Policy = new CategoricalPolicy(envs.ObservationSize, envs.ActionCount, options.HiddenSizes, master);
        updater = new PpoUpdater(Policy, options);
        rng = PpoRandom.FromState(master.NextUInt64());
        observations = envs.Reset();
    }

    public CategoricalPolicy Policy { get; }

    /// <summary>Environment steps taken so far, summed over the environments.</summary>
    public long Steps { get; private set; }

    public int Updates { get; private set; }

    /// <summary>Undiscounted returns of the last (up to) 100 training episodes.</summary>
    public IReadOnlyCollection<double> RecentReturns => recentReturns;

    /// <summary>
    /// Runs ⌊totalSteps / BatchSize⌋ updates; the learning rate and clip range anneal over exactly that many.
    /// <paramref name="afterUpdate"/> sees each update's statistics and may stop training by returning false.
    /// </summary>
    public void Train(long totalSteps, Func<UpdateStats, bool>? afterUpdate = null)
    {
        var updates = (int)(totalSteps / options.BatchSize);
        if (updates < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"fewer steps than one rollout of {options.BatchSize}");
        for (var u = 0; u < updates; u++)
        {
            var stats = UpdateOnce(1.0 - (double)u / updates);
            if (afterUpdate is not null && !afterUpdate(stats)) return;
        }
    }

    /// <summary>Collects one rollout and updates the policy on it.</summary>
    public UpdateStats UpdateOnce(double progressRemaining)
    {
        int n = options.NumEnvs, t = options.NumSteps, obsSize = envs.ObservationSize, size = n * t;
        var obs = new float[size * obsSize];
        var actions = new float[size];
        var logProbs = new double[size];
        var values = new double[size];
        var rewards = new double[size];
        var dones = new bool[size];

        for (var step = 0; step < t; step++)
        {
            Array.Copy(observations, 0, obs, step * n * obsSize, n * obsSize);
            var act = Policy.Act(observations, n, rng, greedy: false);
            var result = envs.Step(act.Actions);
            for (var e = 0; e < n; e++)
            {
                var i = step * n + e;
                actions[i] = act.Actions[e];
                logProbs[i] = act.LogProbs[e];
                values[i] = act.Values[e];
                rewards[i] = result.Rewards[e];
                dones[i] = result.Terminated[e] || result.Truncated[e];
            }
            if (options.BootstrapTruncation) BootstrapTruncations(result, rewards, step * n);
            foreach (var r in result.CompletedReturns)
            {
                recentReturns.Enqueue(r);
                if (recentReturns.Count > 100) recentReturns.Dequeue();
            }
            observations = result.Observations;
        }
        Steps += size;

        var lastValues = Policy.Values(observations, n);
        var advantages = new double[size];
        var returns = new double[size];
        for (var e = 0; e < n; e++)
        {
            var idx = Enumerable.Range(0, t).Select(s => s * n + e).ToArray();
            var gae = Gae.Compute(idx.Select(i => rewards[i]).ToArray(), idx.Select(i => values[i]).ToArray(),
                idx.Select(i => dones[i]).ToArray(), lastValues[e], options.Gamma, options.GaeLambda);
            for (var s = 0; s < t; s++)
            {
                advantages[idx[s]] = gae.Advantages[s];
                returns[idx[s]] = gae.Returns[s];
            }
        }

        var batch = new RolloutBatch(size, obs, actions, logProbs, values, advantages, returns);
        var stats = updater.Update(batch, progressRemaining, rng, rewards.Average());
        Updates++;
        return stats;
    }

    private void BootstrapTruncations(VectorStep result, double[] rewards, int offset)
    {
        var cut = Enumerable.Range(0, envs.Count).Where(e => result.Truncated[e] && !result.Terminated[e]).ToArray();
        if (cut.Length == 0) return;
        var finals = cut.SelectMany(e => result.FinalObservations[e]!.Select(v => (float)v)).ToArray();
        var v = Policy.Values(finals, cut.Length);
        for (var k = 0; k < cut.Length; k++) rewards[offset + cut[k]] += options.Gamma * v[k];
    }

    public void Dispose()
    {
        updater.Dispose();
        Policy.Dispose();
    }
}
