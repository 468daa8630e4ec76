using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Seed 000's fast alarm: fires when <see cref="Threshold"/> trades in a row lose (R below zero), then starts counting again.
/// On a fair coin a 3-loss run comes about once every 14 trades, so this is a warning, never a reason to roll back.
/// </summary>
public sealed record ConsecutiveLossAlarm(int Threshold, int Run) : IDriftDetector
{
    public static ConsecutiveLossAlarm Create(int threshold = 3) =>
        threshold >= 1 ? new(threshold, 0) : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Must be at least 1.");

    [JsonIgnore] public string Name => DriftDetectorNames.ConsecutiveLosses;

    public (ConsecutiveLossAlarm State, DriftAlarm? Alarm) Update(double r)
    {
        DriftGuard.Finite(r);
        if (r >= 0) return (this with { Run = 0 }, null);
        var run = Run + 1;
        if (run < Threshold) return (this with { Run = run }, null);
        var alarm = new DriftAlarm(Name, [new DriftBreach("consecutive-losses", run, Threshold)], [new DriftFigure("last-r", r)]);
        return (this with { Run = 0 }, alarm);
    }

    (IDriftDetector State, DriftAlarm? Alarm) IDriftDetector.Update(double r) => Update(r);
}
