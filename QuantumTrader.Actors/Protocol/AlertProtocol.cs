using System.Text.Json.Serialization;
using QuantumTrader.Models;
using QuantumTrader.Models.Audit;

namespace QuantumTrader.Actors.Protocol;

/// <summary>
/// A webhook of the alert feed accepted every alert it takes up to number <paramref name="Through"/> (wall-clock
/// <paramref name="At"/>). <see cref="Webhook"/> names it; a journal written when a node had one webhook left it out,
/// and such a row counts for every webhook.
/// </summary>
public sealed record AlertsDelivered(long Through, DateTimeOffset At) : IDomainEvent, IProtocolMessage
{
    public string? Webhook { get; init; }
}

/// <summary>Asks the alert feed for its delivery state and its latest <paramref name="Latest"/> alerts.</summary>
public sealed record GetAlerts(int Latest);

/// <summary>One alert and whether every webhook that takes it has it (false when none takes it).</summary>
public sealed record AlertView(
    long Number, AlertSeverity Severity, DateTimeOffset Time, AuditArea Area, string Kind, string Subject, string Detail, string Source, long SequenceNr,
    bool Delivered)
{
    /// <summary>The operator who gave the command the alert reports; null for the node's own decisions.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
}

/// <summary>One webhook: the least severity it takes, the last alert it accepted, how many due to it still wait, and its failures.</summary>
public sealed record AlertRouteView(
    string Webhook, AlertSeverity MinSeverity, long DeliveredThrough, int Pending, int FailedAttempts, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>
/// The node's alerts: how many of each severity the journal holds, where they go (<paramref name="Routes"/>, none when
/// only the API and dashboard show them), and the latest alerts.
/// </summary>
public sealed record AlertsView(int Critical, int Warning, int Info, IReadOnlyList<AlertRouteView> Routes, IReadOnlyList<AlertView> Latest);

/// <summary>
/// Asks the alert feed to journal a node's observation that is not a decision (its data went quiet, came back, or skips
/// bars; a gap already journaled is answered without journaling it again), so
/// that it becomes an alert like any journaled decision; answered with <see cref="ObservationJournaled"/> once durable.
/// </summary>
public sealed record JournalObservation(IDomainEvent Observation);

public sealed record ObservationJournaled;
