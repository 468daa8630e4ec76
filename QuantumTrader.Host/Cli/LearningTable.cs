using System.Globalization;
using QuantumTrader.Host.Run;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>The learning cascade's part of the run summary: drift alarms, weight changes, rollbacks and retraining.</summary>
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
        var retraining = s.Retraining;
        table.AddRow("retraining", !retraining.Enabled ? "off" : string.Create(CultureInfo.InvariantCulture,
            $"{retraining.Retrained} retrained; gate: {retraining.Approved} approved, {retraining.Rejected} rejected; A/B: {retraining.AbTests} started, {retraining.AbTestsWon} won; {retraining.Promoted} promoted, {retraining.UnderTest} under test ({retraining.Seconds:F1} s)"));
        if (retraining.DriftChecks > 0)
            table.AddRow("drift checks", string.Create(CultureInfo.InvariantCulture, $"{retraining.DriftChecks} checks, {retraining.DriftFound} found drift"));
        foreach (var d in retraining.Decisions.TakeLast(5))
            table.AddRow("", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{d.Slot}/{d.Version} at {d.Time:yyyy-MM-dd HH:mm}: {d.Verdict}")));
        foreach (var a in retraining.AbTestResults.TakeLast(5))
            table.AddRow("", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"A/B {a.Slot}/{a.Version} at {a.Time:yyyy-MM-dd HH:mm}: {a.Verdict}")));
        if (retraining.Enabled)
        {
            var replay = retraining.ErrorReplay;
            table.AddRow("error replay", !replay.Enabled ? "off" : string.Create(CultureInfo.InvariantCulture,
                $"{replay.Recorded} errors from {replay.Runs} shadow tests; {replay.Replayed} replayed in {replay.Retrainings} retrainings, wrong again on {replay.RepeatErrors} of {replay.RepeatCalls} calls; {replay.Cleared} promotions cleared theirs"));
            foreach (var (slot, stats) in replay.Buffers)
                table.AddRow("", Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"{slot} buffer: {stats.Errors} errors, average confidence {stats.AverageConfidence:0.000}, {stats.HighConfidence} at 0.8 or more")));
        }
        AnsiConsole.Write(table);
    }
}
