using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

public class RegimeBookTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_symbol_holds_the_overlay_of_its_last_regime_and_a_new_policy_resolves_them_again()
    {
        var book = RegimeBook.Empty
            .Apply("BTCUSDT", RegimeNames.Crash, 10, T0, RiskPolicy.Default)
            .Apply("ETHUSDT", RegimeNames.Ranging, 11, T0, RiskPolicy.Default)
            .Apply("BTCUSDT", RegimeNames.HighVolatility, 12, T0.AddHours(1), RiskPolicy.Default);

        var btc = book.For("BTCUSDT")!;
        Assert.Equal((RegimeNames.HighVolatility, 12L, 0.5, 0.10), (btc.Regime, btc.BarSeq, btc.Overlay.SizeMultiplier, btc.Overlay.MinConfidenceRaise));
        Assert.Equal(["BTCUSDT", "ETHUSDT"], book.Symbols.Select(s => s.Symbol));
        Assert.Null(book.For("SOLUSDT"));

        var calmer = RiskPolicy.Default.WithRegime(RegimePolicy.Neutral(RegimeNames.HighVolatility));
        Assert.Equal(1.0, book.Resolve(calmer).For("BTCUSDT")!.Overlay.SizeMultiplier);
    }

    [Fact]
    public void An_overlay_of_another_regime_or_a_bar_zero_is_refused()
    {
        var crash = RiskPolicy.Default.OverlayFor(RegimeNames.Crash);
        Assert.Equal("AppliedRegime.Overlay: is the overlay of Crash, not of Ranging (\"Crash\")",
            Assert.Throws<DomainValidationException>(() => new AppliedRegime("BTCUSDT", RegimeNames.Ranging, 1, T0, crash)).Message);
        Assert.Throws<DomainValidationException>(() => new AppliedRegime("BTCUSDT", RegimeNames.Crash, 0, T0, crash));
    }
}
