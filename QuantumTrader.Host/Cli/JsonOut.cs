using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumTrader.Host.Cli;

/// <summary>The one JSON shape every report and bench verb writes with --json: camelCase, one object per file.</summary>
public static class JsonOut
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The same shape on one line, for files of one JSON object a line.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    public static void Write(string? path, object value)
    {
        if (string.IsNullOrEmpty(path)) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(value, value.GetType(), Options));
    }
}
