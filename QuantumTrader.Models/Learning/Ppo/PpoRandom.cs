namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Seeded SplitMix64 generator. Its whole state is one <see cref="ulong"/>, so an agent can
/// checkpoint it and a restored agent draws exactly the same samples (System.Random cannot be saved).
/// </summary>
public sealed class PpoRandom
{
    private const double TwoPi = 2.0 * Math.PI;

    public PpoRandom(long seed) => State = unchecked((ulong)seed) ^ 0x5DEECE66DUL;

    private PpoRandom(ulong state, bool _) => State = state;

    /// <summary>The generator state; <see cref="FromState"/> resumes from it.</summary>
    public ulong State { get; private set; }

    public static PpoRandom FromState(ulong state) => new(state, true);

    public ulong NextUInt64()
    {
        unchecked
        {
            State += 0x9E3779B97F4A7C15UL;
            var z = State;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n) without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "upper bound must be positive");
        var limit = ulong.MaxValue - ulong.MaxValue % (ulong)n;
        ulong x;
        do { x = NextUInt64(); } while (x >= limit);
        return (int)(x % (ulong)n);
    }

    /// <summary>Standard normal by Box–Muller (one draw per call, no cached spare, so the state stays one number).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(TwoPi * u2);
    }

    /// <summary>Fisher–Yates permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
