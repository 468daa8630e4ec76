using System.Text.Json;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

public class ValidationTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly KnownSymbols Market = new(["ETHUSDT", "BTCUSDT", "BTCUSDT"]);

    private static DomainValidationException Refused(Func<object> build) => Assert.Throws<DomainValidationException>(build);

    [Fact]
    public void Message_names_type_field_reason_and_value()
    {
        var ex = Refused(() => new OrderRequest("BTCUSDT", TradeAction.Buy, 100, 1.5, T0));
        Assert.Equal("OrderRequest.Confidence: must be in [0, 1] (1.5)", ex.Message);
        Assert.Equal(("OrderRequest", "Confidence", "must be in [0, 1]", "1.5"), (ex.Type, ex.Field, ex.Reason, ex.Value));
    }

    [Theory]
    [InlineData("", TradeAction.Buy, 100, 0.5, "OrderRequest.Symbol: must not be empty (\"\")")]
    [InlineData("BTC USDT", TradeAction.Buy, 100, 0.5, "OrderRequest.Symbol: a symbol contains no whitespace (\"BTC USDT\")")]
    [InlineData("BTCUSDT", TradeAction.Hold, 100, 0.5, "OrderRequest.Side: an order is a Buy or a Sell (Hold)")]
    [InlineData("BTCUSDT", (TradeAction)7, 100, 0.5, "OrderRequest.Side: is not a TradeAction (7)")]
    [InlineData("BTCUSDT", TradeAction.Sell, 0, 0.5, "OrderRequest.NotionalUsd: must be > 0 (0)")]
    [InlineData("BTCUSDT", TradeAction.Sell, -5, 0.5, "OrderRequest.NotionalUsd: must be > 0 (-5)")]
    [InlineData("BTCUSDT", TradeAction.Sell, double.PositiveInfinity, 0.5, "OrderRequest.NotionalUsd: must be a finite number (Infinity)")]
    [InlineData("BTCUSDT", TradeAction.Sell, 10, -0.01, "OrderRequest.Confidence: must be in [0, 1] (-0.01)")]
    [InlineData("BTCUSDT", TradeAction.Sell, 10, double.NaN, "OrderRequest.Confidence: must be a finite number (NaN)")]
    public void Invalid_orders_are_refused(string symbol, TradeAction side, double notional, double confidence, string message) =>
        Assert.Equal(message, Refused(() => new OrderRequest(symbol, side, notional, confidence, T0)).Message);

    [Fact]
    public void Order_symbol_must_be_one_the_market_knows()
    {
        var order = new OrderRequest("BTCUSDT", TradeAction.Buy, 100, 0.6, T0);
        Assert.Same(order, order.ForMarket(Market));

        var unknown = new OrderRequest("XYZUSDT", TradeAction.Buy, 100, 0.6, T0);
        var ex = Refused(() => unknown.ForMarket(Market));
        Assert.Equal("OrderRequest.Symbol: is not a symbol the market knows; it knows BTCUSDT, ETHUSDT (\"XYZUSDT\")", ex.Message);
        Assert.Equal(["BTCUSDT", "ETHUSDT"], Market.Symbols);
        Assert.False(Market.Contains("btcusdt"));
    }

    [Fact]
    public void A_market_must_list_a_symbol()
    {
        Assert.Equal("KnownSymbols.symbols: a market lists at least one symbol (0)", Refused(() => new KnownSymbols([])).Message);
        Assert.Throws<DomainValidationException>(() => new KnownSymbols(["BTCUSDT", " "]));
    }

    [Fact]
    public void Deserializing_an_invalid_order_is_refused_too()
    {
        var json = JsonSerializer.Serialize(new OrderRequest("BTCUSDT", TradeAction.Buy, 100, 0.6, T0)).Replace("0.6", "1.6");
        Assert.Contains("1.6", json);
        var ex = Assert.Throws<DomainValidationException>(() => JsonSerializer.Deserialize<OrderRequest>(json));
        Assert.Equal("Confidence", ex.Field);
    }

    [Fact]
    public void Emergency_events_check_their_invariants()
    {
        Assert.Equal("EmergencyTriggered.Drawdown: must be <= 0 (0.5)",
            Refused(() => new EmergencyTriggered("acct", T0, EssMode.Normal, EssMode.Emergency, 0.5, false, "dd", false)).Message);
        Assert.Equal("EmergencyTriggered.NewMode: must be stricter than OldMode CAUTIOUS (Normal)",
            Refused(() => new EmergencyTriggered("acct", T0, EssMode.Cautious, EssMode.Normal, -1, true, "dd", false)).Message);
        Assert.Equal("EmergencyTriggered.TradingEnabled: must be false exactly when the new mode is EMERGENCY (True)",
            Refused(() => new EmergencyTriggered("acct", T0, EssMode.Normal, EssMode.Emergency, -12, true, "dd", false)).Message);
        Assert.Equal("EmergencyTriggered.AccountId: must not be empty (\"\")",
            Refused(() => new EmergencyTriggered("", T0, EssMode.Normal, EssMode.Emergency, -12, false, "dd", false)).Message);
        Assert.Equal("EmergencyTriggered.Reason: must not be empty (null)",
            Refused(() => new EmergencyTriggered("acct", T0, EssMode.Normal, EssMode.Emergency, -12, false, null!, false)).Message);

        Assert.Equal("EmergencyRecovered.NewMode: must be looser than OldMode PROTECTIVE (Emergency)",
            Refused(() => new EmergencyRecovered("acct", T0, EssMode.Protective, EssMode.Emergency, -12, false, "dd", false)).Message);
        Assert.Equal("EmergencyRecovered.TradingEnabled: must be false exactly when the new mode is EMERGENCY (False)",
            Refused(() => new EmergencyRecovered("acct", T0, EssMode.Emergency, EssMode.Protective, -8, false, "dd", false)).Message);
        Assert.Equal("EmergencyRecovered.Drawdown: must be a finite number (NaN)",
            Refused(() => new EmergencyRecovered("acct", T0, EssMode.Emergency, EssMode.Protective, double.NaN, true, "dd", false)).Message);

        Assert.Equal("EssTransition.To: must differ from From (Normal)",
            Refused(() => new EssTransition(T0, EssMode.Normal, EssMode.Normal, 0, true, "x", false)).Message);
    }

    [Fact]
    public void Valid_emergency_events_round_trip_through_json()
    {
        var e = new EmergencyTriggered("acct", T0, EssMode.Cautious, EssMode.Emergency, -11.5, false, "drawdown", false);
        var json = JsonSerializer.Serialize(e);
        Assert.Contains("\"OldMode\":\"Cautious\"", json);
        Assert.Equal(e, JsonSerializer.Deserialize<EmergencyTriggered>(json));

        var r = new EmergencyRecovered("acct", T0, EssMode.Emergency, EssMode.Protective, -8, true, "recovering", false);
        Assert.Equal(r, JsonSerializer.Deserialize<EmergencyRecovered>(JsonSerializer.Serialize(r)));
    }

    [Fact]
    public void Ess_inputs_check_their_invariants()
    {
        Assert.Equal("EquityObserved.Equity: must be >= 0 (-3)", Refused(() => new EquityObserved("acct", T0, -3)).Message);
        Assert.Equal("EquityObserved.AccountId: must not be empty (\" \")", Refused(() => new EquityObserved(" ", T0, 3)).Message);
        Assert.Equal("EssManualTrigger.Reason: must not be empty (\"\")", Refused(() => new EssManualTrigger("acct", "", T0)).Message);
        Assert.Equal("EssManualReset.Reason: must not be empty (\"\")", Refused(() => new EssManualReset("acct", "", T0)).Message);
    }

    [Theory]
    [InlineData(-1, 5, 0.5, 1, 1, 1, 0.7, "RiskLimits.MaxPositionUsd: must be >= 0 (-1)")]
    [InlineData(100, -5, 0.5, 1, 1, 1, 0.7, "RiskLimits.MaxLeverage: must be >= 0 (-5)")]
    [InlineData(100, 5, 1.2, 1, 1, 1, 0.7, "RiskLimits.MinConfidence: must be in [0, 1] (1.2)")]
    [InlineData(100, 5, 0.5, -1, 1, 1, 0.7, "RiskLimits.MaxOpenPositions: must be >= 0 (-1)")]
    [InlineData(100, 5, 0.5, 1, double.NaN, 1, 0.7, "RiskLimits.MaxGrossExposureUsd: must be a finite number (NaN)")]
    [InlineData(100, 5, 0.5, 1, 1, -1, 0.7, "RiskLimits.MaxCorrelatedExposureUsd: must be >= 0 (-1)")]
    [InlineData(100, 5, 0.5, 1, 1, 1, 1.5, "RiskLimits.CorrelationThreshold: must be in [0, 1] (1.5)")]
    public void Invalid_limits_are_refused(double pos, double lev, double conf, int open, double gross, double correlated, double threshold, string message) =>
        Assert.Equal(message, Refused(() => new RiskLimits(pos, lev, conf, open, gross, correlated, threshold)).Message);

    [Fact]
    public void Invalid_regime_overlays_are_refused()
    {
        Assert.Equal("RegimePolicy.SizeMultiplier: must be in [0, 1] (1.5)", Refused(() => new RegimePolicy("HighVolatility", 0.1, 1.5, false)).Message);
        Assert.Equal("RegimePolicy.MinConfidenceRaise: must be in [0, 1] (-0.1)", Refused(() => new RegimePolicy("HighVolatility", -0.1, 1, false)).Message);
        Assert.Equal("RegimePolicy.Regime: must not be empty (\"\")", Refused(() => new RegimePolicy("", 0, 1, false)).Message);
    }

    [Fact]
    public void Invalid_ess_options_are_refused()
    {
        var sixHours = TimeSpan.FromHours(6);
        Assert.Equal("EssOptions.EmergencyThreshold: must be < 0 (1)", Refused(() => new EssOptions(1, -4, -2, 0.5, sixHours)).Message);
        Assert.Equal("EssOptions.ProtectiveThreshold: must be above EmergencyThreshold (-12)", Refused(() => new EssOptions(-10, -12, -2, 0.5, sixHours)).Message);
        Assert.Equal("EssOptions.CautiousThreshold: must be above ProtectiveThreshold (-5)", Refused(() => new EssOptions(-10, -4, -5, 0.5, sixHours)).Message);
        Assert.Equal("EssOptions.Hysteresis: must be >= 0 (-0.5)", Refused(() => new EssOptions(-10, -4, -2, -0.5, sixHours)).Message);
        Assert.Equal("EssOptions.Hysteresis: must be at most 2 points so NORMAL stays reachable (2.5)", Refused(() => new EssOptions(-10, -4, -2, 2.5, sixHours)).Message);
        Assert.Equal("EssOptions.ConfirmationPeriod: must not be negative (-01:00:00)", Refused(() => new EssOptions(-10, -4, -2, 0.5, TimeSpan.FromHours(-1))).Message);
    }

    [Fact]
    public void Invalid_exposures_and_verdicts_are_refused()
    {
        Assert.Equal("PortfolioExposure.Positions: lists a symbol more than once (\"BTCUSDT\")",
            Refused(() => new PortfolioExposure(1000, [new PositionExposure("BTCUSDT", 1), new PositionExposure("BTCUSDT", 2)])).Message);
        Assert.Equal("PortfolioExposure.EquityUsd: must be >= 0 (-1)", Refused(() => new PortfolioExposure(-1, [])).Message);
        Assert.Equal("PositionExposure.NotionalUsd: must be a finite number (NaN)", Refused(() => new PositionExposure("BTCUSDT", double.NaN)).Message);
        Assert.Equal("RiskVerdict.Reasons: a rejection gives at least one reason (0)", Refused(() => new RiskVerdict(false, 0, [])).Message);
        Assert.Equal("RiskVerdict.ApprovedNotional: is positive exactly when approved (0)", Refused(() => new RiskVerdict(true, 0, [])).Message);
    }

    [Fact]
    public void A_snapshot_with_an_impossible_state_is_refused()
    {
        var ex = Refused(() => new EssState(EssOptions.Default, EssMode.Normal, 1000, 900, -10, T0, null, manualLatch: true));
        Assert.Equal("EssState.ManualLatch: only holds in EMERGENCY (True)", ex.Message);
        Assert.Equal("EssState.LastEquity: cannot exceed PeakEquity (1200)",
            Refused(() => new EssState(EssOptions.Default, EssMode.Normal, 1000, 1200, 0, T0, null, false)).Message);
        Assert.Equal("EssState.Drawdown: must be in [-100, 0] (3)",
            Refused(() => new EssState(EssOptions.Default, EssMode.Normal, 1000, 1000, 3, T0, null, false)).Message);
        Assert.Equal("EssState.MaxDrawdown: must be in [-100, 0] (1)",
            Refused(() => new EssState(EssOptions.Default, EssMode.Normal, 1000, 1000, 0, T0, null, false, 1, T0)).Message);
        Assert.StartsWith("EssState.MaxDrawdownAt: is required with a MaxDrawdown below 0",
            Refused(() => new EssState(EssOptions.Default, EssMode.Normal, 1000, 900, -10, T0, null, false, -10)).Message);
    }
}
