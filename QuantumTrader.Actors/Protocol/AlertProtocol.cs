using QuantumTrader.Models;
using QuantumTrader.Models.Audit;

namespace QuantumTrader.Actors.Protocol;

/// <summary>The alert feed's webhook accepted every alert up to number <paramref name="Through"/> (wall-clock <paramref name="At"/>).</summary>
public sealed record AlertsDelivered(long Through, DateTimeOffset At) : IDomainEvent, IProtocolMessage;

/// <summary>Asks the alert feed for its delivery state and its latest <paramref name="Latest"/> alerts.</summary>
public sealed record GetAlerts(int Latest);

/// <summary>One alert and whether the webhook has it.</summary>
public sealed record AlertView(
    long Number, AlertSeverity Severity, DateTimeOffset Time, AuditArea Area, string Kind, string Subject, string Detail, string Source, long SequenceNr,
    bool Delivered);

/// <summary>
/// The node's alerts: how many of each severity the journal holds, where they go (<paramref name="Webhook"/>, null when
/// only the API and dashboard show them), the last one the webhook accepted, how many of those it should get are still
/// waiting, the last delivery error, and the latest alerts.
/// </summary>
public sealed record AlertsView(
    string? Webhook, AlertSeverity MinSeverity, int Critical, int Warning, int Info, long DeliveredThrough, int Pending, int FailedAttempts,
    string? LastError, DateTimeOffset? LastErrorAt, IReadOnlyList<AlertView> Latest);

/// <summary>
/// Asks the alert feed to journal a node's observation that is not a decision (its data went quiet, came back, or skips
/// bars; a gap already journaled is answered without journaling it again), so
/// that it becomes an alert like any journaled decision; answered with <see cref="ObservationJournaled"/> once durable.
/// </summary>
public sealed record JournalObservation(IDomainEvent Observation);

public sealed record ObservationJournaled;
