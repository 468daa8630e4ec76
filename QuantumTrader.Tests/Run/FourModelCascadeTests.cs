using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Forecasting;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// The cascade of one symbol with the four real models of seed 001, each trained tiny on the first bars of the bundled BTCUSDT data:
/// every decision counts four votes weighted 0.25 / 0.25 / 0.30 / 0.20, and the forecasters take part in the decisions that trade.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FourModelCascadeTests
{
    private const int TrainBars = 600;
    private const int Bars = 1000;

    [Fact]
    public void Four_real_models_vote_with_the_seed_weights_and_the_forecasters_help_decide_trades()
    {
        var data = ReplayData.Load([RepoPaths.Of("data", "binance", "BTCUSDT-1h.csv")], DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        var bars = data.Bars.Take(Bars).ToArray();
        var closes = bars[..TrainBars].Select(b => b.Close).ToArray();
        var calculator = new FeatureCalculator("BTCUSDT");
        var set = TreeTrainingSet.FromFeatures(bars[..TrainBars].Select(calculator.Next).ToArray(), closes, ModelBootstrap.LabelHorizon);
        var trees = new TreeTrainingOptions(NumberOfTrees: 20, NumberOfLeaves: 8);
        var forecasts = new CloseTrainingOptions(Lookback: 32, Horizon: 4, Training: ForecasterTrainer.TradingTraining with { Epochs = 2 });

        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(30), _ => { });
        var predictors = new List<IDisposable>();
        try
        {
            foreach (var slot in new[] { ModelSlots.Xgb, ModelSlots.Lgbm })
            {
                var model = TreeTrainer.Train(slot, set, trees);
                var p = new OnnxTreePredictor(slot, model.Version, model.Features, model.ToOnnx());
                predictors.Add(p);
                serving.Serve(p);
            }
            var nhits = new NhitsPredictor(ForecasterTrainer.TrainOnCloses(closes, ModelSlots.Nhits, forecasts));
            var patchTst = new PatchTstPredictor(ForecasterTrainer.TrainOnCloses(closes, ModelSlots.PatchTst, forecasts));
            predictors.Add(nhits);
            predictors.Add(patchTst);
            serving.Serve(patchTst);
            serving.Serve(nhits);
            Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm, ModelSlots.Nhits, ModelSlots.PatchTst], serving.ModelIds);

            var rules = new SymbolRules();
            var sizing = new FixedFractionSizing(new FixedFractionSizer(rules.Execution));
            var state = SymbolState.Start("BTCUSDT", rules);
            var decisions = new List<TradeDecisionRecord>();
            for (var i = 0; i < bars.Length; i++)
            {
                var context = new BarContext(PortfolioView.Of(10_000), i >= TrainBars, serving.Weights, serving.PredictAll, sizing, OpenGate.Instance);
                var (observed, events) = state.Process(bars[i], i + 1, context, rules);
                state = observed.ApplyAll(events);
                foreach (var e in events)
                {
                    if (e is OrderPlaced { Order.Purpose: OrderPurpose.Open } placed) decisions.Add(placed.Order.Decision);
                    if (e is SignalRejected rejected) decisions.Add(rejected.Decision);
                }
            }

            Assert.NotEmpty(decisions);
            foreach (var d in decisions)
            {
                Assert.Equal([ModelSlots.Xgb, ModelSlots.Lgbm, ModelSlots.Nhits, ModelSlots.PatchTst], d.Ensemble.Votes.Select(v => v.ModelId));
                Assert.Equal([0.25, 0.25, 0.30, 0.20], d.Ensemble.Votes.Select(v => Math.Round(v.Weight, 12)));
            }
            Assert.True(state.TradesOpened > 0, "the four-model ensemble opened trades");
            // a decision needs 0.6 of the weight, more than the two trees hold: the forecasters carry trades
            var forecasterBacked = decisions.Count(d => d.Ensemble.Votes.Any(v => v.ModelId is ModelSlots.Nhits or ModelSlots.PatchTst && v.Action == d.Ensemble.Action));
            Assert.Equal(decisions.Count, forecasterBacked);
            Assert.All(serving.Health(), h => Assert.Equal((0L, 0L), (h.Failures, h.Timeouts)));
            Assert.All(serving.Health(), h => Assert.True(h.Calls >= Bars - TrainBars, $"{h.ModelId} answered {h.Calls} times"));
        }
        finally
        {
            foreach (var p in predictors) p.Dispose();
        }
    }
}
