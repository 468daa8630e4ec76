using QuantumTrader.Models.Learning.Ppo;
using System.Runtime.CompilerServices;

namespace QuantumTrader.Tests.Learning.Ppo;

/// <summary>While guarded work runs, collections free nothing with a finalizer; afterwards everything is finalized.</summary>
public sealed class TorchGuardTests
{
    private sealed class Finalizable(ManualResetEventSlim finalized)
    {
        ~Finalizable() => finalized.Set();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Drop(ManualResetEventSlim finalized) => new(new Finalizable(finalized));

    [Fact]
    public void A_dead_object_is_not_finalized_during_guarded_work_but_right_after_it()
    {
        var finalized = new ManualResetEventSlim();
        var result = TorchGuard.Run(() =>
        {
            var dead = Drop(finalized);
            GC.Collect();
            Assert.False(dead.IsAlive, "the collection found the object dead");
            Assert.False(finalized.Wait(TimeSpan.FromMilliseconds(300)), "its finalizer must wait for the guarded work to end");
            return TorchGuard.Run(() => 42);
        });
        Assert.Equal(42, result);
        GC.WaitForPendingFinalizers();
        Assert.True(finalized.IsSet);
    }
}
