using static TorchSharp.torch;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Orthogonal weight initialisation (Saxe et al. 2014) drawn from a <see cref="PpoRandom"/>, so initial weights
/// depend only on the seed and not on TorchSharp's process-wide generator that parallel code may share.
/// </summary>
public static class OrthogonalInit
{
    /// <summary>
    /// A rows×cols matrix (row-major) whose rows (rows ≤ cols) or columns (rows ≥ cols) are orthonormal, times
    /// <paramref name="gain"/>: Q of a Gaussian matrix's QR with R's diagonal made positive, as torch.nn.init.orthogonal_.
    /// </summary>
    public static double[] Matrix(int rows, int cols, double gain, PpoRandom rng)
    {
        var transpose = rows < cols;
        var m = transpose ? cols : rows;
        var n = transpose ? rows : cols;
        var a = new double[m, n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
                a[i, j] = rng.NextGaussian();

        // Modified Gram–Schmidt on the columns of the tall m×n matrix; positive norms make diag(R) positive.
        for (var j = 0; j < n; j++)
        {
            for (var k = 0; k < j; k++)
            {
                var dot = 0.0;
                for (var i = 0; i < m; i++) dot += a[i, k] * a[i, j];
                for (var i = 0; i < m; i++) a[i, j] -= dot * a[i, k];
            }
            var norm = 0.0;
            for (var i = 0; i < m; i++) norm += a[i, j] * a[i, j];
            norm = Math.Sqrt(norm);
            for (var i = 0; i < m; i++) a[i, j] /= norm;
        }

        var result = new double[rows * cols];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                result[r * cols + c] = gain * (transpose ? a[c, r] : a[r, c]);
        return result;
    }

    /// <summary>Orthogonal weight with the given gain and zero bias, as CleanRL's layer_init.</summary>
    public static void Apply(TorchSharp.Modules.Linear layer, double gain, PpoRandom rng)
    {
        var rows = (int)layer.weight!.shape[0];
        var cols = (int)layer.weight.shape[1];
        var values = Matrix(rows, cols, gain, rng).Select(v => (float)v).ToArray();
        using var _ = no_grad();
        using var w = tensor(values, [rows, cols]);
        layer.weight.copy_(w);
        layer.bias?.zero_();
    }
}
