using Google.Protobuf;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>ONNX classifiers over feature set fs-1, as a team would export them from Python.</summary>
internal static class Fs1Onnx
{
    /// <summary>P(up) = sigmoid(ret_1 &lt;= 0 ? -1 : 2) ... a one-split stump on the first fs-1 feature.</summary>
    public static ModelProto Stump(string slot, string version, FeatureSet? set = null)
    {
        set ??= FeatureCalculator.Set;
        var trees = new TreeEnsembleData([new RegressionTreeData([0], [0f], [~0], [~1], [-1.0, 2.0])], new PlattCalibration(-1, 0), set.Names.Count);
        return OnnxTreeExporter.BuildModel(trees, set, slot, version, "hand");
    }

    public static string Write(string directory, string name, ModelProto model) => Write(directory, name, model.ToByteArray());

    public static string Write(string directory, string name, byte[] bytes)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

/// <summary>
/// <c>models import</c>: a good file is registered into the slot and chosen to serve it; every refused file
/// exits with code 2 and leaves the slot exactly as it was, so the version that served keeps serving.
/// </summary>
public sealed class ModelImportCommandTests
{
    private const string Serving = "xgb-20240301000000-aaaa0001";

    private static Task<int> Import(string slot, string file, string state) =>
        QtCli.RunAsync(["models", "import", "--slot", slot, "--file", file, "--state", state]);

    /// <summary>Every file of the state's model folders with its bytes.</summary>
    private static Dictionary<string, string> Snapshot(string state) =>
        Directory.GetFiles(Path.Combine(state, "models"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(state, f), f => Convert.ToHexString(File.ReadAllBytes(f)));

    public static TheoryData<string, string> BadFiles => new()
    {
        { "corrupt", "not a valid ONNX model" },
        { "double-input", "input must be a float tensor [N, " },
        { "one-feature-short", "input must be a float tensor [N, " },
        { "no-probabilities", "expected one probabilities output" },
    };

    private static byte[] Bad(string kind)
    {
        var good = Fs1Onnx.Stump(ModelSlots.Xgb, "xgb-20240301000000-bbbb0002");
        switch (kind)
        {
            case "corrupt":
                var bytes = good.ToByteArray();
                return bytes[..(bytes.Length / 2)];
            case "double-input":
                good.Graph.Input[0].Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Double;
                return good.ToByteArray();
            case "one-feature-short":
                var names = FeatureCalculator.Set.Names;
                return Fs1Onnx.Stump(ModelSlots.Xgb, "xgb-20240301000000-bbbb0002", new FeatureSet(FeatureCalculator.Version, names.Take(names.Count - 1).ToArray())).ToByteArray();
            case "no-probabilities":
                good.Graph.Output.Remove(good.Graph.Output.Single(o => o.Name == OnnxTreeExporter.ProbabilitiesOutput));
                return good.ToByteArray();
            default:
                throw new ArgumentException(kind);
        }
    }

    [Fact]
    public async Task A_good_file_is_registered_and_chosen_to_serve_the_slot()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        var file = Fs1Onnx.Write(dir.Path, "model.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, Serving));

        Assert.Equal(0, await Import("xgb", file, state));

        var slotDir = Path.Combine(state, "models", "xgb");
        Assert.Equal(Serving, ImportedServing.Read(slotDir));
        var artifact = TreeModelArtifact.Load(Path.Combine(slotDir, Serving + ".json"));
        Assert.Equal(("xgb", FeatureCalculator.Version, 0), (artifact.Slot, artifact.Features.Version, artifact.TrainingRows));
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(slotDir, Serving + ".onnx")));
        using var predictor = OnnxTreePredictor.Open(Path.Combine(slotDir, Serving + ".json"));
        // sigmoid(2) for a positive first feature, sigmoid(-1) otherwise
        var row = new float[FeatureCalculator.Set.Names.Count];
        row[0] = 0.01f;
        Assert.Equal(1 / (1 + Math.Exp(-2)), predictor.ProbabilityUp(row), 6);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_refused_file_exits_2_and_leaves_the_serving_model_in_place(string kind, string reason)
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        Assert.Equal(0, await Import("xgb", Fs1Onnx.Write(dir.Path, "good.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, Serving)), state));
        var before = Snapshot(state);
        var bad = Fs1Onnx.Write(dir.Path, kind + ".onnx", Bad(kind));

        Assert.Equal(2, await Import("xgb", bad, state));

        Assert.Equal(before, Snapshot(state));
        Assert.Equal(Serving, ImportedServing.Read(Path.Combine(state, "models", "xgb")));
        var result = ModelImportCommand.Import("xgb", bad, state);
        Assert.Null(result.Artifact);
        Assert.StartsWith(bad + ": ", result.Refusal);
        Assert.Contains(reason, result.Refusal);
        Assert.Equal($"{Serving} (imported)", result.ServingBefore);
        Assert.Equal(before, Snapshot(state));
    }

    [Fact]
    public async Task A_file_reusing_a_stored_version_with_other_content_is_refused()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        Assert.Equal(0, await Import("xgb", Fs1Onnx.Write(dir.Path, "a.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, Serving)), state));
        var before = Snapshot(state);
        var other = Fs1Onnx.Stump(ModelSlots.Xgb, Serving);
        other.ProducerName = "someone else";

        var result = ModelImportCommand.Import("xgb", Fs1Onnx.Write(dir.Path, "b.onnx", other), state);

        Assert.Contains($"version {Serving} (from its model_version metadata) already exists", result.Refusal);
        Assert.Equal(before, Snapshot(state));
    }

    [Fact]
    public async Task A_second_import_takes_over_the_slot_and_the_first_stays_on_disk()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        Assert.Equal(0, await Import("lgbm", Fs1Onnx.Write(dir.Path, "a.onnx", Fs1Onnx.Stump(ModelSlots.Lgbm, "lgbm-one")), state));
        Assert.Equal(0, await Import("lgbm", Fs1Onnx.Write(dir.Path, "b.onnx", Fs1Onnx.Stump(ModelSlots.Lgbm, "lgbm-two")), state));

        var slotDir = Path.Combine(state, "models", "lgbm");
        Assert.Equal("lgbm-two", ImportedServing.Read(slotDir));
        Assert.True(File.Exists(Path.Combine(slotDir, "lgbm-one.onnx")));
    }

    [Theory]
    [InlineData("nhits")]
    [InlineData("svm")]
    public async Task Only_the_tree_slots_take_imports(string slot)
    {
        using var dir = new TempDir();
        var file = Fs1Onnx.Write(dir.Path, "a.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, Serving));
        Assert.Equal(2, await Import(slot, file, dir.File("state")));
        Assert.False(Directory.Exists(dir.File("state")));
        var ex = Assert.Throws<UsageException>(() => ModelImportCommand.Import(slot, file, dir.File("state")));
        Assert.Contains("--slot must be one of xgb, lgbm", ex.Message);
    }
}
