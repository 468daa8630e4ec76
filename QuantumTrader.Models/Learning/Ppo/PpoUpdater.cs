using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// One rollout flattened to samples: observations [Count × observation size] and actions [Count × action width]
/// row-major, with rollout-time log-probabilities and values, advantages and value targets.
/// </summary>
public sealed record RolloutBatch(
    int Count, float[] Observations, float[] Actions, double[] LogProbs, double[] Values, double[] Advantages, double[] Returns);

/// <summary>
/// Averages over the minibatches of one update: the mean reward of the data it learned from, the clipped surrogate
/// loss, the value loss, the policy entropy, the approximate KL between old and new policy, and the fraction of
/// samples whose ratio left the clip range.
/// </summary>
public sealed record UpdateStats(double MeanReward, double PolicyLoss, double ValueLoss, double Entropy, double ApproxKl, double ClipFraction);

/// <summary>
/// The PPO optimisation step shared by every trainer: several epochs of shuffled minibatches, per-minibatch
/// advantage normalisation, clipped surrogate and (optionally clipped) value loss, entropy bonus, gradient-norm
/// clipping, and Adam with an annealed learning rate and clip range.
/// </summary>
public sealed class PpoUpdater : IDisposable
{
    private readonly ActorCriticPolicy policy;
    private readonly PpoOptions options;
    private readonly TorchSharp.Modules.Adam optimizer;

    public PpoUpdater(ActorCriticPolicy policy, PpoOptions options)
    {
        options.Validate();
        this.policy = policy;
        this.options = options;
        optimizer = optim.Adam(policy.parameters(), options.LearningRate, eps: options.AdamEps);
    }

    public TorchSharp.Modules.Adam Optimizer => optimizer;

    /// <param name="batch">The rollout.</param>
    /// <param name="progressRemaining">1 at the start of training, falling towards 0; scales the learning rate and the clip range when annealed.</param>
    /// <param name="rng">Shuffles the minibatches.</param>
    /// <param name="meanReward">Reported as <see cref="UpdateStats.MeanReward"/>.</param>
    public UpdateStats Update(RolloutBatch batch, double progressRemaining, PpoRandom rng, double meanReward)
    {
        var n = batch.Count;
        if (n < 1) throw new ArgumentException("PPO update needs at least one sample", nameof(batch));
        var obsSize = policy.ObservationSize;
        var width = policy.ActionWidth;
        if (batch.Observations.Length != n * obsSize || batch.Actions.Length != n * width ||
            batch.LogProbs.Length != n || batch.Values.Length != n || batch.Advantages.Length != n || batch.Returns.Length != n)
            throw new ArgumentException($"rollout of {n} samples has arrays of the wrong length (observation size {obsSize}, action width {width})", nameof(batch));
        if (progressRemaining is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(progressRemaining), progressRemaining, "must be in [0, 1]");

        var lr = options.AnnealLr ? options.LearningRate * progressRemaining : options.LearningRate;
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        var clip = options.AnnealClip ? options.ClipCoef * progressRemaining : options.ClipCoef;

        using var scope = NewDisposeScope();
        // These wrap managed arrays; the networks only ever see minibatches gathered from them into aligned copies.
        var obs = tensor(batch.Observations, [n, obsSize]);
        var actions = tensor(batch.Actions, [n, width]);
        var oldLogProbs = tensor(batch.LogProbs.Select(v => (float)v).ToArray());
        var oldValues = tensor(batch.Values.Select(v => (float)v).ToArray());
        var advantages = tensor(batch.Advantages.Select(v => (float)v).ToArray());
        var returns = tensor(batch.Returns.Select(v => (float)v).ToArray());

        var minibatches = Math.Min(options.NumMinibatches, n);
        double policyLoss = 0, valueLoss = 0, entropy = 0, approxKl = 0, clipFraction = 0;
        var steps = 0;
        for (var epoch = 0; epoch < options.UpdateEpochs; epoch++)
        {
            var order = rng.Permutation(n);
            var epochKl = 0.0;
            for (var m = 0; m < minibatches; m++)
            {
                var start = (int)((long)m * n / minibatches);
                var end = (int)((long)(m + 1) * n / minibatches);
                using var inner = NewDisposeScope();
                var idx = tensor(order[start..end].Select(i => (long)i).ToArray());
                var stats = Step(obs[idx], actions[idx], oldLogProbs[idx], oldValues[idx], advantages[idx], returns[idx], clip);
                policyLoss += stats.PolicyLoss;
                valueLoss += stats.ValueLoss;
                entropy += stats.Entropy;
                approxKl += stats.ApproxKl;
                clipFraction += stats.ClipFraction;
                epochKl = stats.ApproxKl;
                steps++;
            }
            if (options.TargetKl is { } target && epochKl > target) break;
        }
        return new UpdateStats(meanReward, policyLoss / steps, valueLoss / steps, entropy / steps, approxKl / steps, clipFraction / steps);
    }

    private UpdateStats Step(Tensor obs, Tensor actions, Tensor oldLogProbs, Tensor oldValues, Tensor advantages, Tensor returns, double clip)
    {
        var (logProb, entropy) = policy.Evaluate(obs, actions);
        var values = policy.Value(obs);
        var logRatio = logProb - oldLogProbs;
        var ratio = logRatio.exp();

        if (options.NormalizeAdvantages && advantages.shape[0] > 1)
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8);

        var pgLoss = PpoLoss.ClippedSurrogate(ratio, advantages, clip);
        var vLoss = options.ClipValueLoss
            ? PpoLoss.ClippedValue(values, oldValues, returns, clip)
            : PpoLoss.Value(values, returns);
        var entropyMean = entropy.mean();
        var loss = pgLoss - options.EntCoef * entropyMean + options.VfCoef * vLoss;

        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(policy.parameters(), options.MaxGradNorm);
        optimizer.step();

        using var _ = no_grad();
        var kl = PpoLoss.ApproxKl(logRatio).item<float>();
        var clipped = ((ratio - 1).abs() > clip).to_type(ScalarType.Float32).mean().item<float>();
        return new UpdateStats(0, pgLoss.item<float>(), vLoss.item<float>(), entropyMean.item<float>(), kl, clipped);
    }

    public void Dispose() => optimizer.Dispose();
}
