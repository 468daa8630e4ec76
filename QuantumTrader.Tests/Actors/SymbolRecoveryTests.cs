using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>Persist, stop the actor system, start a new one on the same SQLite file: the entity comes back as it was.</summary>
public sealed class SymbolRecoveryTests
{
    private const string Symbol = "TEST";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<Models.Market.Bar> _bars = SyntheticBars.Make(Symbol, 120);

    private static NodeFixture Node(TempDir dir, int snapshotEvery)
    {
        var buy = SyntheticBars.Start.AddHours(40);
        return new NodeFixture([ScriptedPredictor.BuyAt(ModelSlots.Xgb, buy), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, buy)], snapshotEvery, dir);
    }

    private async Task<BarProcessed> Send(NodeFixture node, int index) =>
        await node.Symbols.Ask<BarProcessed>(new ProcessBar(Symbol, index + 1, index == 42 ? SyntheticBars.Crash(_bars[index]) : _bars[index], PortfolioView.Of(10_000), true), Timeout);

    [Fact]
    public async Task State_survives_a_restart_of_the_actor_system()
    {
        using var dir = new TempDir();
        await using var node = Node(dir, snapshotEvery: 20);
        for (var i = 0; i < 60; i++) await Send(node, i);
        await node.Symbols.Ask<SymbolFlushed>(new FlushSymbol(Symbol), Timeout);
        var before = await node.Symbols.Ask<SymbolStatus>(new GetSymbolStatus(Symbol), Timeout);
        Assert.Equal(1, before.TradesClosed);

        await node.Restart();

        var after = await node.Symbols.Ask<SymbolStatus>(new GetSymbolStatus(Symbol), Timeout);
        Assert.Equal(before.LastSeq, after.LastSeq);
        Assert.Equal(before.TradesOpened, after.TradesOpened);
        Assert.Equal(before.TradesClosed, after.TradesClosed);
        Assert.Equal(before.RealizedPnl, after.RealizedPnl);
        Assert.Equal(before.Regime, after.Regime);
        Assert.True((await Send(node, 59)).AlreadyProcessed);
    }

    [Fact]
    public async Task Events_journaled_after_the_last_snapshot_are_re_aligned_with_the_resent_bars_and_not_decided_again()
    {
        using var dir = new TempDir();
        await using var node = Node(dir, snapshotEvery: 30);
        var first = new List<BarProcessed>();
        for (var i = 0; i < 50; i++) first.Add(await Send(node, i));
        await node.Symbols.Ask<SymbolFlushed>(new FlushSymbol(Symbol), Timeout);
        var trade = Assert.Single(first.SelectMany(r => r.ClosedTrades));

        await node.CrashAndStart();

        var recovered = await node.Symbols.Ask<SymbolStatus>(new GetSymbolStatus(Symbol), Timeout);
        Assert.Equal(30, recovered.LastSeq);

        var second = new List<BarProcessed>();
        for (var i = 30; i < 50; i++) second.Add(await Send(node, i));
        var lastJournaled = second.FindLastIndex(r => r.ClosedTrades.Count > 0);
        Assert.All(second.Take(lastJournaled + 1), r => Assert.True(r.Replayed));
        Assert.All(second, r => Assert.Equal(0, r.EventsPersisted));
        var again = Assert.Single(second.SelectMany(r => r.ClosedTrades));
        Assert.Equal(trade.TradeId, again.TradeId);
        Assert.Equal(trade.Pnl, again.Pnl);

        var status = await node.Symbols.Ask<SymbolStatus>(new GetSymbolStatus(Symbol), Timeout);
        Assert.Equal(50, status.LastSeq);
        Assert.Equal(1, status.TradesClosed);
        Assert.Equal(0, status.Divergences);
        Assert.False((await Send(node, 50)).Replayed);
    }
}
