using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using QuantumTrader.Models.Ensemble.Onnx.Proto;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Onnx;

/// <summary>
/// What a checked ONNX classifier file offers a slot: its single float input, the output holding P(down), P(up),
/// whether a ZipMap had to be stripped to get that tensor, and the file's metadata. Plain data (JSON round-trips).
/// </summary>
public sealed record OnnxModelInfo(
    string Path,
    string Slot,
    FeatureSet Features,
    string Version,
    string Sha256,
    string InputName,
    string ProbabilitiesOutput,
    bool StripsZipMap,
    string Producer,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Admits any binary ONNX classifier into a slot: models written by <see cref="OnnxTreeExporter"/> and models exported
/// elsewhere (onnxmltools / skl2onnx XGBoost or LightGBM, whose input is often "input" or "float_input" and whose
/// probabilities may come as a ZipMap sequence of maps). Any single input name is accepted and recorded.
/// Every refusal is a <see cref="ModelArtifactException"/> naming the file, the expectation and what was found.
/// </summary>
public static class OnnxModelImporter
{
    public static OnnxModelInfo Validate(string path, FeatureSet expected, string slot)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (!ModelSlots.All.Contains(slot))
            throw new ArgumentException($"unknown slot '{slot}'; slots are {string.Join(", ", ModelSlots.All)}", nameof(slot));
        var bytes = ReadModelFile(path);
        var model = Parse(path, bytes);
        var graph = model.Graph;
        var width = expected.Names.Count;
        var wanted = $"a float tensor [N, {width}] (feature set {expected.Version} of slot {slot})";

        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw Refuse(path, $"expected exactly one input, {wanted}; found {inputs.Count}: {DescribeAll(inputs)}");
        var input = inputs[0];
        var inputTensor = input.Type?.TensorType;
        if (inputTensor is null || inputTensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw Refuse(path, $"input must be {wanted}; found {Describe(input)}");
        var dims = inputTensor.Shape?.Dim;
        if (dims is null || dims.Count != 2)
            throw Refuse(path, $"input must be {wanted} (rank 2); found {Describe(input)}");
        if (dims[1].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[1].DimValue != width)
            throw Refuse(path, $"input must be {wanted}; found {Describe(input)}");
        if (dims[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[0].DimValue != 1)
            throw Refuse(path, $"input must be {wanted} with a free or unit batch dimension; found {Describe(input)}");

        var (probabilities, zipMap) = FindProbabilities(path, graph);
        var metadata = new Dictionary<string, string>();
        foreach (var entry in model.MetadataProps) metadata[entry.Key] = entry.Value;
        CheckFeatureMetadata(path, metadata, expected, slot);

        var sha = TreeModelArtifact.Sha256Of(bytes);
        var version = metadata.TryGetValue(OnnxMetadataKeys.ModelVersion, out var v) && TreeModelArtifact.IsSafeVersion(v)
            ? v
            : $"{slot}-onnx-{sha[..8]}";
        var producer = string.IsNullOrEmpty(model.ProducerVersion) ? model.ProducerName : $"{model.ProducerName} {model.ProducerVersion}";
        var info = new OnnxModelInfo(
            System.IO.Path.GetFullPath(path), slot, expected, version, sha, input.Name, probabilities, zipMap is not null, producer, metadata);

        using var predictor = Serve(info, bytes, model, OnnxTreePredictor.DefaultBuyThreshold);
        TrialRun(path, predictor, probabilities, width);
        return info;
    }

    /// <summary>Serves a validated model; the file must still be the one that was validated (same SHA-256).</summary>
    public static OnnxTreePredictor CreatePredictor(OnnxModelInfo info, double buyThreshold = OnnxTreePredictor.DefaultBuyThreshold)
    {
        ArgumentNullException.ThrowIfNull(info);
        var bytes = ReadModelFile(info.Path);
        if (TreeModelArtifact.Sha256Of(bytes) != info.Sha256)
            throw Refuse(info.Path, $"the file changed since it was validated (SHA-256 {info.Sha256[..8]}... expected)");
        return Serve(info, bytes, info.StripsZipMap ? Parse(info.Path, bytes) : null, buyThreshold);
    }

    /// <summary>
    /// Validates a model file for a slot and stores a copy as &lt;version&gt;.onnx with its sidecar in the directory,
    /// so it loads like a model trained here (<see cref="OnnxTreePredictor.Open"/>).
    /// </summary>
    public static TreeModelArtifact Register(string path, FeatureSet expected, string slot, string directory)
    {
        var info = Validate(path, expected, slot);
        var bytes = ReadModelFile(path);
        if (TreeModelArtifact.Sha256Of(bytes) != info.Sha256)
            throw Refuse(path, "the file changed while it was being registered");
        var artifact = new TreeModelArtifact(
            slot, info.Version, $"imported: {(info.Producer.Length == 0 ? "unknown producer" : info.Producer)}", expected,
            null, null, 0, null, TreeModelArtifact.OnnxFileName(info.Version), info.Sha256);
        artifact.Save(directory, bytes);
        return artifact;
    }

    private static OnnxTreePredictor Serve(OnnxModelInfo info, byte[] bytes, ModelProto? parsed, double buyThreshold)
    {
        var serving = info.StripsZipMap ? StripZipMap(parsed!, info.ProbabilitiesOutput).ToByteArray() : bytes;
        try
        {
            return new OnnxTreePredictor(info.Slot, info.Version, info.Features, serving, info.InputName, info.ProbabilitiesOutput, buyThreshold);
        }
        catch (OnnxRuntimeException e)
        {
            throw Refuse(info.Path, $"not a valid ONNX model: ONNX Runtime cannot load it: {e.Message}", e);
        }
    }

    private static void TrialRun(string path, OnnxTreePredictor predictor, string output, int width)
    {
        double p;
        try
        {
            p = predictor.ProbabilityUp(new float[width]);
        }
        catch (OnnxRuntimeException e)
        {
            throw Refuse(path, $"probabilities output '{output}' must give 2 classes ([1, 2] for one row); running one row failed: {e.Message}", e);
        }
        if (!(p >= 0 && p <= 1))
            throw Refuse(path, $"probabilities output '{output}' gave P(up) = {p} for an all-zero row, which is not a probability");
    }

    private static byte[] ReadModelFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Refuse(path, $"cannot read the model file: {e.Message}", e);
        }
    }

    private static ModelProto Parse(string path, byte[] bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Refuse(path, $"not a valid ONNX model: {e.Message}", e);
        }
        if (model.IrVersion <= 0) throw Refuse(path, "not a valid ONNX model: ir_version is missing");
        if (model.Graph is null || model.Graph.Node.Count == 0) throw Refuse(path, "not a valid ONNX model: it has no graph nodes");
        if (model.OpsetImport.Count == 0) throw Refuse(path, "not a valid ONNX model: opset_import is empty");
        return model;
    }

    /// <summary>
    /// The probabilities are a float tensor of rank 2 or a ZipMap's sequence of maps; with several candidates the one
    /// whose name mentions "prob" wins (onnxmltools: "probabilities", skl2onnx: "output_probability").
    /// </summary>
    private static (string Output, NodeProto? ZipMap) FindProbabilities(string path, GraphProto graph)
    {
        var producers = new Dictionary<string, NodeProto>();
        foreach (var node in graph.Node)
            foreach (var output in node.Output)
                producers[output] = node;

        var candidates = new List<(ValueInfoProto Info, NodeProto? ZipMap)>();
        foreach (var output in graph.Output)
        {
            producers.TryGetValue(output.Name, out var producer);
            if (producer is { OpType: "ZipMap" }) candidates.Add((output, producer));
            else if (output.Type?.TensorType is { ElemType: (int)TensorProto.Types.DataType.Float } t && t.Shape?.Dim.Count == 2) candidates.Add((output, null));
        }
        var pick = candidates.Count == 1
            ? candidates
            : candidates.Where(c => c.Info.Name.Contains("prob", StringComparison.OrdinalIgnoreCase)).ToList();
        if (pick.Count != 1)
            throw Refuse(path,
                $"expected one probabilities output (a float tensor [N, 2] or a ZipMap over classes 0 and 1); outputs are {DescribeAll(graph.Output)}");

        var (info, zipMap) = pick[0];
        if (zipMap is null)
        {
            var last = info.Type.TensorType.Shape.Dim[1];
            if (last.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && last.DimValue != 2)
                throw Refuse(path, $"probabilities output must be a float tensor [N, 2] for a binary model; found {Describe(info)}");
            if (producers.TryGetValue(info.Name, out var producer)) CheckClassLabels(path, producer, info.Name);
            return (info.Name, null);
        }
        CheckClassLabels(path, zipMap, info.Name);
        if (zipMap.Input.Count != 1) throw Refuse(path, $"ZipMap producing '{info.Name}' has {zipMap.Input.Count} inputs, expected 1");
        if (producers.TryGetValue(zipMap.Input[0], out var classifier)) CheckClassLabels(path, classifier, zipMap.Input[0]);
        return (zipMap.Input[0], zipMap);
    }

    /// <summary>Column 1 is read as P(up), so a node that names its classes must name exactly 0 and 1 (int64).</summary>
    private static void CheckClassLabels(string path, NodeProto node, string output)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.Name == "classlabels_strings" && attribute.Strings.Count > 0)
                throw Refuse(path, $"'{output}' comes from {node.OpType} with string class labels [{string.Join(", ", attribute.Strings.Select(s => s.ToStringUtf8()))}]; expected int64 labels 0 (down) and 1 (up)");
            if (attribute.Name == "classlabels_int64s" && !attribute.Ints.SequenceEqual([0L, 1L]))
                throw Refuse(path, $"'{output}' comes from {node.OpType} with class labels [{string.Join(", ", attribute.Ints)}]; expected exactly 0 (down) and 1 (up)");
        }
    }

    private static void CheckFeatureMetadata(string path, IReadOnlyDictionary<string, string> metadata, FeatureSet expected, string slot)
    {
        if (metadata.TryGetValue(OnnxMetadataKeys.FeatureSetVersion, out var version) && version != expected.Version)
            throw Refuse(path, $"metadata {OnnxMetadataKeys.FeatureSetVersion} is '{version}' but slot {slot} uses feature set '{expected.Version}'");
        if (!metadata.TryGetValue(OnnxMetadataKeys.FeatureNames, out var raw)) return;
        var names = ParseNames(path, raw);
        if (names.SequenceEqual(expected.Names)) return;
        var column = 0;
        while (column < names.Count && column < expected.Names.Count && names[column] == expected.Names[column]) column++;
        var found = column < names.Count ? $"'{names[column]}'" : "nothing";
        var wanted = column < expected.Names.Count ? $"'{expected.Names[column]}'" : "nothing";
        throw Refuse(path,
            $"metadata {OnnxMetadataKeys.FeatureNames} ({names.Count} names) differ from feature set {expected.Version} of slot {slot} ({expected.Names.Count} names): column {column} is {found}, expected {wanted}");
    }

    private static IReadOnlyList<string> ParseNames(string path, string raw)
    {
        var text = raw.Trim();
        if (!text.StartsWith('[')) return text.Split(',').Select(n => n.Trim()).ToArray();
        try
        {
            return JsonSerializer.Deserialize<string[]>(text) ?? [];
        }
        catch (JsonException e)
        {
            throw Refuse(path, $"metadata {OnnxMetadataKeys.FeatureNames} is not a JSON array of strings: {e.Message}", e);
        }
    }

    /// <summary>Removes the ZipMap so that its input, the [N, 2] float tensor, becomes the graph output the predictor binds.</summary>
    private static ModelProto StripZipMap(ModelProto model, string probabilities)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var zipMap = graph.Node.First(n => n.OpType == "ZipMap" && n.Input.Count == 1 && n.Input[0] == probabilities);
        graph.Node.Remove(zipMap);
        foreach (var output in graph.Output.Where(o => zipMap.Output.Contains(o.Name)).ToList()) graph.Output.Remove(output);
        if (graph.Output.All(o => o.Name != probabilities))
            graph.Output.Add(OnnxTreeExporter.TensorInfo(probabilities, TensorProto.Types.DataType.Float, OnnxTreeExporter.Dim("N"), OnnxTreeExporter.Dim(2)));
        return copy;
    }

    private static string DescribeAll(IEnumerable<ValueInfoProto> values)
    {
        var list = values.Select(Describe).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Describe(ValueInfoProto value) => $"'{value.Name}' {DescribeType(value.Type)}";

    private static string DescribeType(TypeProto? type) => type?.ValueCase switch
    {
        TypeProto.ValueOneofCase.TensorType =>
            $"{ElementName(type.TensorType.ElemType)} [{string.Join(", ", type.TensorType.Shape?.Dim.Select(DescribeDim) ?? ["?"])}]",
        TypeProto.ValueOneofCase.SequenceType => $"seq({DescribeType(type.SequenceType.ElemType)})",
        TypeProto.ValueOneofCase.MapType => $"map({ElementName(type.MapType.KeyType)}, {DescribeType(type.MapType.ValueType)})",
        _ => "of unknown type",
    };

    private static string DescribeDim(TensorShapeProto.Types.Dimension d) => d.ValueCase switch
    {
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
        _ => "?",
    };

    private static string ElementName(int elemType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), elemType)
            ? ((TensorProto.Types.DataType)elemType).ToString().ToLowerInvariant()
            : $"element type {elemType}";

    private static ModelArtifactException Refuse(string path, string reason, Exception? inner = null) => new(path, reason, inner);
}
