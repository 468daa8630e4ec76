using System.Globalization;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The learning cascade's part of the run summary: drift alarms, weight changes and rollbacks.</summary>
public static class LearningTable
{
    public static void Print(RunSummary s)
    {
        var table = new Table().Title("learning cascade").AddColumn("decision").AddColumn("value");
        table.AddRow("drift alarms", $"{s.DriftAlarms.Count} ({s.DriftAlarms.Warnings} warning, {s.DriftAlarms.Drifts} drift)");
        foreach (var a in s.DriftAlarms.Latest)
            table.AddRow("", Markup.Escape($"{a.Model} {a.Detector} at its trade {a.TradeIndex} ({a.Time:yyyy-MM-dd HH:mm}): {a.Rule}"));
        table.AddRow("weight changes", $"{s.WeightChanges.Count} ({s.WeightChanges.Refused} refused)");
        table.AddRow("final weights", Markup.Escape(string.Join(", ", s.WeightChanges.FinalWeights.Select(w =>
            string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value:0.###}")))));
        table.AddRow("rollbacks", s.Rollbacks.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var r in s.Rollbacks.Items)
            table.AddRow("", Markup.Escape($"{r.Slot}: {r.FromVersion} -> {r.ToVersion} at {r.Time:O}: {r.Reason}"));
        AnsiConsole.Write(table);
    }
}
