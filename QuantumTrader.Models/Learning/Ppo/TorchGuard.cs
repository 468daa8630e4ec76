using System.Runtime.CompilerServices;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// Runs TorchSharp work while the finalizer thread is parked. TorchSharp 0.107 turns numbers into <c>Scalar</c>
/// objects (even the implicit alpha of every tensor addition) that nothing keeps alive during the native call and
/// whose finalizer frees the native value (dotnet/TorchSharp#1434). In a process where other threads allocate, a
/// collection can finalize such a temporary while libtorch still reads it: the call then fails ("Unknown scalar
/// type") or computes with garbage. With the finalizer thread held inside a finalizer of our own, collections may
/// still run but free nothing until the work is done. Calls are serialised; nested calls run inside the outer hold.
/// </summary>
public static class TorchGuard
{
    private static readonly object Gate = new();
    private static readonly TimeSpan ParkTimeout = TimeSpan.FromSeconds(30);

    [ThreadStatic]
    private static int _depth;

    public static T Run<T>(Func<T> work)
    {
        lock (Gate)
        {
            if (_depth > 0) return work();
            // Not disposed: the finalizer thread may still be inside Set or Wait on them when this returns.
            var parked = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            Park(parked, release);
            _depth++;
            try
            {
                return work();
            }
            finally
            {
                _depth--;
                release.Set();
            }
        }
    }

    public static void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });

    /// <summary>Drops a blocker and collects, from the young generation up, until the finalizer thread runs it and parks.</summary>
    private static void Park(ManualResetEventSlim parked, ManualResetEventSlim release)
    {
        var blocker = Drop(parked, release);
        for (var generation = 0; blocker.IsAlive; generation = Math.Min(generation + 1, GC.MaxGeneration))
            GC.Collect(generation, GCCollectionMode.Forced, blocking: true);
        if (!parked.Wait(ParkTimeout))
        {
            release.Set();
            throw new TimeoutException($"TorchSharp guard: the finalizer thread did not reach the guard within {ParkTimeout.TotalSeconds} s; another finalizer is blocking it");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Drop(ManualResetEventSlim parked, ManualResetEventSlim release) => new(new Blocker(parked, release));

    private sealed class Blocker(ManualResetEventSlim parked, ManualResetEventSlim release)
    {
        ~Blocker()
        {
            parked.Set();
            release.Wait();
        }
    }
}
