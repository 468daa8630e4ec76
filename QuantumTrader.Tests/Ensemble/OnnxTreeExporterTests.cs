using System.Text.Json;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Ensemble.Trees;

namespace QuantumTrader.Tests.Ensemble;

public class OnnxTreeExporterTests
{
    // p = 1 / (1 + exp(-2 s + 0.3)), s = tree0 + tree1 (see TreeTestData.HandModel).
    [Theory]
    [InlineData(0.5, -1.0, 0.2141650169574414)] // both thresholds hit exactly: x <= t goes left, s = -1 + 0.5
    [InlineData(3.0, 0.0, 0.9966651926925867)] // s = 2 + 1
    [InlineData(2.5, -5.0, 0.9608342772032357)] // s = 2 - 0.25
    public void Exported_hand_model_gives_the_hand_computed_probability(double a, double b, double expected)
    {
        using var predictor = new OnnxTreePredictor(ModelSlots.Lgbm, "v", TreeTestData.HandSet, TreeTestData.HandOnnx());
        float[] row = [(float)a, (float)b];

        Assert.Equal(expected, predictor.ProbabilityUp(row), 1e-6);
        Assert.Equal(expected, TreeTestData.HandModel().ProbabilityUp(row), 1e-12);
    }

    [Fact]
    public void Value_just_above_a_threshold_takes_the_greater_branch()
    {
        using var predictor = new OnnxTreePredictor(ModelSlots.Lgbm, "v", TreeTestData.HandSet, TreeTestData.HandOnnx());
        var above = MathF.BitIncrement(0.5f);
        // s = 2 + 0.5 (b = -1 still goes left in tree 1, a <= 2 there)
        Assert.Equal(1 / (1 + Math.Exp(-2 * 2.5 + 0.3)), predictor.ProbabilityUp([above, -1f]), 1e-6);
    }

    [Fact]
    public void A_placeholder_tree_adds_nothing()
    {
        var hand = TreeTestData.HandModel();
        var withPlaceholder = hand with
        {
            Trees = [.. hand.Trees, new RegressionTreeData([0], [0f], [0], [0], [0.0, 0.0])],
        };
        using var predictor = new OnnxTreePredictor(ModelSlots.Lgbm, "v", TreeTestData.HandSet, TreeTestData.HandOnnx(withPlaceholder));
        Assert.Equal(0.9966651926925867, predictor.ProbabilityUp([3f, 0f]), 1e-6);
    }

    [Fact]
    public void Graph_declares_the_classifier_contract_and_metadata()
    {
        var model = ModelProto.Parser.ParseFrom(TreeTestData.HandOnnx());

        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == 3);
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == 17);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("features", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(2, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(["label", "probabilities"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal((int)TensorProto.Types.DataType.Int64, model.Graph.Output[0].Type.TensorType.ElemType);
        var node = Assert.Single(model.Graph.Node);
        Assert.Equal("TreeEnsembleClassifier", node.OpType);
        Assert.Equal([0L, 1L], node.Attribute.Single(a => a.Name == "classlabels_int64s").Ints);
        Assert.Equal(-0.3f, node.Attribute.Single(a => a.Name == "base_values").Floats.Single());
        // Leaf weights are -slope * leaf value: 2 * (-1, 2, 0.5, -0.25, 1).
        Assert.Equal([-2f, 4f, 1f, -0.5f, 2f], node.Attribute.Single(a => a.Name == "class_weights").Floats);

        var meta = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("lgbm", meta["slot"]);
        Assert.Equal("lgbm-20240101000000-0badcafe", meta["model_version"]);
        Assert.Equal("hand-v1", meta["feature_set_version"]);
        Assert.Equal(["a", "b"], JsonSerializer.Deserialize<string[]>(meta["feature_names"])!);
    }

    [Fact]
    public void Refuses_a_tree_whose_children_loop_or_a_feature_set_of_another_width()
    {
        var looping = TreeTestData.HandModel() with
        {
            Trees = [new RegressionTreeData([0, 1], [0f, 0f], [1, ~0], [~1, 0], [1, 2, 3])],
        };
        Assert.Contains("tree 0", Assert.Throws<ArgumentException>(() => TreeTestData.HandOnnx(looping)).Message);

        var wide = new Models.Features.FeatureSet("hand-v1", ["a", "b", "c"]);
        Assert.Contains("3 names", Assert.Throws<ArgumentException>(() =>
            OnnxTreeExporter.Export(TreeTestData.HandModel(), wide, ModelSlots.Lgbm, "v", "hand")).Message);
    }
}
