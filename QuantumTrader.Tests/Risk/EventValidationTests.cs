using System.Text;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Risk;

/// <summary>The node's events and commands refuse an invalid value when constructed or deserialized, naming type, field and value.</summary>
public class EventValidationTests
{
    private static readonly (SymbolState State, List<SymbolEvent> Events) Timeline = SymbolTimeline.Run();
    private static readonly TradeClosed Closed = Timeline.Events.OfType<TradeClosed>().First();
    private static readonly RegimeChanged Regime = Timeline.Events.OfType<RegimeChanged>().First();
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Refused(Func<object> make) => Assert.Throws<DomainValidationException>(make).Message;

    [Fact]
    public void A_closed_trade_must_belong_to_its_event_and_carry_sane_numbers()
    {
        var t = Closed.Trade;
        Assert.Equal("TradeClosed.Trade.Symbol: must be the event's symbol ETHUSDT (\"TEST\")",
            Refused(() => new TradeClosed("ETHUSDT", Closed.BarSeq, Closed.Time, t)));
        Assert.Equal("TradeClosed.Trade.ExitTime: must be the event's time 2021-03-01T00:00:00.0000000+00:00 (" + t.ExitTime.ToString("O") + ")",
            Refused(() => new TradeClosed("TEST", Closed.BarSeq, T0, t)));
        Assert.Equal("TradeClosed.BarSeq: bars are numbered from 1 (0)", Refused(() => new TradeClosed("TEST", 0, Closed.Time, t)));
        Assert.Equal("TradeClosed.Trade: is required (null)", Refused(() => new TradeClosed("TEST", 1, Closed.Time, null!)));
        Assert.Equal("TradeClosed.Trade.Quantity: must be > 0 (-1)",
            Refused(() => new TradeClosed("TEST", Closed.BarSeq, Closed.Time, t with { Quantity = -1 })));
        Assert.Equal("TradeClosed.Trade.Pnl: must be a finite number (NaN)",
            Refused(() => new TradeClosed("TEST", Closed.BarSeq, Closed.Time, t with { Pnl = double.NaN })));
        var overconfident = t with { Decision = t.Decision with { Ensemble = t.Decision.Ensemble with { Confidence = 1.5 } } };
        Assert.Equal("TradeClosed.Trade.Decision.Ensemble.Confidence: must be in [0, 1] (1.5)",
            Refused(() => new TradeClosed("TEST", Closed.BarSeq, Closed.Time, overconfident)));
    }

    [Fact]
    public void A_regime_change_needs_a_known_regime_and_finite_measures()
    {
        Assert.Equal("RegimeChanged.AtrPercent: must be a finite number (NaN)",
            Refused(() => new RegimeChanged("TEST", 5, T0, MarketRegime.Ranging, MarketRegime.Crash, double.NaN, 1, 0)));
        Assert.Equal(Regime, new RegimeChanged(Regime.Symbol, Regime.BarSeq, Regime.Time, Regime.From, Regime.To, Regime.AtrPercent, Regime.RealisedVolatility, Regime.Return5));
        Assert.Equal("RegimeChanged.Return5: a price cannot fall by more than 100% (-1.5)",
            Refused(() => new RegimeChanged("TEST", 5, T0, MarketRegime.Ranging, MarketRegime.Crash, 2, 1, -1.5)));
        Assert.Equal("RegimeChanged.To: is not a MarketRegime (99)",
            Refused(() => new RegimeChanged("TEST", 5, T0, MarketRegime.Ranging, (MarketRegime)99, 2, 1, 0)));
        Assert.Equal("RegimeChanged.Symbol: a symbol contains no whitespace (\"BTC USDT\")",
            Refused(() => new RegimeChanged("BTC USDT", 5, T0, MarketRegime.Ranging, MarketRegime.Crash, 2, 1, 0)));
        Assert.Equal("RegimeChanged.BarSeq: bars are numbered from 1 (0)",
            Refused(() => new RegimeChanged("TEST", 0, T0, MarketRegime.Ranging, MarketRegime.Crash, 2, 1, 0)));
    }

    [Fact]
    public void A_refused_signal_names_its_stage_and_reason()
    {
        var rejected = Timeline.Events.OfType<SignalRejected>().First();
        Assert.Equal("SignalRejected.Reason: must not be empty (\"\")",
            Refused(() => new SignalRejected("TEST", 3, T0, rejected.Action, RejectionStages.RiskGate, "", rejected.Decision)));
    }

    [Fact]
    public void A_portfolio_view_is_refused_when_impossible_also_through_with()
    {
        Assert.Equal("PortfolioView.Equity: must be >= 0 (-1)", Refused(() => new PortfolioView(-1, 0, "NORMAL", new Dictionary<string, double>())));
        Assert.Equal("PortfolioView.PeakEquity: cannot be below Equity 100 (90)", Refused(() => new PortfolioView(100, 90, "NORMAL", new Dictionary<string, double>())));
        Assert.Equal("PortfolioView.EssMode: must be EMERGENCY, PROTECTIVE, CAUTIOUS or NORMAL (\"PANIC\")",
            Refused(() => new PortfolioView(100, 100, "PANIC", new Dictionary<string, double>())));
        Assert.Equal("PortfolioView.OpenNotional[BTCUSDT]: must be a finite number (Infinity)",
            Refused(() => new PortfolioView(100, 100, "NORMAL", new Dictionary<string, double> { ["BTCUSDT"] = double.PositiveInfinity })));

        var view = PortfolioView.Of(100);
        Assert.Equal("PortfolioView.EssMode: must be EMERGENCY, PROTECTIVE, CAUTIOUS or NORMAL (\"normal\")", Refused(() => view with { EssMode = "normal" }));
        Assert.Equal("PortfolioView.PeakEquity: cannot be below Equity 100 (50)", Refused(() => view with { PeakEquity = 50 }));
        Assert.Equal("EMERGENCY", (view with { EssMode = "EMERGENCY" }).EssMode);
    }

    [Fact]
    public void A_bar_command_must_carry_a_bar_of_its_symbol_with_a_consistent_range()
    {
        var bar = SyntheticBars.Make("TEST", 1)[0];
        var view = PortfolioView.Of(10_000);
        Assert.Equal("ProcessBar.Bar.Symbol: must be the command's symbol OTHER (\"TEST\")", Refused(() => new ProcessBar("OTHER", 1, bar, view, true)));
        Assert.Equal("ProcessBar.Seq: bars are numbered from 1 (0)", Refused(() => new ProcessBar("TEST", 0, bar, view, true)));
        Assert.StartsWith("ProcessBar.Bar: range Low", Refused(() => new ProcessBar("TEST", 1, bar with { High = bar.Low / 2 }, view, true)));
        Assert.Equal("ProcessBar.Portfolio: is required (null)", Refused(() => new ProcessBar("TEST", 1, bar, null!, true)));
    }

    [Fact]
    public void Risk_commands_refuse_what_an_operator_cannot_mean()
    {
        Assert.Equal("TriggerEmergency.Reason: must not be empty (\"\")", Refused(() => new TriggerEmergency("paper", "", T0)));
        Assert.Equal("ResetEmergency.Reason: must not be empty (\" \")", Refused(() => new ResetEmergency("paper", " ", T0)));
        Assert.Equal("GetEssStatus.AccountId: must not be empty (\"\")", Refused(() => new GetEssStatus("")));
        Assert.Equal("ChangeRiskLimits.Mode: EMERGENCY allows nothing and takes no limits (Emergency)",
            Refused(() => new ChangeRiskLimits(EssMode.Emergency, RiskPolicy.Default.Normal, "more room")));
        Assert.Equal("ChangeRiskLimits.Reason: must not be empty (null)", Refused(() => new ChangeRiskLimits(EssMode.Normal, RiskPolicy.Default.Normal, null!)));
    }

    [Fact]
    public void The_serializer_refuses_invalid_bytes_so_no_node_can_deliver_or_replay_them()
    {
        var serializer = new ProtocolSerializer(null!);
        var trade = Encoding.UTF8.GetString(serializer.ToBinary(Closed)).Replace("\"Symbol\":\"TEST\",\"BarSeq\"", "\"Symbol\":\"OTHER\",\"BarSeq\"");
        Assert.Contains("OTHER", trade);
        var ex = Assert.Throws<DomainValidationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(trade), serializer.Manifest(Closed)));
        Assert.Equal("Trade.Symbol", ex.Field);

        var trigger = new TriggerEmergency("paper", "drill", T0);
        var blank = Encoding.UTF8.GetString(serializer.ToBinary(trigger)).Replace("\"drill\"", "\"\"");
        Assert.Throws<DomainValidationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(blank), serializer.Manifest(trigger)));
    }
}
