using QuantumTrader.Models.Audit;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class AlertQueueTests
{
    private static Alert A(long number, AlertSeverity severity) =>
        new(number, severity, new AuditEntry(LearningTrades.Start.AddHours(number), AuditArea.Risk, "emergency-triggered", "account-paper", number, "paper", "test"));

    [Fact]
    public void The_next_alert_due_is_the_first_past_the_last_accepted_that_reaches_the_least_severity()
    {
        var queue = new AlertQueue(AlertSeverity.Warning);
        queue.Add([A(1, AlertSeverity.Info), A(2, AlertSeverity.Critical), A(3, AlertSeverity.Warning), A(4, AlertSeverity.Info)]);

        Assert.Equal(2, queue.Next!.Number);
        Assert.Equal(2, queue.Pending);
        queue.Delivered(2);
        Assert.Equal((3L, 1), (queue.Next!.Number, queue.Pending));
        queue.Delivered(3);
        Assert.Null(queue.Next);
        Assert.Equal([false, true, true, false], queue.Alerts.Select(queue.WasSent));
        Assert.Equal((1, 1, 2), (queue.Count(AlertSeverity.Critical), queue.Count(AlertSeverity.Warning), queue.Count(AlertSeverity.Info)));
    }

    [Fact]
    public void A_journal_read_again_from_its_first_row_adds_only_the_alerts_past_those_held_and_an_older_acceptance_moves_nothing_back()
    {
        var queue = new AlertQueue(AlertSeverity.Info);
        queue.Add([A(1, AlertSeverity.Info), A(2, AlertSeverity.Warning)]);
        queue.Delivered(2);
        queue.Add([A(1, AlertSeverity.Info), A(2, AlertSeverity.Warning), A(3, AlertSeverity.Critical)]);
        queue.Delivered(1);

        Assert.Equal([1L, 2L, 3L], queue.Alerts.Select(a => a.Number));
        Assert.Equal((2L, 3L), (queue.DeliveredThrough, queue.Next!.Number));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(500, 60)]
    public void The_pause_after_failed_attempts_doubles_from_one_second_up_to_a_minute(int failedInARow, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AlertQueue.PauseAfter(failedInARow));
}
