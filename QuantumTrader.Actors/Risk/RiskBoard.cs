using System.Diagnostics;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Risk;

/// <summary>
/// What the risk gate of this node reads, in process: the policy replicated from the policy store, the regime
/// overlays the regime coordinator put in force, and the return correlation of the symbols.
/// The correlation is fed with every bar before it is decided: by the replay, which observes the bars of a batch in
/// data order before sending any of them (and re-sends all of them on a resume), and by the symbol entity itself. A
/// decision reads it as of its bar's time (<see cref="CorrelationAt"/>), so what it sees is a function of the data alone,
/// however far ahead the replay observed. Bars at or before a symbol's last observed time (a repeat) are ignored.
/// </summary>
public sealed class RiskBoard(KnownSymbols? market = null, int correlationWindow = 60, int correlationMinOverlap = 20)
{
    private readonly object _correlationLock = new();
    private readonly Dictionary<string, (long Seq, long Timestamp)> _applied = new(StringComparer.Ordinal);
    private RiskPolicyState _policy = RiskPolicyState.Default;
    private RegimeBook _regimes = RegimeBook.Empty;
    private readonly CorrelationHistory _correlation = new(correlationWindow, correlationMinOverlap);

    /// <summary>The symbols the market lists; null when the node was not told (then any well-formed symbol is accepted).</summary>
    public KnownSymbols? Market { get; } = market;

    public RiskPolicyState Policy => Volatile.Read(ref _policy);

    public RegimeBook Regimes => Volatile.Read(ref _regimes);

    /// <summary>The correlation after every bar observed so far.</summary>
    public ReturnCorrelation Correlation
    {
        get { lock (_correlationLock) return _correlation.Latest; }
    }

    /// <summary>The correlation a decision at <paramref name="time"/> sees: the returns through that time.</summary>
    public ReturnCorrelation CorrelationAt(DateTimeOffset time)
    {
        lock (_correlationLock) return _correlation.At(time);
    }

    /// <summary>Takes <paramref name="state"/> when it is newer than the policy held; true when it did. Version 0 is the default policy.</summary>
    public bool TryUpdatePolicy(RiskPolicyState state)
    {
        Guard.NotNull(nameof(RiskBoard), "state", state);
        while (true)
        {
            var current = Volatile.Read(ref _policy);
            if (state.Version <= current.Version) return false;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _policy, state, current), current)) return true;
        }
    }

    /// <summary>Only the regime coordinator writes the book; <paramref name="symbol"/>'s change at bar <paramref name="seq"/> is stamped for the latency benchmark.</summary>
    public void SetRegimes(RegimeBook book, string? symbol = null, long seq = 0)
    {
        Volatile.Write(ref _regimes, Guard.NotNull(nameof(RiskBoard), "book", book));
        if (symbol is null) return;
        var now = Stopwatch.GetTimestamp();
        lock (_applied) _applied[symbol] = (seq, now);
    }

    /// <summary>The bar of the last regime change applied for <paramref name="symbol"/> and when (Stopwatch ticks).</summary>
    public (long Seq, long Timestamp)? LastApplied(string symbol)
    {
        lock (_applied) return _applied.TryGetValue(symbol, out var a) ? a : null;
    }

    public void ObserveBar(Bar bar)
    {
        Guard.NotNull(nameof(RiskBoard), "bar", bar);
        lock (_correlationLock) _correlation.Observe(bar);
    }
}
