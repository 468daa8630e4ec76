using System.Text.Json;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>Contents of the JSON sidecar written next to a sizing agent's weights.</summary>
public sealed record SizingCheckpoint(int FormatVersion, int ObservationSize, int ActionSize, SizingBounds Bounds, PpoOptions Options, ulong RandomState, int Updates);

/// <summary>
/// PPO position-sizing agent with a squashed Gaussian policy over (size fraction, take-profit %, stop-loss %).
/// Each closed trade is one transition. With <see cref="Experience.Done"/> true it is an episode of length one and
/// the advantage is reward − V(state); with Done false the target bootstraps γ·V(next state) from the current critic
/// (one-step TD), so experiences need no ordering and may mix symbols. Not thread-safe: one owner calls it.
/// </summary>
public sealed class SizingAgent : IDisposable
{
    public const int FormatVersion = 1;
    public const int ActionSize = 3;

    private readonly GaussianPolicy policy;
    private readonly PpoUpdater updater;
    private PpoRandom rng;

    public SizingAgent(SizingBounds bounds, PpoOptions? options = null)
    {
        bounds.Validate();
        Options = options ?? DefaultOptions;
        Options.Validate();
        Bounds = bounds;
        var master = new PpoRandom(Options.Seed);
        policy = new GaussianPolicy(SizingState.VectorLength, bounds.Low, bounds.High, Options.HiddenSizes, Options.InitialLogStd, master);
        updater = new PpoUpdater(policy, Options);
        rng = PpoRandom.FromState(master.NextUInt64());
    }

    /// <summary>
    /// Online defaults: constant learning rate 3e-4, 10 epochs of 4 minibatches, clip 0.2, unclipped value loss,
    /// no entropy bonus, γ 0.99 for continuing trades, σ starting at 1 before squashing. Rollout sizes are unused.
    /// </summary>
    public static PpoOptions DefaultOptions { get; } = new()
    {
        LearningRate = 3e-4,
        NumMinibatches = 4,
        UpdateEpochs = 10,
        ClipValueLoss = false,
        EntCoef = 0.0,
        AnnealLr = false,
        AnnealClip = false,
        Gamma = 0.99,
    };

    public SizingBounds Bounds { get; }
    public PpoOptions Options { get; }
    public int Updates { get; private set; }

    /// <summary>Current log standard deviations of the pre-squash Gaussian (size, take-profit, stop-loss).</summary>
    public double[] LogStd => policy.LogStd;

    /// <summary>Samples a decision with the agent's seeded generator, or takes the policy mean when deterministic.</summary>
    public SizingAction Decide(SizingState state, bool deterministic = false)
    {
        var obs = state.ToVector().Select(v => (float)v).ToArray();
        var step = policy.Act(obs, 1, rng, deterministic);
        return new SizingAction(step.Actions[0], step.Actions[1], step.Actions[2],
            step.Raw.Select(v => (double)v).ToArray(), step.LogProbs[0], step.Values[0]);
    }

    /// <summary>The current policy as plain data, for serving without TorchSharp (<see cref="SizingPolicySnapshot"/>).</summary>
    public SizingPolicySnapshot Snapshot()
    {
        var named = policy.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        DenseLayer[] Layers(string network)
        {
            var prefix = network + ".";
            var ps = named.Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
            var layers = new DenseLayer[ps.Length / 2];
            for (var k = 0; k < layers.Length; k++)
            {
                var (weightName, weight) = ps[2 * k];
                var (biasName, bias) = ps[2 * k + 1];
                if (!weightName.EndsWith(".weight", StringComparison.Ordinal) || !biasName.EndsWith(".bias", StringComparison.Ordinal))
                    throw new InvalidOperationException($"sizing policy {network}: expected a weight and a bias, found {weightName} and {biasName}");
                layers[k] = new DenseLayer((int)weight.shape[1], (int)weight.shape[0],
                    weight.data<float>().Select(v => (double)v).ToArray(), bias.data<float>().Select(v => (double)v).ToArray());
            }
            return layers;
        }
        return new SizingPolicySnapshot(Layers("actor"), Layers("critic"), LogStd, Bounds.Low, Bounds.High);
    }

    /// <summary>One PPO update on the given trades; throws naming the first malformed experience.</summary>
    public UpdateStats Update(IReadOnlyList<Experience> experiences)
    {
        var n = experiences.Count;
        if (n == 0) throw new ArgumentException("sizing update needs at least one experience", nameof(experiences));
        for (var i = 0; i < n; i++) Check(experiences[i], i);

        const int obsSize = SizingState.VectorLength;
        var obs = new float[n * obsSize];
        var actions = new float[n * ActionSize];
        for (var i = 0; i < n; i++)
        {
            var e = experiences[i];
            for (var j = 0; j < obsSize; j++) obs[i * obsSize + j] = (float)e.State[j];
            for (var j = 0; j < ActionSize; j++) actions[i * ActionSize + j] = (float)e.Action[j];
        }

        var continuing = Enumerable.Range(0, n).Where(i => !experiences[i].Done).ToArray();
        var nextValues = new double[n];
        if (continuing.Length > 0)
        {
            var next = continuing.SelectMany(i => experiences[i].NextState.Select(v => (float)v)).ToArray();
            var v = policy.Values(next, continuing.Length);
            for (var k = 0; k < continuing.Length; k++) nextValues[continuing[k]] = v[k];
        }

        var returns = new double[n];
        var advantages = new double[n];
        for (var i = 0; i < n; i++)
        {
            var e = experiences[i];
            returns[i] = e.Reward + (e.Done ? 0 : Options.Gamma * nextValues[i]);
            advantages[i] = returns[i] - e.Value;
        }

        var batch = new RolloutBatch(n, obs, actions, experiences.Select(e => e.LogProb).ToArray(),
            experiences.Select(e => e.Value).ToArray(), advantages, returns);
        var stats = updater.Update(batch, 1.0, rng, experiences.Average(e => e.Reward));
        Updates++;
        return stats;
    }

    /// <summary>
    /// Writes the TorchSharp weights to <paramref name="path"/>, Adam's state to <c>path.adam</c> and a JSON sidecar
    /// <c>path.json</c> (format version, shapes, bounds, options, generator state, update count).
    /// </summary>
    public void Save(string path)
    {
        policy.save(path);
        updater.Optimizer.save_state_dict(path + ".adam");
        var sidecar = new SizingCheckpoint(FormatVersion, SizingState.VectorLength, ActionSize, Bounds, Options, rng.State, Updates);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(sidecar, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Restores an agent written by <see cref="Save"/>; it decides and learns exactly as the saved one would have.</summary>
    public static SizingAgent Load(string path)
    {
        var sidecarPath = path + ".json";
        SizingCheckpoint? sidecar;
        try
        {
            sidecar = JsonSerializer.Deserialize<SizingCheckpoint>(File.ReadAllText(sidecarPath));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{sidecarPath}: line {(ex.LineNumber ?? 0) + 1}, field '{ex.Path}': {ex.Message}", ex);
        }
        if (sidecar is null || sidecar.Bounds is null || sidecar.Options is null)
            throw new InvalidDataException($"{sidecarPath}: sidecar lacks Bounds or Options");
        if (sidecar.FormatVersion != FormatVersion)
            throw new InvalidDataException($"{sidecarPath}: field 'FormatVersion' is {sidecar.FormatVersion}, this build reads version {FormatVersion}");
        if (sidecar.ObservationSize != SizingState.VectorLength || sidecar.ActionSize != ActionSize)
            throw new InvalidDataException($"{sidecarPath}: fields 'ObservationSize'/'ActionSize' are {sidecar.ObservationSize}/{sidecar.ActionSize}, expected {SizingState.VectorLength}/{ActionSize}");

        var agent = new SizingAgent(sidecar.Bounds, sidecar.Options);
        agent.policy.load(path);
        agent.updater.Optimizer.load_state_dict(path + ".adam");
        agent.rng = PpoRandom.FromState(sidecar.RandomState);
        agent.Updates = sidecar.Updates;
        return agent;
    }

    private static void Check(Experience e, int index)
    {
        void Fail(string field, string reason) => throw new ArgumentException($"experience {index}, {field}: {reason}");

        if (e.State is null || e.State.Length != SizingState.VectorLength) Fail(nameof(e.State), $"needs {SizingState.VectorLength} values, has {e.State?.Length ?? 0}");
        if (e.Action is null || e.Action.Length != ActionSize) Fail(nameof(e.Action), $"needs {ActionSize} values, has {e.Action?.Length ?? 0}");
        if (!e.Done && (e.NextState is null || e.NextState.Length != SizingState.VectorLength))
            Fail(nameof(e.NextState), $"a continuing trade needs {SizingState.VectorLength} values, has {e.NextState?.Length ?? 0}");
        if (!e.State!.All(double.IsFinite)) Fail(nameof(e.State), "contains a non-finite value");
        if (!e.Action!.All(double.IsFinite)) Fail(nameof(e.Action), "contains a non-finite value");
        if (!e.Done && !e.NextState!.All(double.IsFinite)) Fail(nameof(e.NextState), "contains a non-finite value");
        if (!double.IsFinite(e.LogProb)) Fail(nameof(e.LogProb), $"{e.LogProb} is not finite");
        if (!double.IsFinite(e.Value)) Fail(nameof(e.Value), $"{e.Value} is not finite");
        if (!double.IsFinite(e.Reward)) Fail(nameof(e.Reward), $"{e.Reward} is not finite");
    }

    public void Dispose()
    {
        updater.Dispose();
        policy.Dispose();
    }
}
