using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Execution;

/// <summary>Hourly BTCUSDT bars from 2024-01-01 00:00 UTC and a full decision record built by the real cascade pieces.</summary>
internal static class BrokerTestData
{
    public const string Symbol = "BTCUSDT";
    public static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(int hour) => T0.AddHours(hour);

    public static Bar Bar(int hour, double open, double high, double low, double close) => new(Symbol, At(hour), open, high, low, close, 1000);

    /// <summary>Equity 30,000, decision close 100, ATR 2: stop 3, target 6, quantity 100 (risk 300 = 1%).</summary>
    public static BrokerState Start() => BrokerState.Start(Symbol, 30_000);

    public static TradeDecisionRecord Decision(int hour, TradeAction action, double equity = 30_000, double close = 100, double atr = 2)
    {
        var set = new FeatureSet("v1", ["ret_1", "atr_pct"]);
        var features = new FeatureVector(set, At(hour), [0.01, atr / close * 100], IsWarm: true);
        var ensemble = new EnsembleVoter().Vote(
            ModelSlots.All.Select(m => new Prediction(m, action, 0.8)).ToArray(), EnsembleWeights.Default, atr / close * 100);
        var filter = new SignalQualityFilter().Evaluate(ensemble, atr / close * 100);
        var bias = BiasGuardState.Start().Check(action).Result;
        var sizing = new FixedFractionSizer().Size(equity, close, atr);
        return TradeDecisionRecord.From(Symbol, features, ensemble, filter, bias, sizing);
    }

    public static OrderIntent Intent(int hour, TradeAction action) => new(Symbol, At(hour), action, Decision(hour, action));

    public static BrokerState Submit(this BrokerState state, OrderIntent intent) => state.Submit(intent, out _);

    public static BrokerState OnBar(this BrokerState state, Bar bar) => state.OnBar(bar, out _);
}
