using Akka.Actor;
using Akka.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>A bar that changed the regime is answered once the coordinator confirmed it, and fails loudly when it never does.</summary>
public sealed class RegimeAckTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NodeFixture _node;

    public RegimeAckTests() : this(new NodeFixture([], services: s => s.WithRiskGate(new KnownSymbols(["TEST"])))) { }

    private RegimeAckTests(NodeFixture node) : base(node.System) => _node = node;

    [Fact]
    public async Task A_regime_change_waits_for_the_coordinator_and_a_silent_coordinator_fails_the_bar_with_its_number()
    {
        var coordinator = CreateTestProbe();
        _node.Registry.Register<RiskCoordinatorKey>(coordinator.Ref, overwrite: true);
        var bars = SyntheticBars.Make("TEST", 120);

        var answered = new List<long>();
        RegimeChanged? first = null;
        for (var i = 0; i < bars.Count && first is null; i++)
        {
            var bar = i % 17 == 16 ? SyntheticBars.Crash(bars[i]) with { Close = bars[i].Close * 0.9, Low = bars[i].Low * 0.85 } : bars[i];
            var reply = _node.Symbols.Ask<BarProcessed>(new ProcessBar("TEST", i + 1, bar, PortfolioView.Of(10_000), false), Timeout);
            first = await ChangeSent(reply, coordinator);
            if (first is null) answered.Add((await reply).Seq);
            else
            {
                // Confirmed: the bar is answered only now.
                Assert.False(reply.IsCompleted);
                coordinator.Reply(new RegimeApplied("TEST", first.BarSeq, first.To.ToString(), RegimePolicy.Neutral(first.To.ToString())));
                Assert.Equal(first.BarSeq, (await reply).Seq);
            }
        }
        Assert.NotNull(first);
        Assert.Equal(Enumerable.Range(1, (int)first!.BarSeq - 1).Select(i => (long)i), answered);

        // The next change is never confirmed: its bar fails after the acknowledgement timeout, naming the bar.
        for (var i = (int)first.BarSeq; i < bars.Count; i++)
        {
            var bar = SyntheticBars.Crash(bars[i]) with { Close = bars[i].Close * 0.8, Low = bars[i].Low * 0.75 };
            var reply = _node.Symbols.Ask<BarProcessed>(new ProcessBar("TEST", i + 1, bar, PortfolioView.Of(10_000), false), Timeout);
            if (await ChangeSent(reply, coordinator) is not { } silent)
            {
                await reply;
                continue;
            }
            var ex = await Assert.ThrowsAsync<TimeoutException>(() => reply);
            Assert.Contains($"bar #{silent.BarSeq}: the regime coordinator did not confirm the new regime", ex.Message);
            return;
        }
        Assert.Fail("no second regime change in the synthetic series");
    }

    /// <summary>A bar without a regime change is answered without the coordinator; one with a change reaches the coordinator and is held until confirmed.</summary>
    private static async Task<RegimeChanged?> ChangeSent(Task<BarProcessed> reply, Akka.TestKit.TestProbe coordinator)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < Timeout)
        {
            if (coordinator.HasMessages) return coordinator.ExpectMsg<RegimeChanged>(Timeout);
            if (reply.IsCompleted) return null;
            await Task.WhenAny(reply, Task.Delay(20));
        }
        throw new TimeoutException($"bar neither answered nor announced to the coordinator within {Timeout}");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
