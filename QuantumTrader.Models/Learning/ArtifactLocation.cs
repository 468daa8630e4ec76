namespace QuantumTrader.Models.Learning;

/// <summary>
/// Where a registered version's artifact is now. The registry records the full path it was written to, under
/// &lt;state&gt;/models/&lt;slot&gt;/; a state directory moved or copied elsewhere holds the same files under its own models
/// folder, and those are the ones its node serves, deletes and audits.
/// </summary>
public static class ArtifactLocation
{
    /// <summary>
    /// The same artifact under <paramref name="stateDirectory"/>'s models folder when it is there (<paramref name="exists"/>),
    /// else the recorded path.
    /// </summary>
    public static string Resolve(string recorded, string slot, string stateDirectory, Func<string, bool> exists)
    {
        var normalized = recorded.Replace('\\', '/');
        var marker = $"/models/{slot}/";
        var at = normalized.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return recorded;
        var rest = normalized[(at + marker.Length)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var local = Path.GetFullPath(Path.Combine([stateDirectory, "models", slot, .. rest]));
        return exists(local) ? local : recorded;
    }
}
