using Akka.Actor;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>A regime change in a symbol entity reaches the coordinator before the bar is answered; unknown symbols are refused.</summary>
public sealed class RegimeCoordinatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private NodeFixture _node = null!;

    public Task InitializeAsync()
    {
        _node = new NodeFixture([], services: s => s.WithRiskGate(new KnownSymbols(["TEST"])));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Every_regime_change_is_in_force_for_the_gate_when_its_bar_is_answered()
    {
        var bars = SyntheticBars.Make("TEST", 120);
        var board = _node.Services.Risk;
        var changes = 0;
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = i % 17 == 16 ? SyntheticBars.Crash(bars[i]) with { Close = bars[i].Close * 0.9, Low = bars[i].Low * 0.85 } : bars[i];
            await _node.Symbols.Ask<BarProcessed>(new ProcessBar("TEST", i + 1, bar, PortfolioView.Of(10_000), false), Timeout);
            var status = await _node.Symbols.Ask<SymbolStatus>(new GetSymbolStatus("TEST"), Timeout);
            var applied = board.Regimes.For("TEST");
            Assert.Equal(status.Regime, applied?.Regime);
            if (board.LastApplied("TEST") is { } last && last.Seq == i + 1) changes++;
        }

        Assert.True(changes >= 3, $"the crashes change the regime several times, saw {changes}");
        var posture = await _node.Registry.Get<RiskCoordinatorKey>().Ask<RiskPosture>(GetRiskPosture.Instance, Timeout);
        var test = Assert.Single(posture.Regimes);
        Assert.Equal(board.Regimes.For("TEST"), test);
        Assert.Equal(RiskPolicyState.Default.Version, posture.Policy.Version);
    }

    [Fact]
    public async Task A_bar_of_a_symbol_the_market_does_not_list_is_refused_and_nothing_is_journaled()
    {
        var bar = SyntheticBars.Make("DOGEUSDT", 1)[0];
        var ex = await Assert.ThrowsAsync<DomainValidationException>(() =>
            _node.Symbols.Ask<BarProcessed>(new ProcessBar("DOGEUSDT", 1, bar, PortfolioView.Of(10_000), true), Timeout));
        Assert.Equal("ProcessBar.Symbol: is not a symbol the market knows; it knows TEST (\"DOGEUSDT\")", ex.Message);
        Assert.Empty(await JournalReader.Events(_node.System, EntityIds.Symbol("DOGEUSDT")));
    }
}
