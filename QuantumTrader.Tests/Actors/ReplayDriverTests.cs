using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Replay;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The replay driver's batching contract, with a probe standing in for the symbol entities.</summary>
public sealed class ReplayDriverTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ReplayDriver.Group Group(int hour) => new(T0.AddHours(hour),
    [
        new BarToDecide(hour + 1, new Bar("BTCUSDT", T0.AddHours(hour), 100, 101, 99, 100, 1), true),
        new BarToDecide(hour + 1, new Bar("ETHUSDT", T0.AddHours(hour), 100, 101, 99, 100, 1), true),
    ]);

    private static BarsDecided Decided(string symbol, long committed, long decided, bool stopped = false, ClosedTrade? trade = null) =>
        new(symbol, committed, decided, stopped, trade is null ? [] : [trade], [], new SymbolReplayCounts(0, 0, 0, 0));

    private sealed class Host(bool tradesChangeWeights = false) : IReplayHost
    {
        public readonly List<string> Calls = [];
        private int _weights;
        public void BeforeBatch(IReadOnlyList<Bar> bars) { lock (Calls) Calls.Add($"before {bars[0].Time.Hour}..{bars[^1].Time.Hour} ({bars.Count})"); }
        public DateTimeOffset? NextKnownChange(DateTimeOffset time, IReadOnlyList<Bar> ahead) => null;
        public Task<PortfolioView> ViewBefore(DateTimeOffset time) => Task.FromResult(PortfolioView.Of(10_000));
        public PortfolioView ViewFromBook(DateTimeOffset time) => PortfolioView.Of(10_000);
        public string DecisionInputs(DateTimeOffset time) => "weights v" + Volatile.Read(ref _weights);
        public IReadOnlyList<ClosedTrade> Record(IReadOnlyList<PositionOpened> opened, IReadOnlyList<ClosedTrade> closed) => closed;
        public bool DurableBeforeTrades => false;
        public Task AfterTrades(IReadOnlyList<ClosedTrade> closed)
        {
            lock (Calls) Calls.Add("after " + string.Join(",", closed.Select(t => t.TradeId)));
            if (tradesChangeWeights) Interlocked.Increment(ref _weights);
            return Task.CompletedTask;
        }
        public void Progress(long bars) { lock (Calls) Calls.Add($"progress {bars}"); }
    }

    private static IReadOnlyList<DecideBars> Expect(Akka.TestKit.TestProbe symbols, int count) =>
        Enumerable.Range(0, count).Select(_ => symbols.ExpectMsg<DecideBars>(Timeout)).OrderBy(d => d.Symbol, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_batch_is_kept_up_to_the_first_portfolio_change_and_the_rest_is_decided_again_after_the_trades_reached_the_host()
    {
        var symbols = CreateTestProbe();
        var host = new Host();
        var done = new TaskCompletionSource<ReplayCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = Sys.ActorOf(ReplayDriver.PropsFor(symbols.Ref, host, done, Timeout, maxBatch: 8));
        var stream = CreateTestProbe();
        driver.Tell(new ReplayDriver.Started(), stream.Ref);
        stream.ExpectMsg<ReplayDriver.Ack>(Timeout);
        driver.Tell(Enumerable.Range(0, 4).Select(Group).ToArray(), stream.Ref);

        // The window starts at two timestamps: both symbols get hours 0 and 1, nothing to commit yet.
        var first = Expect(symbols, 2);
        Assert.All(first, d => Assert.Equal([1L, 2L], d.Bars.Select(b => b.Seq)));
        Assert.All(first, d => Assert.Equal(0, d.CommitThrough));
        Assert.Equal("before 0..1 (4)", host.Calls[0]);

        // ETH closes a trade on hour 0: the batch is kept through hour 0 only; BTC's hour 1 is dropped.
        var trade = LearningTrades.BothBuy(1, 1.5) with { TradeId = "ETHUSDT-1", Symbol = "ETHUSDT", ExitTime = T0 };
        driver.Tell(Decided("BTCUSDT", 0, 2), symbols.Ref);
        symbols.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        driver.Tell(Decided("ETHUSDT", 0, 1, stopped: true, trade), symbols.Ref);

        // The next batch goes out before the trade reaches the host; it is kept because the trade changed nothing it read.
        var second = Expect(symbols, 2);
        Assert.All(second, d => Assert.Equal(1, d.CommitThrough));
        Assert.All(second, d => Assert.Equal(2, d.Bars[0].Seq));
        AwaitCondition(() => host.Calls.Count >= 4, Timeout);
        Assert.Equal(["before 0..1 (4)", "progress 2", "before 1..2 (4)", "after " + trade.TradeId], host.Calls.Take(4));

        // No stop: the whole batch is kept; the window grows, so the driver asks the stream for more before the last hour goes out.
        Assert.All(second, d => Assert.Equal([2L, 3L], d.Bars.Select(b => b.Seq)));
        foreach (var d in second) driver.Tell(Decided(d.Symbol, 1, d.Bars[^1].Seq), symbols.Ref);
        stream.ExpectMsg<ReplayDriver.Ack>(Timeout);
        symbols.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        driver.Tell(new ReplayDriver.Completed(), stream.Ref);
        var third = Expect(symbols, 2);
        Assert.All(third, d => Assert.Equal(3, d.CommitThrough));
        Assert.All(third, d => Assert.Equal([4L], d.Bars.Select(b => b.Seq)));
        foreach (var d in third) driver.Tell(Decided(d.Symbol, 3, 4), symbols.Ref);

        // Every kept bar is committed before the replay ends.
        var last = Expect(symbols, 2);
        Assert.All(last, d => Assert.Empty(d.Bars));
        Assert.All(last, d => Assert.Equal(4, d.CommitThrough));
        foreach (var d in last) driver.Tell(Decided(d.Symbol, d.CommitThrough, d.CommitThrough), symbols.Ref);

        var counts = await done.Task.WaitAsync(Timeout);
        Assert.Equal(8, counts.Bars);
        Assert.Equal(1, counts.DecidedAgain);
        Assert.Equal(0, counts.BatchesDecidedAgain);
    }

    [Fact]
    public async Task A_batch_sent_while_trades_changed_the_weights_is_decided_again_under_the_new_ones()
    {
        var symbols = CreateTestProbe();
        var host = new Host(tradesChangeWeights: true);
        var done = new TaskCompletionSource<ReplayCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = Sys.ActorOf(ReplayDriver.PropsFor(symbols.Ref, host, done, Timeout, maxBatch: 8));
        var stream = CreateTestProbe();
        driver.Tell(new ReplayDriver.Started(), stream.Ref);
        stream.ExpectMsg<ReplayDriver.Ack>(Timeout);
        driver.Tell(Enumerable.Range(0, 3).Select(Group).ToArray(), stream.Ref);
        driver.Tell(new ReplayDriver.Completed(), stream.Ref);

        var trade = LearningTrades.BothBuy(1, 1.5) with { TradeId = "ETHUSDT-1", Symbol = "ETHUSDT", ExitTime = T0 };
        var first = Expect(symbols, 2);
        driver.Tell(Decided("BTCUSDT", 0, 2), symbols.Ref);
        driver.Tell(Decided("ETHUSDT", 0, 1, stopped: true, trade), symbols.Ref);

        // Sent at once under the old weights ...
        var speculative = Expect(symbols, 2);
        foreach (var d in speculative) driver.Tell(Decided(d.Symbol, 1, d.Bars[^1].Seq), symbols.Ref);

        // ... and decided again: same bars, same commit, after the host took the trade.
        var again = Expect(symbols, 2);
        Assert.Equal(speculative.Select(d => (d.Symbol, d.CommitThrough, d.Bars[0].Seq, d.Bars.Count)), again.Select(d => (d.Symbol, d.CommitThrough, d.Bars[0].Seq, d.Bars.Count)));
        Assert.Equal(["before 0..1 (4)", "progress 2", "before 1..2 (4)", "after " + trade.TradeId, "before 1..2 (4)"], host.Calls.Take(5));
        foreach (var d in again) driver.Tell(Decided(d.Symbol, 1, d.Bars[^1].Seq), symbols.Ref);

        var last = Expect(symbols, 2);
        Assert.All(last, d => Assert.Empty(d.Bars));
        foreach (var d in last) driver.Tell(Decided(d.Symbol, d.CommitThrough, d.CommitThrough), symbols.Ref);
        var counts = await done.Task.WaitAsync(Timeout);
        Assert.Equal(6, counts.Bars);
        Assert.Equal(1, counts.BatchesDecidedAgain);
    }
}
