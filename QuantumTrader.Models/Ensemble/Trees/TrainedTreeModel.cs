using Microsoft.ML;
using Microsoft.ML.Data;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>
/// The result of one in-process training run: the trees as plain data (what gets exported to ONNX) and ML.NET's own
/// model, kept to check the export against ML.NET's predictions.
/// </summary>
public sealed class TrainedTreeModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _mlModel;

    internal TrainedTreeModel(
        string slot, string version, string trainer, FeatureSet features, TreeEnsembleData trees, TreeTrainingOptions options,
        DateTimeOffset? trainedFrom, DateTimeOffset? trainedTo, int trainingRows, TreeValidationMetrics? metrics,
        MLContext ml, ITransformer mlModel)
    {
        Slot = slot;
        Version = version;
        Trainer = trainer;
        Features = features;
        Trees = trees;
        Options = options;
        TrainedFrom = trainedFrom;
        TrainedTo = trainedTo;
        TrainingRows = trainingRows;
        Metrics = metrics;
        _ml = ml;
        _mlModel = mlModel;
    }

    public string Slot { get; }
    public string Version { get; }
    public string Trainer { get; }
    public FeatureSet Features { get; }
    public TreeEnsembleData Trees { get; }
    public TreeTrainingOptions Options { get; }
    public DateTimeOffset? TrainedFrom { get; }
    public DateTimeOffset? TrainedTo { get; }
    public int TrainingRows { get; }

    /// <summary>Hold-out metrics; null when there was no hold-out or it held only one outcome.</summary>
    public TreeValidationMetrics? Metrics { get; }

    /// <summary>ML.NET's calibrated P(up) for each row, computed by ML.NET itself.</summary>
    public float[] MlNetProbabilities(IReadOnlyList<float[]> rows)
    {
        foreach (var row in rows)
            if (row.Length != Features.Names.Count)
                throw new ArgumentException($"rows need {Features.Names.Count} features, got {row.Length}", nameof(rows));
        var scored = _mlModel.Transform(TreeTrainer.ToDataView(_ml, rows, null, Features.Names.Count));
        return scored.GetColumn<float>("Probability").ToArray();
    }

    /// <summary>The model as an ONNX TreeEnsembleClassifier (input "features", outputs "label" and "probabilities").</summary>
    public byte[] ToOnnx() => OnnxTreeExporter.Export(Trees, Features, Slot, Version, Trainer);

    /// <summary>Writes &lt;Version&gt;.onnx and its &lt;Version&gt;.json sidecar into the directory; returns the sidecar's description.</summary>
    public TreeModelArtifact Save(string directory)
    {
        var onnx = ToOnnx();
        var artifact = new TreeModelArtifact(
            Slot, Version, Trainer, Features, TrainedFrom, TrainedTo, TrainingRows, Metrics,
            TreeModelArtifact.OnnxFileName(Version), TreeModelArtifact.Sha256Of(onnx));
        artifact.Save(directory, onnx);
        return artifact;
    }
}
