using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Runs the ESS state machine over an equity curve (what <c>ess replay</c> prints): the starting state is
/// NORMAL with the first point as the peak.
/// </summary>
public static class EssReplay
{
    public static IReadOnlyList<EssTransition> Run(IEnumerable<EquityPoint> points, EssOptions options)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        var state = EssState.Initial(options);
        var transitions = new List<EssTransition>();
        foreach (var point in points)
        {
            var (next, transition) = state.Observe(point.Time, point.Equity);
            state = next;
            if (transition is not null)
                transitions.Add(transition);
        }
        return transitions;
    }

    /// <summary>{"transitions": [{"time","from","to","drawdown"}]} with modes as EMERGENCY/PROTECTIVE/CAUTIOUS/NORMAL.</summary>
    public static string ToJson(IReadOnlyList<EssTransition> transitions)
    {
        var array = new JsonArray();
        foreach (var t in transitions)
        {
            array.Add(new JsonObject
            {
                ["time"] = t.Time.ToString("O", CultureInfo.InvariantCulture),
                ["from"] = t.From.Label(),
                ["to"] = t.To.Label(),
                ["drawdown"] = t.Drawdown,
            });
        }
        return new JsonObject { ["transitions"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One line per transition for a terminal: time, from → to, drawdown, trading, reason.</summary>
    public static string Describe(EssTransition t) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{t.Time:O}  {t.From.Label(),-10} -> {t.To.Label(),-10}  drawdown {t.Drawdown,7:F2}%  trading {(t.TradingEnabled ? "on" : "off")}  {t.Reason}");
}
