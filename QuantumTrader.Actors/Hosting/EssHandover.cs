using QuantumTrader.Actors.Protocol;

namespace QuantumTrader.Actors.Hosting;

/// <summary>
/// Where an operator's emergency-stop trigger or reset waits while a start decides its bars. The job's account driver
/// takes it between two bars and gives it to the account dated one tick before the next bar, so the journal says which
/// bars it reached and a replay gives it at the same place. While no start decides, a command is not taken here and goes
/// to the account directly. A command is never refused for timing: an emergency stop cannot wait for a start to end.
/// </summary>
public sealed class EssHandover
{
    /// <summary>A command waiting for the next bar, and its answer: the account's status once journaled, or why it failed.</summary>
    public sealed record Waiting(IProtocolMessage Command, TaskCompletionSource<EssStatus> Answer);

    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];
    private bool _open;
    private int _count;

    /// <summary>How many commands are waiting; read without the lock on every batch.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A start begins deciding its bars: commands wait from now on.</summary>
    public void Open()
    {
        lock (_gate) _open = true;
    }

    /// <summary>Keeps a <see cref="TriggerEmergency"/> or <see cref="ResetEmergency"/> for the next bar; null when no start decides (give it directly).</summary>
    public Task<EssStatus>? TryHandOver(IProtocolMessage command)
    {
        if (command is not (TriggerEmergency or ResetEmergency))
            throw new ArgumentException($"only an emergency-stop trigger or reset is handed over, not {command.GetType().Name}", nameof(command));
        lock (_gate)
        {
            if (!_open) return null;
            var waiting = new Waiting(command, new TaskCompletionSource<EssStatus>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiting.Add(waiting);
            Volatile.Write(ref _count, _waiting.Count);
            return waiting.Answer.Task;
        }
    }

    /// <summary>The commands waiting, in the order they came; they are the taker's to answer.</summary>
    public IReadOnlyList<Waiting> Take()
    {
        lock (_gate) return TakeLocked();
    }

    /// <summary>The start has decided its bars: later commands go to the account directly; returns those still waiting.</summary>
    public IReadOnlyList<Waiting> Close()
    {
        lock (_gate)
        {
            _open = false;
            return TakeLocked();
        }
    }

    private Waiting[] TakeLocked()
    {
        var taken = _waiting.ToArray();
        _waiting.Clear();
        Volatile.Write(ref _count, 0);
        return taken;
    }
}
