using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumTrader.Models.Learning;

/// <summary>Where a detector fired in a scanned ledger: <see cref="Index"/> is the 0-based position among that model's trades.</summary>
public sealed record DriftScanAlarm(string Detector, string Model, long Index, DateTimeOffset Time, DriftSeverity Severity, DriftAlarm Alarm);

/// <summary>Runs every detector over a ledger of closed trades, one fresh <see cref="ModelDriftMonitor"/> per model, in file order.</summary>
public static class DriftScan
{
    public static IReadOnlyList<DriftScanAlarm> Run(IEnumerable<TradeOutcome> trades, DriftMonitorSettings? settings = null)
    {
        var monitors = new Dictionary<string, ModelDriftMonitor>(StringComparer.Ordinal);
        var alarms = new List<DriftScanAlarm>();
        foreach (var trade in trades)
        {
            if (!monitors.TryGetValue(trade.ModelId, out var monitor))
                monitor = ModelDriftMonitor.Create(trade.ModelId, settings);
            var (next, events) = monitor.Apply(trade);
            monitors[trade.ModelId] = next;
            alarms.AddRange(events.Select(e => new DriftScanAlarm(e.Alarm.Detector, e.ModelId, e.TradeIndex, e.Time, e.Severity, e.Alarm)));
        }

        return alarms;
    }

    /// <summary>The drift verb's --json form: {"alarms": [{"detector", "model", "index", "time"}]}.</summary>
    public static string ToJson(IReadOnlyList<DriftScanAlarm> alarms)
    {
        var array = new JsonArray();
        foreach (var a in alarms)
        {
            array.Add(new JsonObject
            {
                ["detector"] = a.Detector,
                ["model"] = a.Model,
                ["index"] = a.Index,
                ["time"] = a.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return new JsonObject { ["alarms"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
