using System.Security.Cryptography;
using System.Text.Json;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>
/// The JSON sidecar stored next to a tree model's .onnx file (&lt;Version&gt;.onnx + &lt;Version&gt;.json in one folder):
/// which slot and feature set it serves, where its training data came from and how it did on the hold-out.
/// Imported models have no training range, zero training rows and no metrics.
/// </summary>
public sealed record TreeModelArtifact(
    string Slot,
    string Version,
    string Trainer,
    FeatureSet Features,
    DateTimeOffset? TrainedFrom,
    DateTimeOffset? TrainedTo,
    int TrainingRows,
    TreeValidationMetrics? Metrics,
    string OnnxFile,
    string OnnxSha256)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string OnnxFileName(string version) => version + ".onnx";

    public static string SidecarFileName(string version) => version + ".json";

    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Versions become file names, so only letters, digits, '.', '_' and '-' (not leading '.').</summary>
    public static bool IsSafeVersion(string version) =>
        version.Length is > 0 and <= 128 && version[0] != '.' && version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public string OnnxPath(string sidecarPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sidecarPath)) ?? ".", OnnxFile);

    /// <summary>Writes the model then the sidecar (each through a temporary file), so a sidecar never points at a partial model.</summary>
    public string Save(string directory, ReadOnlySpan<byte> onnx)
    {
        var problem = Problem();
        if (problem is not null) throw new ArgumentException($"artifact {Version}: {problem}");
        if (Sha256Of(onnx) != OnnxSha256) throw new ArgumentException($"artifact {Version}: the model bytes do not match OnnxSha256");
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, OnnxFile), onnx);
        var sidecar = Path.Combine(directory, SidecarFileName(Version));
        WriteAtomically(sidecar, JsonSerializer.SerializeToUtf8Bytes(this, Json));
        return sidecar;
    }

    /// <summary>Reads a sidecar and checks that its .onnx file is there with the recorded SHA-256.</summary>
    public static TreeModelArtifact Load(string sidecarPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(sidecarPath);
        TreeModelArtifact? artifact;
        try
        {
            using var stream = File.OpenRead(sidecarPath);
            artifact = JsonSerializer.Deserialize<TreeModelArtifact>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new ModelArtifactException(sidecarPath, $"sidecar is not valid JSON at line {e.LineNumber + 1}, {e.Path}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelArtifactException(sidecarPath, $"cannot read the sidecar: {e.Message}", e);
        }
        if (artifact is null) throw new ModelArtifactException(sidecarPath, "sidecar is empty (JSON null)");
        var problem = artifact.Problem();
        if (problem is not null) throw new ModelArtifactException(sidecarPath, problem);

        var onnxPath = artifact.OnnxPath(sidecarPath);
        if (!File.Exists(onnxPath))
            throw new ModelArtifactException(sidecarPath, $"model file '{artifact.OnnxFile}' named by the sidecar is missing");
        var actual = Sha256Of(File.ReadAllBytes(onnxPath));
        if (actual != artifact.OnnxSha256)
            throw new ModelArtifactException(onnxPath, $"SHA-256 is {actual} but the sidecar records {artifact.OnnxSha256}");
        return artifact;
    }

    private string? Problem()
    {
        if (string.IsNullOrEmpty(Slot) || !ModelSlots.All.Contains(Slot)) return $"field Slot '{Slot}' is not one of {string.Join(", ", ModelSlots.All)}";
        if (Version is null || !IsSafeVersion(Version)) return $"field Version '{Version}' must be letters, digits, '.', '_' or '-'";
        if (Features is null || string.IsNullOrEmpty(Features.Version) || Features.Names is null || Features.Names.Count == 0)
            return "field Features needs a Version and at least one name";
        if (OnnxFile != OnnxFileName(Version)) return $"field OnnxFile '{OnnxFile}' must be '{OnnxFileName(Version)}'";
        if (OnnxSha256 is null || OnnxSha256.Length != 64 || !OnnxSha256.All(char.IsAsciiHexDigitLower))
            return $"field OnnxSha256 '{OnnxSha256}' is not a lower-case hex SHA-256";
        if (TrainingRows < 0) return $"field TrainingRows is {TrainingRows}";
        if (TrainedFrom > TrainedTo) return $"field TrainedFrom {TrainedFrom:O} is after TrainedTo {TrainedTo:O}";
        return null;
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
