using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>Actions, their log-probabilities and the state values of one batch of observations.</summary>
public sealed record CategoricalStep(int[] Actions, double[] LogProbs, double[] Values);

/// <summary>Softmax policy over a discrete action set.</summary>
public sealed class CategoricalPolicy : ActorCriticPolicy
{
    public CategoricalPolicy(int observationSize, int actionCount, IReadOnlyList<int> hidden, PpoRandom rng)
        : base(nameof(CategoricalPolicy), observationSize, actionCount, hidden, rng)
    {
        if (actionCount < 2) throw new ArgumentOutOfRangeException(nameof(actionCount), actionCount, "a categorical policy needs at least 2 actions");
        ActionCount = actionCount;
        RegisterComponents();
    }

    public int ActionCount { get; }

    public override int ActionWidth => 1;

    public Tensor LogProbabilities(Tensor observations) => nn.functional.log_softmax(actor.forward(observations), -1);

    /// <summary>Actions are the action indices as a [batch, 1] floating tensor.</summary>
    public override (Tensor LogProb, Tensor Entropy) Evaluate(Tensor observations, Tensor actions)
    {
        var logp = LogProbabilities(observations);
        var chosen = logp.gather(1, actions.reshape(-1, 1).to_type(ScalarType.Int64)).squeeze(1);
        var entropy = -(logp.exp() * logp).sum(-1);
        return (chosen, entropy);
    }

    /// <summary>π(a|s) for each observation, row-major [batch × ActionCount], without gradient.</summary>
    public double[] Probabilities(float[] observations, int batch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Batch(observations, batch, ObservationSize);
        return LogProbabilities(obs).exp().data<float>().Select(p => (double)p).ToArray();
    }

    /// <summary>Samples an action per observation with <paramref name="rng"/>, or takes the most probable one when greedy.</summary>
    public CategoricalStep Act(float[] observations, int batch, PpoRandom rng, bool greedy)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Batch(observations, batch, ObservationSize);
        var logp = LogProbabilities(obs).data<float>().ToArray();
        var values = Value(obs).data<float>().ToArray();

        var actions = new int[batch];
        var logProbs = new double[batch];
        for (var b = 0; b < batch; b++)
        {
            var row = b * ActionCount;
            var a = greedy ? ArgMax(logp, row, ActionCount) : Sample(logp, row, ActionCount, rng.NextDouble());
            actions[b] = a;
            logProbs[b] = logp[row + a];
        }
        return new CategoricalStep(actions, logProbs, values.Select(v => (double)v).ToArray());
    }

    private static int ArgMax(float[] logp, int row, int count)
    {
        var best = 0;
        for (var a = 1; a < count; a++)
            if (logp[row + a] > logp[row + best]) best = a;
        return best;
    }

    private static int Sample(float[] logp, int row, int count, double u)
    {
        var cumulative = 0.0;
        for (var a = 0; a < count - 1; a++)
        {
            cumulative += Math.Exp(logp[row + a]);
            if (u < cumulative) return a;
        }
        return count - 1;
    }
}
