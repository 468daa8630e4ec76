using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Emergency stop system mode of one account, ordered from tightest to loosest so that
/// <c>a &lt; b</c> means "a is stricter than b". Serialized by name so journals survive a reordering.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<EssMode>))]
public enum EssMode
{
    /// <summary>Close every position, block every new one.</summary>
    Emergency,
    /// <summary>Small, high-confidence trades only.</summary>
    Protective,
    /// <summary>Reduced size.</summary>
    Cautious,
    /// <summary>Full trading.</summary>
    Normal,
}

public static class EssModeExtensions
{
    /// <summary>The operator-facing name: EMERGENCY, PROTECTIVE, CAUTIOUS, NORMAL.</summary>
    public static string Label(this EssMode mode) => mode.ToString().ToUpperInvariant();

    public static bool AllowsTrading(this EssMode mode) => mode != EssMode.Emergency;

    /// <summary>Reads an operator-facing name (EMERGENCY, PROTECTIVE, CAUTIOUS, NORMAL), case-insensitively.</summary>
    public static bool TryParseLabel(string? label, out EssMode mode)
    {
        foreach (var candidate in Enum.GetValues<EssMode>())
        {
            if (string.Equals(candidate.Label(), label, StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }
        mode = EssMode.Normal;
        return false;
    }
}
