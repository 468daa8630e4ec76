using System.Globalization;
using System.Text.Json;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The bundled run under the risk gate and the emergency stop: the summary shows every mode change and every refusal.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class EssRunTests(ReferenceRun reference)
{
    [Fact]
    public void The_summary_lists_the_ess_transitions_and_the_marked_drawdown_that_drove_them()
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

        // Tightening is immediate, so the strictest mode reached is the one the worst drawdown of the marked equity selects,
        // computed here from the trades file and the closes alone.
        var s = reference.Summary;
        var (worst, at) = WorstMarkedDrawdown();
        Assert.Equal(EssOptions.Default.ModeFor(worst), modes.Min(m => m.To));
        // The summary reports that drawdown and when, beside the ledger's, which sees closed trades only.
        Assert.Equal(worst, s.MarkedMaxDrawdown, 4);
        Assert.Equal(at, s.MarkedMaxDrawdownAt);
        Assert.True(s.MarkedMaxDrawdown < s.MaxDrawdown, $"marked {s.MarkedMaxDrawdown} against the ledger's {s.MaxDrawdown}");
        Assert.Equal(modes[^1].To.Label(), s.EssMode);
        Assert.Equal(s.EssTransitions.Count, modes.Count);
    }

    /// <summary>
    /// Equity at every bar a position was open during: settled PnL of the trades that exited at or before the bar, plus the
    /// open ones at the bar's close, their entry fee paid (a trade's fees are its entry's and exit's, each in proportion
    /// to its price). Percent from the running peak, the worst one.
    /// </summary>
    private (double Percent, DateTimeOffset At) WorstMarkedDrawdown()
    {
        var trades = File.ReadLines(reference.TradesCsv).Skip(1).Select(line => line.Split(',')).Select(f => (
            Symbol: f[1], Sign: f[2] == "long" ? 1.0 : -1.0, Entry: DateTimeOffset.Parse(f[3], CultureInfo.InvariantCulture),
            EntryPrice: double.Parse(f[4], CultureInfo.InvariantCulture), Exit: DateTimeOffset.Parse(f[5], CultureInfo.InvariantCulture),
            ExitPrice: double.Parse(f[6], CultureInfo.InvariantCulture), Quantity: double.Parse(f[7], CultureInfo.InvariantCulture),
            Fees: double.Parse(f[8], CultureInfo.InvariantCulture), Pnl: double.Parse(f[9], CultureInfo.InvariantCulture))).ToArray();
        var bars = ReplayData.Load([ReferenceRun.Data], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Bars;
        var last = new Dictionary<string, double>();
        double peak = 10_000, worst = 0;
        var at = DateTimeOffset.MinValue;
        foreach (var group in bars.GroupBy(b => b.Time).OrderBy(g => g.Key))
        {
            foreach (var bar in group) last[bar.Symbol] = bar.Close;
            var time = group.Key;
            if (!trades.Any(t => t.Entry <= time && t.Exit >= time)) continue;
            var equity = 10_000 + trades.Where(t => t.Exit <= time).Sum(t => t.Pnl) + trades.Where(t => t.Entry <= time && t.Exit > time)
                .Sum(t => t.Sign * (last[t.Symbol] - t.EntryPrice) * t.Quantity - t.Fees * t.EntryPrice / (t.EntryPrice + t.ExitPrice));
            peak = Math.Max(peak, equity);
            var drawdown = 100 * (equity - peak) / peak;
            if (drawdown < worst) (worst, at) = (drawdown, time);
        }
        return (worst, at);
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
