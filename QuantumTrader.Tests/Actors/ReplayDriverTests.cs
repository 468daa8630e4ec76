using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Replay;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Actors;

/// <summary>The replay driver's ordering contract, with a probe standing in for the symbol entities.</summary>
public sealed class ReplayDriverTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ProcessBar Cmd(string symbol, long seq, double hours) =>
        new(symbol, seq, new Bar(symbol, T0.AddHours(hours), 100, 101, 99, 100, 1), PortfolioView.Of(10_000), true);

    [Fact]
    public async Task Every_bar_of_a_timestamp_is_seen_before_any_goes_out_and_the_next_timestamp_waits_for_all_replies()
    {
        var symbols = CreateTestProbe();
        var seen = new List<(string Symbol, DateTimeOffset Time, int SentBefore)>();
        var sent = 0;
        var done = new TaskCompletionSource<ReplayCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = Sys.ActorOf(ReplayDriver.PropsFor(
            symbols.Ref,
            _ => Task.FromResult(PortfolioView.Of(10_000)),
            _ => Array.Empty<ClosedTrade>(),
            bars => seen.AddRange(bars.Select(b => (b.Symbol, b.Time, Volatile.Read(ref sent)))),
            _ => Task.CompletedTask,
            _ => { }, done, Timeout));

        var stream = CreateTestProbe();
        driver.Tell(new ReplayDriver.Started(), stream.Ref);
        stream.ExpectMsg<ReplayDriver.Ack>(Timeout);
        driver.Tell(new[] { new[] { Cmd("BTCUSDT", 1, 0), Cmd("ETHUSDT", 1, 0) }, new[] { Cmd("BTCUSDT", 2, 1), Cmd("ETHUSDT", 2, 1) } }, stream.Ref);

        symbols.ExpectMsg<ProcessBar>(Timeout);
        symbols.ExpectMsg<ProcessBar>(Timeout);
        Interlocked.Add(ref sent, 2);
        Assert.Equal([("BTCUSDT", T0, 0), ("ETHUSDT", T0, 0)], seen);
        symbols.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Replies in either order; the next timestamp goes out only after both.
        driver.Tell(new BarProcessed("ETHUSDT", 1, false, false, 0, []), symbols.Ref);
        symbols.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        driver.Tell(new BarProcessed("BTCUSDT", 1, false, false, 0, []), symbols.Ref);
        var second = new[] { symbols.ExpectMsg<ProcessBar>(Timeout), symbols.ExpectMsg<ProcessBar>(Timeout) };
        Assert.Equal([("BTCUSDT", T0.AddHours(1), 2), ("ETHUSDT", T0.AddHours(1), 2)], seen.Skip(2));
        Assert.All(second, c => Assert.Equal(2, c.Seq));

        foreach (var c in second) driver.Tell(new BarProcessed(c.Symbol, c.Seq, false, false, 0, []), symbols.Ref);
        stream.ExpectMsg<ReplayDriver.Ack>(Timeout);
        driver.Tell(new ReplayDriver.Completed(), stream.Ref);
        var counts = await done.Task.WaitAsync(Timeout);
        Assert.Equal(4, counts.Bars);
    }
}
