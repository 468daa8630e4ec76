using QuantumTrader.Models.Forecasting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Separate actor and critic MLPs (tanh hidden layers, orthogonal init: √2 hidden, 0.01 actor head, 1 critic head),
/// as CleanRL's ppo.py. Subclasses turn the actor output into a distribution over actions.
/// </summary>
public abstract class ActorCriticPolicy : nn.Module
{
    protected readonly Sequential actor;
    protected readonly Sequential critic;

    protected ActorCriticPolicy(string name, int observationSize, int actorOutputs, IReadOnlyList<int> hidden, PpoRandom rng)
        : base(name)
    {
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        ObservationSize = observationSize;
        // nn.Linear draws its default weights from torch's generator before the orthogonal ones replace them.
        (actor, critic) = TorchRandom.Exclusive(() => (BuildMlp(observationSize, hidden, actorOutputs, 0.01, rng), BuildMlp(observationSize, hidden, 1, 1.0, rng)));
    }

    public int ObservationSize { get; }

    /// <summary>Columns of the action tensor given to <see cref="Evaluate"/> (1 for a discrete action index).</summary>
    public abstract int ActionWidth { get; }

    /// <summary>State values V(s), shape [batch].</summary>
    public Tensor Value(Tensor observations) => critic.forward(observations).squeeze(-1);

    /// <summary>Log-probabilities and entropies, shape [batch] each, of the given actions.</summary>
    public abstract (Tensor LogProb, Tensor Entropy) Evaluate(Tensor observations, Tensor actions);

    /// <summary>V(s) for a row-major batch of observations, without gradient.</summary>
    public double[] Values(float[] observations, int batch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Batch(observations, batch, ObservationSize);
        return Value(obs).data<float>().Select(v => (double)v).ToArray();
    }

    /// <summary>
    /// A [rows, cols] tensor holding a copy of <paramref name="data"/> in TorchSharp's own (64-byte aligned) memory:
    /// MKL picks kernels by input alignment, so computing on a wrapped managed array would make results differ in
    /// the last bits from run to run.
    /// </summary>
    protected static Tensor Batch(float[] data, int rows, int cols)
    {
        using var wrapped = tensor(data, [rows, cols]);
        return wrapped.clone();
    }

    private static Sequential BuildMlp(int input, IReadOnlyList<int> hidden, int output, double headGain, PpoRandom rng)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = input;
        for (var i = 0; i < hidden.Count; i++)
        {
            var linear = nn.Linear(width, hidden[i]);
            OrthogonalInit.Apply(linear, Math.Sqrt(2), rng);
            layers.Add(($"fc{i}", linear));
            layers.Add(($"tanh{i}", nn.Tanh()));
            width = hidden[i];
        }
        var head = nn.Linear(width, output);
        OrthogonalInit.Apply(head, headGain, rng);
        layers.Add(("head", head));
        return nn.Sequential(layers);
    }
}
