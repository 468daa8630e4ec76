namespace QuantumTrader.Models.Audit;

/// <summary>
/// A node's alerts in number order and how far its webhook has them: the next one due (the first past the last accepted
/// number that reaches the least severity), how many wait, and how long to pause after failed attempts in a row.
/// </summary>
public sealed class AlertQueue(AlertSeverity minSeverity)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(60);

    private readonly List<Alert> _alerts = [];

    public AlertSeverity MinSeverity { get; } = minSeverity;

    public IReadOnlyList<Alert> Alerts => _alerts;

    /// <summary>The highest number the webhook accepted (0: none).</summary>
    public long DeliveredThrough { get; private set; }

    /// <summary>Takes the alerts past those held: a journal read again from its first row numbers them the same.</summary>
    public void Add(IEnumerable<Alert> alerts)
    {
        var held = _alerts.Count == 0 ? 0 : _alerts[^1].Number;
        _alerts.AddRange(alerts.Where(a => a.Number > held));
    }

    public void Delivered(long through) => DeliveredThrough = Math.Max(DeliveredThrough, through);

    public bool IsDue(Alert a) => a.Number > DeliveredThrough && a.Severity.Reaches(MinSeverity);

    public bool WasSent(Alert a) => a.Number <= DeliveredThrough && a.Severity.Reaches(MinSeverity);

    public Alert? Next => _alerts.FirstOrDefault(IsDue);

    public int Pending => _alerts.Count(IsDue);

    public int Count(AlertSeverity severity) => _alerts.Count(a => a.Severity == severity);

    /// <summary>1 s after the first failed attempt, doubling with each further one, at most 60 s.</summary>
    public static TimeSpan PauseAfter(int failedInARow) =>
        TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(Math.Max(failedInARow, 1) - 1, 20)));
}
