using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Models.Audit;

[JsonConverter(typeof(JsonStringEnumConverter<AlertSeverity>))]
public enum AlertSeverity { Info, Warning, Critical }

/// <summary>
/// A decision of the trail that operators are told about. <paramref name="Number"/> counts the journal's alerts from 1 in
/// journal order, so it names the same alert at every start and a receiver can drop one it already has.
/// </summary>
public sealed record Alert(long Number, AlertSeverity Severity, AuditEntry Entry)
{
    /// <summary>
    /// The alerts among <paramref name="entries"/> (a trail read in journal order from <paramref name="after"/> + 1 on),
    /// numbered on from <paramref name="after"/>: the numbering a node's alert feed gives them.
    /// </summary>
    public static IReadOnlyList<Alert> Numbered(IEnumerable<AuditEntry> entries, long after = 0)
    {
        var alerts = new List<Alert>();
        foreach (var e in entries)
            if (e.Severity is { } severity) alerts.Add(new Alert(after + alerts.Count + 1, severity, e));
        return alerts;
    }

    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"[{Severity.ToString().ToUpperInvariant()}] {Entry.Kind} {Entry.Subject}: {Entry.Detail}{(Entry.Operator is { } by ? $" (by {by})" : "")} (market time {Entry.Time.UtcDateTime:yyyy-MM-dd HH:mm} UTC, journal row {Entry.Source} #{Entry.SequenceNr})");
}

/// <summary>
/// Which decisions are alerts and how urgent each is: seed 002's performance-degradation alerts (drift, a rolled-back
/// promotion, a degraded version), seed 004's market drift and "notify when model fails" (a node's serving failures), seed 003's emergency-stop
/// notifications, and a node's data going quiet or skipping bars. Everything else in the trail (fills, refused signals,
/// routine retraining) is not an alert; an operator's trigger or reset alerts through the mode change it causes, which
/// names the operator.
/// </summary>
public static class AlertRules
{
    private static readonly IReadOnlyDictionary<string, AlertSeverity> ByKind = new Dictionary<string, AlertSeverity>(StringComparer.Ordinal)
    {
        ["breaker-tripped"] = AlertSeverity.Critical,
        [ReplayComparison.ModelFailing] = AlertSeverity.Warning,
        [ReplayComparison.DataStale] = AlertSeverity.Warning,
        [ReplayComparison.DataGap] = AlertSeverity.Warning,
        ["drift-alarm"] = AlertSeverity.Warning,
        [JournalAuditor.MarketDrift] = AlertSeverity.Warning,
        [JournalAuditor.PredictionDrift] = AlertSeverity.Info,
        ["version-rolled-back"] = AlertSeverity.Warning,
        ["version-degraded"] = AlertSeverity.Warning,
        ["promotion-awaiting-review"] = AlertSeverity.Warning,
        ["promotion-review-overdue"] = AlertSeverity.Critical,
        ["promotion-declined"] = AlertSeverity.Info,
        ["weights-refused"] = AlertSeverity.Warning,
        ["emergency-recovered"] = AlertSeverity.Info,
        [ReplayComparison.DataResumed] = AlertSeverity.Info,
        ["drift-warning"] = AlertSeverity.Info,
        ["version-promoted"] = AlertSeverity.Info,
        ["ab-test-started"] = AlertSeverity.Info,
        ["ab-test-concluded"] = AlertSeverity.Info,
        ["risk-limits-changed"] = AlertSeverity.Info,
        ["retraining-requested"] = AlertSeverity.Info,
        ["cleanup-approved"] = AlertSeverity.Info,
        ["version-deleted"] = AlertSeverity.Info,
    };

    /// <summary>The severity of a decision of this kind, or null when it is not an alert.</summary>
    public static AlertSeverity? OfKind(string kind) => ByKind.TryGetValue(kind, out var s) ? s : null;

    /// <summary>A tightened emergency stop: EMERGENCY closes every position (critical); a tighter stage cuts size (warning).</summary>
    public static AlertSeverity Tightened(EssMode newMode) => newMode == EssMode.Emergency ? AlertSeverity.Critical : AlertSeverity.Warning;

    /// <summary>
    /// A crash stops new entries on the symbol, and the node has already reacted, so it is for the record (info); the other
    /// regimes only adjust the filter and size and are not alerts.
    /// </summary>
    public static AlertSeverity? Regime(MarketRegime to) => to == MarketRegime.Crash ? AlertSeverity.Info : null;

    public static bool Reaches(this AlertSeverity severity, AlertSeverity minimum) => severity >= minimum;

    /// <summary>Reads info, warning or critical, case-insensitively.</summary>
    public static bool TryParse(string? text, out AlertSeverity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity) && !int.TryParse(text, out _);
}
