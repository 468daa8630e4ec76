namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>A fully connected layer: y = W·x + b with W row-major [Outputs × Inputs].</summary>
public sealed record DenseLayer(int Inputs, int Outputs, double[] Weights, double[] Bias);

/// <summary>
/// A sizing policy version frozen as plain data: the actor and critic layers (tanh between them, none after the last),
/// the log standard deviations and the action bounds, evaluated in managed code with the formulas of
/// <see cref="GaussianPolicy"/>. The symbol entities decide with it, so no TorchSharp call runs on their threads
/// (see <see cref="TorchGuard"/> for why that matters), and it can be shipped like any other data. Its decisions equal
/// the agent's within float rounding; the sampled pre-squash action is rounded to float, as the agent stores it.
/// </summary>
public sealed record SizingPolicySnapshot(
    IReadOnlyList<DenseLayer> Actor, IReadOnlyList<DenseLayer> Critic, double[] LogStd, double[] Low, double[] High)
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Samples u = μ + σ·ε with <paramref name="generator"/> (or takes u = μ when deterministic) and squashes it into the bounds.</summary>
    public SizingAction Decide(SizingState state, PpoRandom generator, bool deterministic = false)
    {
        var obs = state.ToVector().Select(v => (double)(float)v).ToArray();
        var mean = Forward(Actor, obs);
        var dims = LogStd.Length;
        if (mean.Length != dims || Low.Length != dims || High.Length != dims)
            throw new InvalidOperationException($"sizing policy snapshot: actor gives {mean.Length} outputs for {dims} action dimensions");

        var raw = new double[dims];
        var logProb = 0.0;
        for (var i = 0; i < dims; i++)
        {
            var std = Math.Exp(LogStd[i]);
            raw[i] = deterministic ? (float)mean[i] : (float)(mean[i] + std * generator.NextGaussian());
            var z = (raw[i] - mean[i]) / std;
            // log N(u) − log(1 − tanh²u) − log((high − low)/2), with log(1 − tanh²u) = 2·(log 2 − u − softplus(−2u)).
            logProb += -0.5 * z * z - LogStd[i] - HalfLog2Pi;
            logProb -= 2 * (Math.Log(2) - raw[i] - Softplus(-2 * raw[i]));
            logProb -= Math.Log((High[i] - Low[i]) / 2);
        }
        var a = new double[dims];
        for (var i = 0; i < dims; i++)
            a[i] = Math.Clamp(Low[i] + (Math.Tanh(raw[i]) + 1) / 2 * (High[i] - Low[i]), Low[i], High[i]);
        return new SizingAction(a[0], a[1], a[2], raw, logProb, Forward(Critic, obs)[0]);
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    private static double[] Forward(IReadOnlyList<DenseLayer> layers, double[] input)
    {
        var x = input;
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (x.Length != layer.Inputs)
                throw new InvalidOperationException($"sizing policy snapshot: layer {l} takes {layer.Inputs} inputs, gets {x.Length}");
            var y = new double[layer.Outputs];
            for (var o = 0; o < layer.Outputs; o++)
            {
                var sum = layer.Bias[o];
                var row = o * layer.Inputs;
                for (var i = 0; i < layer.Inputs; i++) sum += layer.Weights[row + i] * x[i];
                y[o] = l < layers.Count - 1 ? Math.Tanh(sum) : sum;
            }
            x = y;
        }
        return x;
    }
}
