using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Ensemble;

public class OnnxModelImporterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ModelProto Hand() => ModelProto.Parser.ParseFrom(TreeTestData.HandOnnx());

    private string Write(ModelProto model, string name = "model.onnx") => Write(model.ToByteArray(), name);

    private string Write(byte[] bytes, string name = "model.onnx")
    {
        var path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ModelArtifactException Refused(string path, FeatureSet? set = null) =>
        Assert.Throws<ModelArtifactException>(() => OnnxModelImporter.Validate(path, set ?? TreeTestData.HandSet, ModelSlots.Lgbm));

    /// <summary>What onnxmltools / skl2onnx emit: input "float_input", a ZipMap over the probabilities, no feature metadata.</summary>
    private static ModelProto PythonStyle(Action<AttributeProto>? labels = null)
    {
        var model = Hand();
        model.MetadataProps.Clear();
        model.ProducerName = "skl2onnx";
        model.ProducerVersion = "1.17.0";
        var graph = model.Graph;
        graph.Input[0].Name = "float_input";
        graph.Node[0].Input[0] = "float_input";
        var classes = new AttributeProto { Name = "classlabels_int64s", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 1 } };
        labels?.Invoke(classes);
        graph.Node.Add(new NodeProto
        {
            OpType = "ZipMap",
            Domain = "ai.onnx.ml",
            Name = "zipmap",
            Input = { "probabilities" },
            Output = { "output_probability" },
            Attribute = { classes },
        });
        graph.Output.RemoveAt(1);
        var valueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } };
        var keyType = classes.Strings.Count > 0 ? TensorProto.Types.DataType.String : TensorProto.Types.DataType.Int64;
        graph.Output.Add(new ValueInfoProto
        {
            Name = "output_probability",
            Type = new TypeProto
            {
                SequenceType = new TypeProto.Types.Sequence
                {
                    ElemType = new TypeProto { MapType = new TypeProto.Types.Map { KeyType = (int)keyType, ValueType = valueType } },
                },
            },
        });
        return model;
    }

    [Fact]
    public void Accepts_an_exported_model_and_reads_its_contract()
    {
        var info = OnnxModelImporter.Validate(Write(Hand()), TreeTestData.HandSet, ModelSlots.Lgbm);

        Assert.Equal("features", info.InputName);
        Assert.Equal("probabilities", info.ProbabilitiesOutput);
        Assert.False(info.StripsZipMap);
        Assert.Equal("lgbm-20240101000000-0badcafe", info.Version);
        Assert.Equal("hand-v1", info.Metadata["feature_set_version"]);
        using var predictor = OnnxModelImporter.CreatePredictor(info);
        Assert.Equal(0.9966651926925867, predictor.ProbabilityUp([3f, 0f]), 1e-6);
    }

    [Fact]
    public void Accepts_any_single_input_name_and_strips_a_ZipMap()
    {
        var path = Write(PythonStyle());
        using (var raw = new InferenceSession(path))
            Assert.Equal(OnnxValueType.ONNX_TYPE_SEQUENCE, raw.OutputMetadata["output_probability"].OnnxValueType);

        var info = OnnxModelImporter.Validate(path, TreeTestData.HandSet, ModelSlots.Xgb);

        Assert.Equal("float_input", info.InputName);
        Assert.Equal("probabilities", info.ProbabilitiesOutput);
        Assert.True(info.StripsZipMap);
        Assert.Equal("skl2onnx 1.17.0", info.Producer);
        Assert.Matches("^xgb-onnx-[0-9a-f]{8}$", info.Version);
        using var predictor = OnnxModelImporter.CreatePredictor(info);
        Assert.Equal(0.2141650169574414, predictor.ProbabilityUp([0.5f, -1f]), 1e-6);
    }

    [Fact]
    public void Model_info_round_trips_through_json()
    {
        var info = OnnxModelImporter.Validate(Write(PythonStyle()), TreeTestData.HandSet, ModelSlots.Xgb);
        var back = JsonSerializer.Deserialize<OnnxModelInfo>(JsonSerializer.Serialize(info))!;

        Assert.Equal(info with { Features = back.Features, Metadata = back.Metadata }, back);
        Assert.Equal(info.Features.Names, back.Features.Names);
        Assert.Equal(info.Metadata, back.Metadata);
    }

    [Fact]
    public void Refuses_random_bytes()
    {
        var bytes = new byte[512];
        new Random(3).NextBytes(bytes);
        var e = Refused(Write(bytes));
        Assert.StartsWith("not a valid ONNX model", e.Reason);
        Assert.EndsWith("model.onnx", e.FilePath);
    }

    [Fact]
    public void Refuses_a_truncated_file()
    {
        var bytes = TreeTestData.HandOnnx();
        Assert.StartsWith("not a valid ONNX model", Refused(Write(bytes[..(bytes.Length / 2)])).Reason);
    }

    [Fact]
    public void Refuses_a_missing_file()
    {
        Assert.StartsWith("cannot read the model file", Refused(_folder.File("absent.onnx")).Reason);
    }

    [Theory]
    [InlineData(TensorProto.Types.DataType.Double, "'features' double [N, 2]")]
    [InlineData(TensorProto.Types.DataType.Int64, "'features' int64 [N, 2]")]
    public void Refuses_an_input_that_is_not_float(TensorProto.Types.DataType type, string found)
    {
        var model = Hand();
        model.Graph.Input[0].Type.TensorType.ElemType = (int)type;
        var e = Refused(Write(model));
        Assert.Contains("a float tensor [N, 2] (feature set hand-v1 of slot lgbm)", e.Reason);
        Assert.Contains(found, e.Reason);
    }

    [Fact]
    public void Refuses_a_model_for_another_feature_count()
    {
        var three = new FeatureSet("hand-v1", ["a", "b", "c"]);
        var e = Refused(Write(Hand()), three);
        Assert.Contains("[N, 3]", e.Reason);
        Assert.Contains("found 'features' float [N, 2]", e.Reason);
    }

    [Fact]
    public void Refuses_two_inputs()
    {
        var model = Hand();
        model.Graph.Input.Add(OnnxTreeExporter.TensorInfo("extra", TensorProto.Types.DataType.Float, OnnxTreeExporter.Dim("N"), OnnxTreeExporter.Dim(2)));
        var e = Refused(Write(model));
        Assert.Contains("exactly one input", e.Reason);
        Assert.Contains("'extra' float [N, 2]", e.Reason);
    }

    [Fact]
    public void Refuses_a_model_without_a_probabilities_output()
    {
        var model = Hand();
        model.Graph.Output.RemoveAt(1);
        var e = Refused(Write(model));
        Assert.Contains("expected one probabilities output", e.Reason);
        Assert.Contains("outputs are 'label' int64 [N]", e.Reason);
    }

    [Fact]
    public void Refuses_probabilities_of_three_classes()
    {
        var model = Hand();
        model.Graph.Output[1].Type.TensorType.Shape.Dim[1].DimValue = 3;
        Assert.Contains("found 'probabilities' float [N, 3]", Refused(Write(model)).Reason);
    }

    [Fact]
    public void Refuses_a_ZipMap_over_string_classes()
    {
        var model = PythonStyle(classes =>
        {
            classes.Name = "classlabels_strings";
            classes.Type = AttributeProto.Types.AttributeType.Strings;
            classes.Ints.Clear();
            classes.Strings.Add(ByteString.CopyFromUtf8("down"));
            classes.Strings.Add(ByteString.CopyFromUtf8("up"));
        });
        Assert.Contains("string class labels [down, up]", Refused(Write(model)).Reason);
    }

    [Fact]
    public void Refuses_metadata_naming_other_features()
    {
        var model = Hand();
        model.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.FeatureNames).Value = "[\"a\",\"c\"]";
        var e = Refused(Write(model));
        Assert.Contains("column 1 is 'c', expected 'b'", e.Reason);
    }

    [Fact]
    public void Refuses_metadata_of_another_feature_set_version()
    {
        var model = Hand();
        model.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.FeatureSetVersion).Value = "hand-v0";
        Assert.Contains("'hand-v0' but slot lgbm uses feature set 'hand-v1'", Refused(Write(model)).Reason);
    }

    [Fact]
    public void Accepts_a_comma_separated_feature_list_that_matches()
    {
        var model = PythonStyle();
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxMetadataKeys.FeatureNames, Value = "a, b" });
        Assert.Equal("float_input", OnnxModelImporter.Validate(Write(model), TreeTestData.HandSet, ModelSlots.Lgbm).InputName);
    }

    [Fact]
    public void Refuses_to_serve_a_file_changed_after_validation()
    {
        var path = Write(Hand());
        var info = OnnxModelImporter.Validate(path, TreeTestData.HandSet, ModelSlots.Lgbm);
        File.WriteAllBytes(path, TreeTestData.HandOnnx(TreeTestData.StumpModel()));
        Assert.Contains("changed since it was validated", Assert.Throws<ModelArtifactException>(() => OnnxModelImporter.CreatePredictor(info)).Reason);
    }

    [Fact]
    public void A_registered_import_opens_like_a_trained_model()
    {
        var store = Path.Combine(_folder.Path, "store");
        var artifact = OnnxModelImporter.Register(Write(PythonStyle()), TreeTestData.HandSet, ModelSlots.Xgb, store);

        Assert.Equal("imported: skl2onnx 1.17.0", artifact.Trainer);
        Assert.Null(artifact.Metrics);
        using var predictor = OnnxTreePredictor.Open(Path.Combine(store, artifact.Version + ".json"));
        Assert.Equal(artifact.Version, predictor.Version);
        Assert.Equal(ModelSlots.Xgb, predictor.ModelId);
        Assert.Equal(0.9608342772032357, predictor.ProbabilityUp([2.5f, -5f]), 1e-6);
    }
}
