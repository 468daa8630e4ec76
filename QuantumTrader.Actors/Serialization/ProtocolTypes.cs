using System.Runtime.Serialization;

namespace QuantumTrader.Actors.Serialization;

/// <summary>
/// The one list of serialized types and their manifests. A manifest is "name.vN": a new shape of a type gets a new
/// version and the old manifest keeps mapping to a type that reads the old shape.
/// </summary>
public static partial class ProtocolTypes
{
    private static readonly Dictionary<string, Type> ByManifest = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> ByType = new();

    static ProtocolTypes() => RegisterAll();

    public static IReadOnlyDictionary<Type, string> All => ByType;

    public static Type TypeOf(string manifest) =>
        ByManifest.TryGetValue(manifest, out var t) ? t : throw new SerializationException($"unknown manifest '{manifest}'");

    public static string ManifestOf(Type type) =>
        ByType.TryGetValue(type, out var m) ? m : throw new SerializationException($"type {type.FullName} has no manifest: add it to ProtocolTypes");

    private static void Add<T>(string manifest)
    {
        ByManifest.Add(manifest, typeof(T));
        ByType.Add(typeof(T), manifest);
    }
}
