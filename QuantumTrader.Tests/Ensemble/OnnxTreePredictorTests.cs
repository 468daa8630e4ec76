using Google.Protobuf;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Ensemble;

public class OnnxTreePredictorTests
{
    private static OnnxTreePredictor Stumps(double buyThreshold = 0.55) =>
        new(ModelSlots.Xgb, "xgb-1", TreeTestData.HandSet, TreeTestData.HandOnnx(TreeTestData.StumpModel()), buyThreshold: buyThreshold);

    private static ModelInput Input(FeatureVector row) => new("BTCUSDT", row, [100, 101]);

    [Theory]
    [InlineData(0.55, TradeAction.Buy)]
    [InlineData(0.5499, TradeAction.Hold)]
    [InlineData(0.5, TradeAction.Hold)]
    [InlineData(0.4501, TradeAction.Hold)]
    [InlineData(0.45, TradeAction.Sell)]
    [InlineData(0.97, TradeAction.Buy)]
    [InlineData(0.0, TradeAction.Sell)]
    public void Probability_maps_to_an_action_at_the_default_threshold(double p, TradeAction expected) =>
        Assert.Equal(expected, OnnxTreePredictor.ActionFor(p, OnnxTreePredictor.DefaultBuyThreshold));

    [Fact]
    public void A_stricter_threshold_widens_the_hold_band()
    {
        Assert.Equal(TradeAction.Hold, OnnxTreePredictor.ActionFor(0.58, 0.6));
        Assert.Equal(TradeAction.Buy, OnnxTreePredictor.ActionFor(0.6, 0.6));
        Assert.Equal(TradeAction.Sell, OnnxTreePredictor.ActionFor(0.4, 0.6));
        Assert.Equal(TradeAction.Hold, OnnxTreePredictor.ActionFor(0.41, 0.6));
    }

    // Stumps: s = (a <= 0 ? -2 : 0.05) + (b <= 0 ? 0 : 2), p = sigmoid(s).
    [Theory]
    [InlineData(1.0, 1.0, TradeAction.Buy, 0.8859476187202091)] // s = 2.05
    [InlineData(-1.0, 0.0, TradeAction.Sell, 0.8807970779778824)] // s = -2, p = 0.1192, confidence 1 - p
    [InlineData(1.0, 0.0, TradeAction.Hold, 0.5124973964842103)] // s = 0.05
    [InlineData(-1.0, 1.0, TradeAction.Hold, 0.5)] // s = 0
    public void Predict_returns_the_action_and_the_larger_class_probability(double a, double b, TradeAction action, double confidence)
    {
        using var predictor = Stumps();
        var prediction = predictor.Predict(Input(TreeTestData.HandRow(a, b)));

        Assert.Equal(ModelSlots.Xgb, prediction.ModelId);
        Assert.Equal(action, prediction.Action);
        Assert.Equal(confidence, prediction.Confidence, 1e-6);
    }

    [Fact]
    public void A_row_that_is_not_warm_holds_with_zero_confidence()
    {
        using var predictor = Stumps();
        Assert.Equal(new Prediction(ModelSlots.Xgb, TradeAction.Hold, 0), predictor.Predict(Input(TreeTestData.HandRow(1, 1, warm: false))));
    }

    [Fact]
    public void Refuses_rows_of_another_feature_set_non_finite_values_and_wrong_widths()
    {
        using var predictor = Stumps();
        var other = new FeatureVector(new FeatureSet("hand-v2", ["a", "b"]), DateTimeOffset.UnixEpoch, [1, 1], true);
        Assert.Contains("hand-v2", Assert.Throws<ArgumentException>(() => predictor.Predict(Input(other))).Message);
        Assert.Contains("'b'", Assert.Throws<ArgumentException>(() => predictor.Predict(Input(TreeTestData.HandRow(1, double.PositiveInfinity)))).Message);
        Assert.Contains("takes 2 features, got 3", Assert.Throws<ArgumentException>(() => predictor.ProbabilityUp([1f, 2f, 3f])).Message);
    }

    private static readonly ModelInput[] Batch =
    [
        Input(TreeTestData.HandRow(1, 1)), Input(TreeTestData.HandRow(-1, 0)), Input(TreeTestData.HandRow(1, 1, warm: false)),
        Input(TreeTestData.HandRow(1, 0)), Input(TreeTestData.HandRow(-1, 1)),
    ];

    [Fact]
    public void A_batch_scores_every_row_as_one_row_at_a_time_does()
    {
        using var predictor = Stumps();
        var batch = predictor.PredictBatch(Batch);
        Assert.Equal(Batch.Length, batch.Count);
        for (var i = 0; i < Batch.Length; i++)
        {
            var one = predictor.Predict(Batch[i]);
            Assert.Equal(one.Action, batch[i].Action);
            Assert.Equal(one.Confidence, batch[i].Confidence, 1e-6);
        }
        Assert.Equal(new Prediction(ModelSlots.Xgb, TradeAction.Hold, 0), batch[2]);
        Assert.Equal([TradeAction.Buy, TradeAction.Sell, TradeAction.Hold, TradeAction.Hold, TradeAction.Hold], batch.Select(p => p.Action));
    }

    [Fact]
    public void A_model_whose_batch_dimension_is_fixed_at_one_scores_a_batch_row_by_row()
    {
        var model = ModelProto.Parser.ParseFrom(TreeTestData.HandOnnx(TreeTestData.StumpModel()));
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0] = OnnxTreeExporter.Dim(1);
        using var fixedBatch = new OnnxTreePredictor(ModelSlots.Xgb, "xgb-1", TreeTestData.HandSet, model.ToByteArray());
        using var free = Stumps();
        Assert.Equal(free.PredictBatch(Batch).Select(p => p.Action), fixedBatch.PredictBatch(Batch).Select(p => p.Action));
    }

    [Fact]
    public void A_batch_with_a_bad_row_is_refused_naming_the_row()
    {
        using var predictor = Stumps();
        var ex = Assert.Throws<ArgumentException>(() => predictor.PredictBatch([Batch[0], Input(TreeTestData.HandRow(1, double.NaN))]));
        Assert.Contains("'b'", ex.Message);
    }

    [Fact]
    public void Thresholds_that_let_buy_and_sell_overlap_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Stumps(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Stumps(1.2));
    }

    [Fact]
    public void A_disposed_predictor_refuses_to_score()
    {
        var predictor = Stumps();
        predictor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => predictor.ProbabilityUp([1f, 1f]));
    }
}
