using QuantumTrader.Models.Ensemble.Trees;

namespace QuantumTrader.Host.Run;

/// <summary>
/// Which imported model serves a tree slot instead of the one a run trains: &lt;state&gt;/models/&lt;slot&gt;/serving.version
/// holds its version, whose .onnx and sidecar sit beside it. No file means the slot serves the model the run trains.
/// </summary>
public static class ImportedServing
{
    public const string FileName = "serving.version";

    public static string SlotDirectory(string stateDirectory, string slot) => Path.Combine(stateDirectory, "models", slot);

    /// <summary>The chosen version, or null; a file naming an unsafe version or a missing sidecar fails naming the file.</summary>
    public static string? Read(string slotDirectory)
    {
        var path = Path.Combine(slotDirectory, FileName);
        if (!File.Exists(path)) return null;
        var version = File.ReadAllText(path).Trim();
        if (!TreeModelArtifact.IsSafeVersion(version))
            throw new Cli.UsageException($"{path}: '{version}' is not a model version (letters, digits, '.', '_' or '-')");
        if (!File.Exists(Path.Combine(slotDirectory, TreeModelArtifact.SidecarFileName(version))))
            throw new Cli.UsageException($"{path}: names version {version}, but {TreeModelArtifact.SidecarFileName(version)} is not in {slotDirectory}");
        return version;
    }

    public static void Write(string slotDirectory, string version)
    {
        Directory.CreateDirectory(slotDirectory);
        var path = Path.Combine(slotDirectory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, version + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
