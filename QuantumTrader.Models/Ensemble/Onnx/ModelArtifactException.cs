namespace QuantumTrader.Models.Ensemble.Onnx;

/// <summary>A model file or its sidecar cannot be used: the message names the file and the reason.</summary>
public sealed class ModelArtifactException : Exception
{
    public ModelArtifactException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        FilePath = path;
        Reason = reason;
    }

    public string FilePath { get; }

    public string Reason { get; }
}
