using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Risk;

public class EssReplayTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Hourly curve: flat 1000 for hours 0-4, a crash 985, 970, 950, 900, 870 over hours 5-9, a climb of 5 per hour
    /// back to 1000 at hour 35, flat to hour 60.
    /// </summary>
    private static string CrashCurveCsv()
    {
        var equity = new List<double> { 1000, 1000, 1000, 1000, 1000, 985, 970, 950, 900, 870 };
        for (var k = 1; k <= 26; k++)
            equity.Add(870 + 5 * k);
        while (equity.Count <= 60)
            equity.Add(1000);

        var csv = new StringBuilder("time,equity\n");
        for (var h = 0; h < equity.Count; h++)
            csv.Append(CultureInfo.InvariantCulture, $"{T0.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{equity[h]}\n");
        return csv.ToString();
    }

    [Fact]
    public void A_crash_walks_down_to_emergency_and_recovers_to_normal_in_stages()
    {
        var points = EquityCurveReader.Parse(new StringReader(CrashCurveCsv()), "crash.csv");
        var transitions = EssReplay.Run(points, EssOptions.Default);

        // By hand: -3% at h6, -5% at h7, -13% at h9 tighten at once. Leaving EMERGENCY needs >= -9.5% (equity 905,
        // first at h16) held 6h: h22 at 935 (-6.5%). Leaving PROTECTIVE needs >= -3.5% (965, h28): h34 at 995 (-0.5%),
        // which already qualifies for leaving CAUTIOUS (>= -1.5%), so NORMAL follows at h40 (1000, 0%).
        Assert.Equal(
        [
            (6, EssMode.Normal, EssMode.Cautious, -3.0),
            (7, EssMode.Cautious, EssMode.Protective, -5.0),
            (9, EssMode.Protective, EssMode.Emergency, -13.0),
            (22, EssMode.Emergency, EssMode.Protective, -6.5),
            (34, EssMode.Protective, EssMode.Cautious, -0.5),
            (40, EssMode.Cautious, EssMode.Normal, 0.0),
        ], transitions.Select(t => ((int)(t.Time - T0).TotalHours, t.From, t.To, Math.Round(t.Drawdown, 9))));
        Assert.Equal([true, true, false, true, true, true], transitions.Select(t => t.TradingEnabled));
    }

    [Fact]
    public void Json_lists_every_transition_with_time_modes_and_drawdown()
    {
        var points = EquityCurveReader.Parse(new StringReader(CrashCurveCsv()), "crash.csv");
        var json = EssReplay.ToJson(EssReplay.Run(points, EssOptions.Default));

        using var doc = JsonDocument.Parse(json);
        var items = doc.RootElement.GetProperty("transitions").EnumerateArray().ToArray();
        Assert.Equal(6, items.Length);
        Assert.Equal("2024-03-01T09:00:00.0000000+00:00", items[2].GetProperty("time").GetString());
        Assert.Equal("PROTECTIVE", items[2].GetProperty("from").GetString());
        Assert.Equal("EMERGENCY", items[2].GetProperty("to").GetString());
        Assert.Equal(-13.0, items[2].GetProperty("drawdown").GetDouble(), 9);
        Assert.Equal(["time", "from", "to", "drawdown"], items[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_curve_that_never_draws_down_has_no_transitions()
    {
        var points = Enumerable.Range(0, 10).Select(h => new EquityPoint(T0.AddHours(h), 1000 + h)).ToArray();
        Assert.Empty(EssReplay.Run(points, EssOptions.Default));
        Assert.Equal("{\n  \"transitions\": []\n}", EssReplay.ToJson([]).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Describe_prints_one_readable_line()
    {
        var t = new EssTransition(T0, EssMode.Protective, EssMode.Emergency, -13, false, "drawdown -13.00% is below the EMERGENCY threshold -10.00%", false);
        Assert.Equal("2024-03-01T00:00:00.0000000+00:00  PROTECTIVE -> EMERGENCY   drawdown  -13.00%  trading off  drawdown -13.00% is below the EMERGENCY threshold -10.00%",
            EssReplay.Describe(t));
    }
}
