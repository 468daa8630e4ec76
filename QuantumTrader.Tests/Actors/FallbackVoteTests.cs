using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>A trade decided while one model failed: the journal says which vote was seed 001's fallback HOLD, and why.</summary>
public sealed class FallbackVoteTests
{
    private const string Symbol = "TEST";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_audit_of_a_trade_shows_the_failed_models_fallback_hold_with_its_reason()
    {
        var bars = SyntheticBars.Make(Symbol, 80);
        var entry = bars[40].Time;
        using var dir = new TempDir();
        await using (var node = new NodeFixture(
        [
            ScriptedPredictor.BuyAt(ModelSlots.Xgb, entry), ScriptedPredictor.BuyAt(ModelSlots.Lgbm, entry), ScriptedPredictor.BuyAt(ModelSlots.PatchTst, entry),
            new ScriptedPredictor(ModelSlots.Nhits, _ => throw new InvalidOperationException("libtorch session lost")),
        ], dir: dir))
        {
            var closed = new List<Models.Execution.ClosedTrade>();
            for (var i = 0; i < bars.Count; i++)
            {
                var bar = i == 42 ? SyntheticBars.Crash(bars[i]) : bars[i];
                closed.AddRange((await node.Symbols.Ask<BarProcessed>(new ProcessBar(Symbol, i + 1, bar, PortfolioView.Of(10_000), true), Timeout)).ClosedTrades);
            }
            await node.Symbols.Ask<SymbolFlushed>(new FlushSymbol(Symbol), Timeout);
            Assert.Single(closed);
        }

        var report = await AuditVerb.ReadAsync(dir.Path, CancellationToken.None);
        var trade = Assert.Single(report.Trail, e => e.Kind == "trade-closed");
        var story = report.Explain(trade.Detail.Split(' ')[0])!;
        var votes = story.Trade.Decision.Ensemble.Votes;
        Assert.Equal([null, null, "failed: libtorch session lost", null], votes.Select(v => v.Fallback));
        Assert.Equal((TradeAction.Hold, 0.0), (votes[2].Action, votes[2].Confidence));
        Assert.Contains("nhits Hold 0 x0.3 (fallback: failed: libtorch session lost)", trade.Detail);
    }
}
