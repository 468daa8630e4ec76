using System.Globalization;
using System.Text.Json;
using QuantumTrader.Models.Risk;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The bundled run under the risk gate and the emergency stop: the summary shows every mode change and every refusal.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class EssRunTests(ReferenceRun reference)
{
    [Fact]
    public void The_summary_lists_the_ess_transitions_the_ledger_drawdown_implies()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(reference.Dir.File("summary.json")));
        var transitions = doc.RootElement.GetProperty("essTransitions").EnumerateArray().ToList();
        Assert.NotEmpty(transitions);
        foreach (var t in transitions)
            foreach (var field in new[] { "time", "from", "to", "drawdown" })
                Assert.True(t.TryGetProperty(field, out _), $"transition lacks '{field}'");

        var modes = transitions.Select(t => (From: Mode(t, "from"), To: Mode(t, "to"), Drawdown: t.GetProperty("drawdown").GetDouble(),
            Time: DateTimeOffset.Parse(t.GetProperty("time").GetString()!, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(EssMode.Normal, modes[0].From);
        for (var i = 1; i < modes.Count; i++)
        {
            Assert.Equal(modes[i - 1].To, modes[i].From);
            Assert.True(modes[i].Time >= modes[i - 1].Time);
        }
        Assert.All(modes, m => Assert.True(m.Drawdown <= 0));

        // Tightening is immediate, so the strictest mode reached is the one the ledger's worst drawdown selects.
        var s = reference.Summary;
        Assert.Equal(EssOptions.Default.ModeFor(s.MaxDrawdown), modes.Min(m => m.To));
        Assert.Equal(modes[^1].To.Label(), s.EssMode);
        Assert.Equal(s.EssTransitions.Count, modes.Count);
    }

    [Fact]
    public void Refused_signals_are_counted_per_stage_and_the_risk_gate_refused_some()
    {
        var s = reference.Summary;
        Assert.Equal(s.SignalsRejected, s.SignalsRejectedByStage.Values.Sum());
        Assert.True(s.SignalsRejectedByStage.GetValueOrDefault("risk_gate") > 0, "the mode limits refuse some signals of the bundled run");
    }

    private static EssMode Mode(JsonElement t, string field)
    {
        Assert.True(EssModeExtensions.TryParseLabel(t.GetProperty(field).GetString(), out var mode));
        return mode;
    }
}
