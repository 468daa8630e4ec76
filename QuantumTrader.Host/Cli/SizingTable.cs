using System.Globalization;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The sizing part of the run summary: who sized, shadow mode, the policy version and each update's mean reward.</summary>
public static class SizingTable
{
    public static void Print(SizingSummary? s)
    {
        if (s is null) return;
        var table = new Table().Title("sizing").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("sizer", Markup.Escape(s.Sizer));
        table.AddRow("shadow mode", s.Shadow ? "on (orders keep the fixed-fraction size)" : "off");
        table.AddRow("policy version", s.PolicyVersion.ToString(CultureInfo.InvariantCulture));
        table.AddRow("policy updates", s.PolicyUpdates.ToString(CultureInfo.InvariantCulture));
        table.AddRow("experiences (pending / update every)",
            $"{s.Experiences} ({s.PendingExperiences} / {s.UpdateEvery})");
        AnsiConsole.Write(table);
        if (s.Updates.Count == 0) return;

        var updates = new Table().Title("sizing policy updates").AddColumns("version", "experiences", "mean reward", "policy loss", "value loss", "last trade exit", "checkpoint");
        foreach (var u in s.Updates)
            updates.AddRow(u.Version.ToString(CultureInfo.InvariantCulture), u.Experiences.ToString(CultureInfo.InvariantCulture),
                u.MeanReward.ToString("F4", CultureInfo.InvariantCulture), u.PolicyLoss.ToString("F4", CultureInfo.InvariantCulture),
                u.ValueLoss.ToString("F4", CultureInfo.InvariantCulture), u.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                Markup.Escape(u.Checkpoint));
        AnsiConsole.Write(updates);
    }
}
