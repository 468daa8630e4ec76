using System.Text.Json;
using Google.Protobuf;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Onnx;

/// <summary>Keys this project writes into an ONNX model's metadata_props (and reads back on import).</summary>
public static class OnnxMetadataKeys
{
    public const string Slot = "slot";
    public const string ModelVersion = "model_version";
    public const string FeatureSetVersion = "feature_set_version";

    /// <summary>A JSON array of feature names in input column order; a comma-separated list is also accepted on import.</summary>
    public const string FeatureNames = "feature_names";

    public const string Trainer = "trainer";
}

/// <summary>
/// Writes a <see cref="TreeEnsembleData"/> as an ONNX ai.onnx.ml TreeEnsembleClassifier: input "features" float [N, F],
/// outputs "label" int64 [N] and "probabilities" float [N, 2] (no ZipMap), class labels 0 (down) and 1 (up).
/// </summary>
public static class OnnxTreeExporter
{
    public const string InputName = "features";
    public const string LabelOutput = "label";
    public const string ProbabilitiesOutput = "probabilities";
    public const string MlDomain = "ai.onnx.ml";
    public const long IrVersion = 8;
    public const long DefaultOpset = 17;
    public const long MlOpset = 3;

    public static byte[] Export(TreeEnsembleData model, FeatureSet features, string slot, string version, string trainer) =>
        BuildModel(model, features, slot, version, trainer).ToByteArray();

    /// <summary>
    /// The Platt calibrator is folded into the trees so that ONNX's LOGISTIC post-transform, sigmoid(sum of weights + base),
    /// equals ML.NET's 1 / (1 + exp(slope * score + offset)): each leaf weight becomes -slope * leaf and the base value
    /// -offset. ML.NET sends x &lt;= threshold to the LTE child, hence BRANCH_LEQ with LTE as the true branch; a NaN
    /// (which the predictor never feeds) takes the false branch, as in ML.NET when no missing-value default is set.
    /// </summary>
    public static ModelProto BuildModel(TreeEnsembleData model, FeatureSet features, string slot, string version, string trainer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(features);
        model.Validate();
        if (features.Names.Count != model.FeatureCount)
            throw new ArgumentException($"feature set {features.Version} has {features.Names.Count} names but the trees use {model.FeatureCount} features");

        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<ByteString>();
        var values = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var missingTracksTrue = new List<long>();
        var leafTreeIds = new List<long>();
        var leafNodeIds = new List<long>();
        var leafWeights = new List<float>();
        var branch = ByteString.CopyFromUtf8("BRANCH_LEQ");
        var leafMode = ByteString.CopyFromUtf8("LEAF");
        var slope = model.Calibration.Slope;

        void AddNode(long tree, long id, ByteString mode, long feature, float threshold, long whenTrue, long whenFalse)
        {
            treeIds.Add(tree);
            nodeIds.Add(id);
            modes.Add(mode);
            featureIds.Add(feature);
            values.Add(threshold);
            trueIds.Add(whenTrue);
            falseIds.Add(whenFalse);
            missingTracksTrue.Add(0);
        }

        void AddLeaf(long tree, long id, double leafValue)
        {
            AddNode(tree, id, leafMode, 0, 0, 0, 0);
            leafTreeIds.Add(tree);
            leafNodeIds.Add(id);
            leafWeights.Add((float)(-slope * leafValue));
        }

        for (var t = 0; t < model.Trees.Count; t++)
        {
            var tree = model.Trees[t];
            if (tree.IsPlaceholder)
            {
                AddLeaf(t, 0, 0);
                continue;
            }
            var n = tree.NodeCount;
            long Id(int child) => child < 0 ? n + ~child : child;
            for (var i = 0; i < n; i++)
                AddNode(t, i, branch, tree.SplitFeatures[i], tree.Thresholds[i], Id(tree.LteChild[i]), Id(tree.GtChild[i]));
            for (var leaf = 0; leaf < tree.LeafValues.Length; leaf++)
                AddLeaf(t, n + leaf, tree.LeafValues[leaf]);
        }
        if (model.Trees.Count == 0) AddLeaf(0, 0, 0);

        var node = new NodeProto
        {
            Name = "trees",
            OpType = "TreeEnsembleClassifier",
            Domain = MlDomain,
            Input = { InputName },
            Output = { LabelOutput, ProbabilitiesOutput },
        };
        node.Attribute.Add(Ints("classlabels_int64s", [0, 1]));
        node.Attribute.Add(Ints("nodes_treeids", treeIds));
        node.Attribute.Add(Ints("nodes_nodeids", nodeIds));
        node.Attribute.Add(Ints("nodes_featureids", featureIds));
        node.Attribute.Add(Strings("nodes_modes", modes));
        node.Attribute.Add(Floats("nodes_values", values));
        node.Attribute.Add(Ints("nodes_truenodeids", trueIds));
        node.Attribute.Add(Ints("nodes_falsenodeids", falseIds));
        node.Attribute.Add(Ints("nodes_missing_value_tracks_true", missingTracksTrue));
        node.Attribute.Add(Ints("class_treeids", leafTreeIds));
        node.Attribute.Add(Ints("class_nodeids", leafNodeIds));
        // Every leaf votes for class 0: with two labels and a single class id, ONNX Runtime treats the model as binary
        // and reports [1 - sigmoid(s), sigmoid(s)].
        node.Attribute.Add(Ints("class_ids", Enumerable.Repeat(0L, leafWeights.Count)));
        node.Attribute.Add(Floats("class_weights", leafWeights));
        node.Attribute.Add(Floats("base_values", [(float)-model.Calibration.Offset]));
        node.Attribute.Add(String("post_transform", "LOGISTIC"));

        var graph = new GraphProto
        {
            Name = slot,
            Node = { node },
            Input = { TensorInfo(InputName, TensorProto.Types.DataType.Float, Dim("N"), Dim(model.FeatureCount)) },
            Output =
            {
                TensorInfo(LabelOutput, TensorProto.Types.DataType.Int64, Dim("N")),
                TensorInfo(ProbabilitiesOutput, TensorProto.Types.DataType.Float, Dim("N"), Dim(2)),
            },
        };

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "QuantumTrader",
            ProducerVersion = typeof(OnnxTreeExporter).Assembly.GetName().Version?.ToString() ?? "1.0.0",
            Graph = graph,
            DocString = $"{trainer} binary classifier for slot {slot}: P(up) is probabilities[:, 1]",
            OpsetImport =
            {
                new OperatorSetIdProto { Domain = "", Version = DefaultOpset },
                new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset },
            },
            MetadataProps =
            {
                Entry(OnnxMetadataKeys.Slot, slot),
                Entry(OnnxMetadataKeys.ModelVersion, version),
                Entry(OnnxMetadataKeys.FeatureSetVersion, features.Version),
                Entry(OnnxMetadataKeys.FeatureNames, JsonSerializer.Serialize(features.Names)),
                Entry(OnnxMetadataKeys.Trainer, trainer),
            },
        };
        return proto;
    }

    public static ValueInfoProto TensorInfo(string name, TensorProto.Types.DataType type, params TensorShapeProto.Types.Dimension[] dims) =>
        new()
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto { Dim = { dims } } } },
        };

    public static TensorShapeProto.Types.Dimension Dim(long size) => new() { DimValue = size };

    public static TensorShapeProto.Types.Dimension Dim(string symbol) => new() { DimParam = symbol };

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };

    private static AttributeProto Ints(string name, IEnumerable<long> values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static AttributeProto Floats(string name, IEnumerable<float> values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Floats, Floats = { values } };

    private static AttributeProto Strings(string name, IEnumerable<ByteString> values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Strings, Strings = { values } };

    private static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
