namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Result of stepping every environment once. <c>Observations</c> ([envs × observation size], row-major) already
/// hold the first observation of a new episode where one ended; <c>FinalObservations</c> keeps the last observation
/// of an ended episode (null elsewhere) for bootstrapping a truncation. <c>CompletedReturns</c> lists the
/// undiscounted returns of the episodes that ended on this step.
/// </summary>
public sealed record VectorStep(
    float[] Observations, double[] Rewards, bool[] Terminated, bool[] Truncated, double[]?[] FinalObservations, IReadOnlyList<double> CompletedReturns);

/// <summary>Steps several environments in lockstep and resets each one as soon as its episode ends.</summary>
public sealed class VectorEnvironment
{
    private readonly IReadOnlyList<IDiscreteEnvironment> envs;
    private readonly double[] episodeReturns;

    public VectorEnvironment(IReadOnlyList<IDiscreteEnvironment> envs)
    {
        if (envs.Count == 0) throw new ArgumentException("a vector environment needs at least one environment", nameof(envs));
        var first = envs[0];
        if (envs.Any(e => e.ObservationSize != first.ObservationSize || e.ActionCount != first.ActionCount))
            throw new ArgumentException("all environments must share observation size and action count", nameof(envs));
        this.envs = envs;
        episodeReturns = new double[envs.Count];
    }

    public int Count => envs.Count;
    public int ObservationSize => envs[0].ObservationSize;
    public int ActionCount => envs[0].ActionCount;

    public float[] Reset()
    {
        var obs = new float[Count * ObservationSize];
        for (var e = 0; e < Count; e++)
        {
            Write(obs, e, envs[e].Reset());
            episodeReturns[e] = 0;
        }
        return obs;
    }

    public VectorStep Step(IReadOnlyList<int> actions)
    {
        if (actions.Count != Count) throw new ArgumentException($"expected {Count} actions, got {actions.Count}", nameof(actions));
        var obs = new float[Count * ObservationSize];
        var rewards = new double[Count];
        var terminated = new bool[Count];
        var truncated = new bool[Count];
        var finals = new double[]?[Count];
        var completed = new List<double>();
        for (var e = 0; e < Count; e++)
        {
            var step = envs[e].Step(actions[e]);
            rewards[e] = step.Reward;
            terminated[e] = step.Terminated;
            truncated[e] = step.Truncated;
            episodeReturns[e] += step.Reward;
            if (step.Done)
            {
                finals[e] = step.Observation;
                completed.Add(episodeReturns[e]);
                episodeReturns[e] = 0;
                Write(obs, e, envs[e].Reset());
            }
            else
            {
                Write(obs, e, step.Observation);
            }
        }
        return new VectorStep(obs, rewards, terminated, truncated, finals, completed);
    }

    private void Write(float[] obs, int env, double[] values)
    {
        for (var i = 0; i < ObservationSize; i++) obs[env * ObservationSize + i] = (float)values[i];
    }
}
