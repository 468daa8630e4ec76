using System.Globalization;
using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The trading report of a real run's journal says what the run's summary said, split by month, symbol and exit reason.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class ReportVerbTests(ReferenceRun reference)
{
    [Fact]
    public async Task The_report_of_the_reference_run_is_its_summary_split_by_month_symbol_and_exit_reason()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["report", "--state", reference.Dir.File("state"), "--by", "Month", "--json", dir.File("report.json"),
            "--marked-equity", dir.File("marked.csv")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        var r = doc.RootElement;
        var s = reference.Summary;
        Assert.Equal(s.TradesClosed, r.GetProperty("trades").GetInt32());
        Assert.Equal(s.FinalEquity, r.GetProperty("finalEquity").GetDouble(), 6);
        Assert.Equal(s.NetPnl, r.GetProperty("netPnl").GetDouble(), 6);
        Assert.Equal(s.WinRate, r.GetProperty("winRate").GetDouble(), 12);
        Assert.Equal(s.MaxDrawdown, r.GetProperty("maxDrawdownPercent").GetDouble(), 9);
        // The account's journal rebuilds the emergency stop's marked equity as the run read it.
        Assert.Equal(s.MarkedMaxDrawdown, r.GetProperty("markedMaxDrawdownPercent").GetDouble(), 9);
        Assert.Equal(s.MarkedMaxDrawdownAt, r.GetProperty("markedMaxDrawdownAt").GetDateTimeOffset());

        var periods = r.GetProperty("periods").EnumerateArray().ToArray();
        Assert.Equal(s.TradesClosed, periods.Sum(p => p.GetProperty("trades").GetInt32()));
        Assert.Equal(s.FinalEquity, periods[^1].GetProperty("equityEnd").GetDouble(), 6);
        Assert.All(periods, p => Assert.Matches(@"^20\d\d-\d\d$", p.GetProperty("period").GetString()));
        for (var i = 1; i < periods.Length; i++)
            Assert.Equal(periods[i - 1].GetProperty("equityEnd").GetDouble(), periods[i].GetProperty("equityStart").GetDouble(), 9);

        // Buy and hold over each symbol's trading span, from the plan's cut to the data's last bar.
        var plan = StoredPlan.Read(reference.Dir.File("state"))!;
        var bars = ReplayData.Load([ReferenceRun.Data], Models.Market.DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Bars;
        var held = r.GetProperty("buyAndHold").EnumerateArray().ToArray();
        Assert.Equal(["BTCUSDT", "ETHUSDT"], held.Select(h => h.GetProperty("symbol").GetString()));
        foreach (var h in held)
        {
            var symbol = h.GetProperty("symbol").GetString()!;
            var own = bars.Where(b => b.Symbol == symbol && b.Time >= plan.TradeFrom[symbol]).ToArray();
            Assert.Equal((own[0].Time, own[^1].Time), (h.GetProperty("from").GetDateTimeOffset(), h.GetProperty("to").GetDateTimeOffset()));
            Assert.Equal((own[^1].Close / own[0].Close - 1) * 100, h.GetProperty("returnPercent").GetDouble(), 9);
        }

        var ledger = File.ReadLines(reference.TradesCsv).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(ledger.GroupBy(l => l[1]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())),
            r.GetProperty("bySymbol").EnumerateArray().Select(g => (g.GetProperty("group").GetString()!, g.GetProperty("trades").GetInt32())));
        Assert.Equal(ledger.GroupBy(l => l[11]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())),
            r.GetProperty("byExitReason").EnumerateArray().Select(g => (g.GetProperty("group").GetString()!, g.GetProperty("trades").GetInt32())));
    }

    [Fact]
    public async Task The_marked_equity_file_is_the_path_the_emergency_stop_read_its_transitions_and_deepest_drawdown_included()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["report", "--state", reference.Dir.File("state"), "--marked-equity", dir.File("marked.csv")]));

        var lines = File.ReadAllLines(dir.File("marked.csv"));
        Assert.Equal("account,time,marked_equity,peak_equity,drawdown_pct,mode", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(f => (Account: f[0], Time: DateTimeOffset.Parse(f[1], CultureInfo.InvariantCulture),
            Equity: double.Parse(f[2], CultureInfo.InvariantCulture), Peak: double.Parse(f[3], CultureInfo.InvariantCulture),
            Drawdown: double.Parse(f[4], CultureInfo.InvariantCulture), Mode: f[5])).ToArray();
        Assert.All(rows, r => Assert.Equal("paper", r.Account));
        Assert.Equal((10_000.0, "NORMAL"), (rows[0].Equity, rows[0].Mode));
        for (var i = 1; i < rows.Length; i++)
        {
            Assert.True(rows[i].Time >= rows[i - 1].Time, $"row {i + 1} goes back in time");
            Assert.Equal(Math.Max(rows[i - 1].Peak, rows[i].Equity), rows[i].Peak, 4);
        }

        // Every mode change of the summary is a row where the mode column changes, and no other row changes it.
        var s = reference.Summary;
        var changes = rows.Zip(rows.Skip(1), (before, after) => (after.Time, From: before.Mode, To: after.Mode)).Where(c => c.From != c.To).ToArray();
        Assert.Equal(s.EssTransitions.Select(t => (t.Time, t.From, t.To)), changes);
        var deepest = rows.MinBy(r => r.Drawdown);
        Assert.Equal(s.MarkedMaxDrawdown, deepest.Drawdown, 5);
        Assert.Equal(s.MarkedMaxDrawdownAt, deepest.Time);
        Assert.Equal(s.EssMode, rows[^1].Mode);

        // 'ess replay' reads the file: under the run's options it makes the run's transitions, under others its own.
        Assert.Equal(0, await QtCli.RunAsync(["ess", "replay", "--equity", dir.File("marked.csv"), "--json", dir.File("same.json")]));
        var same = Transitions(dir.File("same.json"));
        Assert.Equal(s.EssTransitions.Select(t => (t.Time, t.From, t.To)), same.Select(t => (t.Time, t.From, t.To)));
        Assert.All(s.EssTransitions.Zip(same, (run, replayed) => (run.Drawdown, replayed.Drawdown)), p => Assert.Equal(p.Item1, p.Item2, 4));
        Assert.Equal(0, await QtCli.RunAsync(["ess", "replay", "--equity", dir.File("marked.csv"), "--ess-thresholds", "-12,-6,-3", "--json", dir.File("wider.json")]));
        var wider = Transitions(dir.File("wider.json"));
        Assert.Equal((rows.First(r => r.Drawdown < -3).Time, "NORMAL", "CAUTIOUS"), (wider[0].Time, wider[0].From, wider[0].To));
        Assert.True(wider.Count < same.Count, $"{wider.Count} transitions with wider thresholds against {same.Count}");
    }

    private static List<(DateTimeOffset Time, string From, string To, double Drawdown)> Transitions(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("transitions").EnumerateArray().Select(t => (t.GetProperty("time").GetDateTimeOffset(),
            t.GetProperty("from").GetString()!, t.GetProperty("to").GetString()!, t.GetProperty("drawdown").GetDouble())).ToList();
    }

    [Fact]
    public async Task A_directory_without_a_journal_or_a_starting_equity_is_refused()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["report", "--state", dir.File("nothing")]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["report", "--state", dir.File("nothing"), "--equity", "10000"]));
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["report", "--state", reference.Dir.File("state"), "--equity", "0"]));
    }
}
