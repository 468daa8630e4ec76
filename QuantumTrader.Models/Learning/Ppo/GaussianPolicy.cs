using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Pre-squash samples u (row-major [batch × dims]), the bounded actions they map to, their log-probabilities
/// and the state values.
/// </summary>
public sealed record GaussianStep(float[] Raw, double[] Actions, double[] LogProbs, double[] Values);

/// <summary>
/// Diagonal Gaussian policy with a state-independent log standard deviation, squashed into bounds:
/// u ~ N(μ(s), σ²), a = low + (tanh(u) + 1)/2 · (high − low). The log-probability is that of a, with the change of
/// variables log p(a) = log N(u) − Σ log(1 − tanh²u) − Σ log((high − low)/2), so every action lies in its bounds
/// and the density matches it (tanh squashing rather than SB3's clipping). Updates work on the stored u, so no
/// atanh is needed. The entropy bonus is the closed-form entropy of the pre-squash Gaussian, since the squashed
/// one has none.
/// </summary>
public sealed class GaussianPolicy : ActorCriticPolicy
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
    private readonly Parameter logStd;
    private readonly double[] low;
    private readonly double[] high;
    private readonly double logHalfRangeSum;

    public GaussianPolicy(int observationSize, double[] low, double[] high, IReadOnlyList<int> hidden, double initialLogStd, PpoRandom rng)
        : base(nameof(GaussianPolicy), observationSize, CheckBounds(low, high), hidden, rng)
    {
        this.low = (double[])low.Clone();
        this.high = (double[])high.Clone();
        logHalfRangeSum = low.Select((l, i) => Math.Log((high[i] - l) / 2)).Sum();
        logStd = nn.Parameter(full(low.Length, initialLogStd, ScalarType.Float32));
        RegisterComponents();
    }

    public int ActionSize => low.Length;

    public override int ActionWidth => low.Length;

    public IReadOnlyList<double> Low => low;

    public IReadOnlyList<double> High => high;

    /// <summary>Current log standard deviation per action dimension.</summary>
    public double[] LogStd => logStd.data<float>().Select(v => (double)v).ToArray();

    /// <summary>Actions are pre-squash samples u, [batch, dims].</summary>
    public override (Tensor LogProb, Tensor Entropy) Evaluate(Tensor observations, Tensor actions)
    {
        var mean = actor.forward(observations);
        var ls = logStd.expand_as(mean);
        var z = (actions - mean) / ls.exp();
        var gaussian = (-0.5 * z.square() - ls - HalfLog2Pi).sum(-1);
        // log(1 − tanh²u) = 2·(log 2 − u − softplus(−2u)), stable for large |u|.
        var squash = (2.0 * (Math.Log(2) - actions - nn.functional.softplus(-2.0 * actions))).sum(-1);
        var logProb = gaussian - squash - logHalfRangeSum;
        var entropy = (ls + 0.5 + HalfLog2Pi).sum(-1);
        return (logProb, entropy);
    }

    /// <summary>Maps a pre-squash vector into the bounds.</summary>
    public double[] Squash(ReadOnlySpan<float> raw)
    {
        var a = new double[low.Length];
        for (var i = 0; i < a.Length; i++)
            a[i] = Math.Clamp(low[i] + (Math.Tanh(raw[i]) + 1) / 2 * (high[i] - low[i]), low[i], high[i]);
        return a;
    }

    /// <summary>Samples u = μ + σ·ε with <paramref name="rng"/>, or takes u = μ when deterministic.</summary>
    public GaussianStep Act(float[] observations, int batch, PpoRandom rng, bool deterministic)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Batch(observations, batch, ObservationSize);
        var mean = actor.forward(obs).data<float>().ToArray();
        var std = LogStd.Select(Math.Exp).ToArray();
        var dims = low.Length;
        var raw = new float[batch * dims];
        for (var i = 0; i < raw.Length; i++)
            raw[i] = deterministic ? mean[i] : (float)(mean[i] + std[i % dims] * rng.NextGaussian());

        var (logProb, _) = Evaluate(obs, Batch(raw, batch, dims));
        var actions = new double[raw.Length];
        for (var b = 0; b < batch; b++)
            Squash(raw.AsSpan(b * dims, dims)).CopyTo(actions, b * dims);
        return new GaussianStep(raw, actions, logProb.data<float>().Select(v => (double)v).ToArray(),
            Value(obs).data<float>().Select(v => (double)v).ToArray());
    }

    private static int CheckBounds(double[] low, double[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length == 0 || low.Length != high.Length)
            throw new ArgumentException($"action bounds need equal non-zero lengths: low {low.Length}, high {high.Length}");
        for (var i = 0; i < low.Length; i++)
            if (!double.IsFinite(low[i]) || !double.IsFinite(high[i]) || low[i] >= high[i])
                throw new ArgumentException($"action bound {i}: low {low[i]} must be finite and below high {high[i]}");
        return low.Length;
    }
}
