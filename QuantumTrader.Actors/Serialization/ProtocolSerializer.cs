using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace QuantumTrader.Actors.Serialization;

/// <summary>
/// System.Text.Json with a string manifest per protocol type. The manifest names the type and its version,
/// so renaming a class or moving it to another assembly never breaks an existing journal.
/// </summary>
public sealed class ProtocolSerializer : SerializerWithStringManifest
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public ProtocolSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => 4711;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = ProtocolTypes.TypeOf(manifest);
        return JsonSerializer.Deserialize(bytes, type, JsonOptions)
               ?? throw new SerializationException($"manifest '{manifest}' deserialized to null");
    }

    public override string Manifest(object o) => ProtocolTypes.ManifestOf(o.GetType());

    public static string ToJson(object obj) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions));
}
