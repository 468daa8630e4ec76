using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// TorchSharp's random generator is process-wide: building a module (its default initialisation), a dropout mask and
/// <c>randn</c> all draw from it. Every such draw in the process goes through this gate, so a seeded training draws the
/// same numbers whatever else runs meanwhile: a forecaster opened for serving, a sizing policy built, another training.
/// Without it a retrained forecaster, and every trade after its promotion, could depend on thread timing.
/// </summary>
public static class TorchRandom
{
    private static readonly object Gate = new();

    /// <summary>Runs <paramref name="work"/> alone among the process's draws, after seeding the generator with <paramref name="seed"/> when given.</summary>
    public static T Exclusive<T>(Func<T> work, long? seed = null)
    {
        lock (Gate)
        {
            if (seed is { } s) manual_seed(s);
            return work();
        }
    }

    public static void Exclusive(Action work, long? seed = null) => Exclusive(() =>
    {
        work();
        return 0;
    }, seed);
}
