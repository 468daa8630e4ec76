namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// The sizing policy's versions on disk: <c>models/ppo/policy-v{N}.pt</c> under the state directory, with the
/// optimiser state and JSON sidecar <see cref="SizingAgent.Save"/> writes beside it. Version 0 is the agent the options
/// and their seed create, so it needs no file. <see cref="Update"/> is the learning step: one PPO update on the next
/// batch of pending experiences, then the checkpoint of the new version, then the event that records it.
/// Both run inside <see cref="TorchGuard"/>, as they run in a node where other threads allocate.
/// </summary>
public sealed class SizingCheckpoints
{
    public SizingCheckpoints(string stateDirectory, SizingBounds bounds, PpoOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        bounds.Validate();
        options.Validate();
        StateDirectory = stateDirectory;
        Bounds = bounds;
        Options = options;
    }

    public string StateDirectory { get; }
    public SizingBounds Bounds { get; }
    public PpoOptions Options { get; }

    public static string RelativePath(int version) => $"models/ppo/policy-v{version}.pt";

    public string PathFor(int version) => Path.Combine(StateDirectory, "models", "ppo", $"policy-v{version}.pt");

    /// <summary>The agent of <paramref name="version"/>: a new one from the options for 0, else the checkpoint.</summary>
    public SizingAgent Load(int version)
    {
        if (version == 0) return TorchGuard.Run(() => new SizingAgent(Bounds, Options));
        var path = PathFor(version);
        if (!File.Exists(path) || !File.Exists(path + ".json"))
            throw new FileNotFoundException($"sizing policy version {version}: checkpoint {path} (or its sidecar {path}.json) is missing; the journal records this version", path);
        return TorchGuard.Run(() => SizingAgent.Load(path));
    }

    /// <summary>
    /// Updates <paramref name="agent"/> (the learner's, at <c>state.Version</c>) on the oldest <paramref name="updateEvery"/>
    /// pending experiences, saves it as the next version and returns the event to persist.
    /// </summary>
    public SizingPolicyUpdated Update(SizingAgent agent, SizingLearnerState state, int updateEvery)
    {
        if (updateEvery < 1) throw new ArgumentOutOfRangeException(nameof(updateEvery), updateEvery, "sizing updates need at least one experience");
        var batch = state.NextBatch(updateEvery);
        if (batch.Count < updateEvery)
            throw new InvalidOperationException($"sizing update needs {updateEvery} pending experiences, has {batch.Count}");
        var version = state.Version + 1;
        var path = PathFor(version);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stats = TorchGuard.Run(() =>
        {
            var s = agent.Update(batch.Select(b => b.Experience!).ToArray());
            agent.Save(path);
            return s;
        });
        return new SizingPolicyUpdated(version, batch.Count, stats.MeanReward, stats.PolicyLoss, stats.ValueLoss, stats.Entropy, stats.ApproxKl,
            stats.ClipFraction, RelativePath(version), batch.Select(b => b.TradeId).ToArray(), batch[^1].ExitTime);
    }
}
