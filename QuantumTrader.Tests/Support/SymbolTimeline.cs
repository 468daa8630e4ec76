using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// A short history of one symbol through the pure cascade: a weak signal the filter refuses, a strong one that opens
/// a long, and a crash bar that stops it out; used wherever a test needs real events. Sized by the fixed-fraction
/// sizer unless another policy is given.
/// </summary>
public static class SymbolTimeline
{
    public static (SymbolState State, List<SymbolEvent> Events) Run(ISizingPolicy? sizing = null)
    {
        var bars = SyntheticBars.Make("TEST", 60);
        var weakAt = bars[38].Time;
        var buyAt = bars[40].Time;
        IReadOnlyList<Prediction> Predict(ModelInput input) =>
        [
            new(ModelSlots.Xgb, input.Features.Time == buyAt || input.Features.Time == weakAt ? TradeAction.Buy : TradeAction.Hold, input.Features.Time == weakAt ? 0.3 : 0.9),
            new(ModelSlots.Lgbm, input.Features.Time == buyAt || input.Features.Time == weakAt ? TradeAction.Buy : TradeAction.Hold, input.Features.Time == weakAt ? 0.3 : 0.9),
        ];
        var rules = new SymbolRules();
        var context = new BarContext(PortfolioView.Of(10_000), true, EnsembleWeights.Default, Predict,
            sizing ?? new FixedFractionSizing(new FixedFractionSizer(rules.Execution)), OpenGate.Instance);
        var state = SymbolState.Start("TEST", rules);
        var events = new List<SymbolEvent>();
        for (var i = 0; i < 50; i++)
        {
            var bar = i == 42 ? SyntheticBars.Crash(bars[i]) : bars[i];
            var (observed, produced) = state.Process(bar, i + 1, context, rules);
            state = observed.ApplyAll(produced);
            events.AddRange(produced);
        }
        return (state, events);
    }
}
