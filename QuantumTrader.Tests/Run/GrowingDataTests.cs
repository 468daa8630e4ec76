using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// Data that grows: a state directory keeps the plan of its first start (plan.json), so a later start on more bars
/// trades them with the same first models; a following node ('qt node --follow') resumes by itself when rows are appended.
/// </summary>
public sealed class GrowingDataTests
{
    private const int FirstLines = 3000;
    private static readonly string[] Files = ["BTCUSDT-1h.csv", "ETHUSDT-1h.csv"];

    /// <summary>The first <see cref="FirstLines"/> lines of each bundled file, in a folder of their own.</summary>
    private static string FirstPart(TempDir dir, string name)
    {
        var folder = dir.File(name);
        Directory.CreateDirectory(folder);
        foreach (var file in Files)
            File.WriteAllLines(Path.Combine(folder, file), File.ReadLines(Path.Combine(ReferenceRun.Data, file)).Take(FirstLines));
        return folder;
    }

    /// <summary>Appends the rest of each bundled file, complete lines only.</summary>
    private static void AppendRest(string folder)
    {
        foreach (var file in Files)
            File.AppendAllLines(Path.Combine(folder, file), File.ReadLines(Path.Combine(ReferenceRun.Data, file)).Skip(FirstLines));
    }

    private static RunSettings Settings(string data, string state, string trades) => new()
    {
        Data = [data], StateDirectory = state, Models = ["xgb"], TradesOut = trades,
    };

    [Fact]
    public async Task A_start_on_grown_data_keeps_the_plan_and_a_following_node_trades_the_appended_rows_the_same_way()
    {
        using var dir = new TempDir();

        // Two plain starts: the first on the first part, the second after the rest was appended.
        var data = FirstPart(dir, "data");
        var first = await RunJob.ExecuteAsync(Settings(data, dir.File("state"), dir.File("first.csv")), new CollectingObserver([], []), CancellationToken.None);
        var plan = StoredPlan.Read(dir.File("state"))!;
        AppendRest(data);
        var messages = new List<string>();
        var second = await RunJob.ExecuteAsync(Settings(data, dir.File("state"), dir.File("second.csv")), new CollectingObserver(messages, []), CancellationToken.None);

        Assert.Equal((8618L, first.Bars), (second.Bars, second.BarsAlreadyProcessed));
        Assert.DoesNotContain(messages, m => m.StartsWith("training xgb", StringComparison.Ordinal));
        Assert.Equal(first.Models.Single().Version, second.Models.Single().Version);
        Assert.Equal(plan.TradeFrom, StoredPlan.Read(dir.File("state"))!.TradeFrom);
        Assert.True(second.TradesClosed > first.TradesClosed);
        var firstTrades = File.ReadAllLines(dir.File("first.csv"));
        Assert.Equal(firstTrades, File.ReadAllLines(dir.File("second.csv")).Take(firstTrades.Length));

        // The state directory started at 30%: another fraction is refused, naming the plan.
        var refused = await Assert.ThrowsAsync<UsageException>(() => RunJob.ExecuteAsync(
            Settings(data, dir.File("state"), dir.File("x.csv")) with { TrainFraction = 0.4 }, new CollectingObserver([], []), CancellationToken.None));
        Assert.Contains(StoredPlan.PathIn(dir.File("state")), refused.Message);

        // A following node on the first part, its rows appended while it serves: it resumes by itself and ends where the two starts did.
        var followed = FirstPart(dir, "followed");
        var followMessages = new List<string>();
        var badRows = new List<BadRow>();
        var serving = 0;
        var observer = new FollowingObserver(followMessages, badRows, async cancel =>
        {
            if (++serving > 1) return;
            AppendRest(followed);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(2), cancel);
            }
            catch (OperationCanceledException)
            {
            }
        });
        var last = await RunJob.ExecuteAsync(Settings(followed, dir.File("following"), dir.File("followed.csv")) with { FollowEvery = TimeSpan.FromMilliseconds(200) },
            observer, CancellationToken.None);

        Assert.Equal(2, serving);
        Assert.Contains("the data grew: the node stops and resumes from the journal with the new rows", followMessages);
        Assert.Equal((second.Bars, second.BarsAlreadyProcessed), (last.Bars, last.BarsAlreadyProcessed));
        Assert.Equal(File.ReadAllLines(dir.File("second.csv")), File.ReadAllLines(dir.File("followed.csv")));
        // The duplicate rows of the first part were read at both starts and reported once; the appended part's once too.
        Assert.Equal(second.RejectedRows, last.RejectedRows);
        Assert.Equal(last.RejectedRows, badRows.Count);
        Assert.Equal(badRows.Count, badRows.Distinct().Count());
    }

    [Fact]
    public async Task A_following_node_alerts_on_gaps_in_its_data_once_and_on_data_that_goes_quiet_and_comes_back()
    {
        using var dir = new TempDir();
        var followed = FirstPart(dir, "followed");
        var messages = new List<string>();
        var seen = new List<string[]>();
        const string gapAlert = "data-gap Warning";
        var serving = 0;
        var observer = new FollowingObserver(messages, [], async cancel =>
        {
            string url;
            lock (messages) url = messages.Last(m => m.StartsWith("ops API and dashboard at ", StringComparison.Ordinal))["ops API and dashboard at ".Length..];
            using var client = new Host.Ops.OpsClient(url, Host.Ops.OpsCredentials.None);
            async Task<string[]> DataAlerts(string until, int count = 1)
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (true)
                {
                    var view = await client.GetAsync<QuantumTrader.Actors.Protocol.AlertsView>("/api/alerts?latest=1000", cancel);
                    var kinds = view.Latest.OrderBy(a => a.Number).Where(a => a.Kind.StartsWith("data-", StringComparison.Ordinal)).Select(a => $"{a.Kind} {a.Severity}").ToArray();
                    if (kinds.Count(k => k == until) >= count) return kinds;
                    Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"no {until} alert within 60 s: {string.Join(", ", kinds)}");
                    await Task.Delay(100, cancel);
                }
            }
            if (++serving == 1)
            {
                seen.Add(await DataAlerts("data-stale Warning"));
                AppendRest(followed);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(2), cancel);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            }
            seen.Add(await DataAlerts(gapAlert, 14));
        });

        await RunJob.ExecuteAsync(Settings(followed, dir.File("state"), dir.File("trades.csv")) with
        {
            FollowEvery = TimeSpan.FromMilliseconds(100), StaleAfter = TimeSpan.FromMilliseconds(300), OpsUrl = "http://127.0.0.1:0",
        }, observer, CancellationToken.None);

        // The first part skips bars 10 times, the appended rows 4 more: each gap is journaled at the start that first read it, once.
        var firstGaps = ReplayData.Load([FirstPart(dir, "check")], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Gaps;
        AppendRest(dir.File("check"));
        var allGaps = ReplayData.Load([dir.File("check")], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Gaps;
        Assert.Equal((10, 14), (firstGaps.Count, allGaps.Count));
        Assert.Equal(2, serving);
        Assert.Equal([.. Enumerable.Repeat(gapAlert, 10), "data-stale Warning"], seen[0]);
        Assert.Equal([.. Enumerable.Repeat(gapAlert, 10), "data-stale Warning", "data-resumed Info", .. Enumerable.Repeat(gapAlert, 4)], seen[1]);
        Assert.Contains(messages, m => m.StartsWith("follow: no new complete row for ", StringComparison.Ordinal));
        var audit = await AuditVerb.ReadAsync(dir.File("state"), CancellationToken.None);
        Assert.Equal(allGaps.Select(g => (g.Symbol, g.Before)).Order(), audit.Trail.Where(e => e.Kind == "data-gap").Select(e => (e.Subject, e.Time)).Order());
        var stale = audit.Trail.First(e => e.Kind == "data-stale");
        Assert.Equal(ReplayData.Load([FirstPart(dir, "check")], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Bars[^1].Time, stale.Time);
        Assert.Contains("(limit 0.3 s)", stale.Detail);
    }

    [Fact]
    public void Data_grows_only_by_complete_rows_or_new_files()
    {
        using var dir = new TempDir();
        var folder = FirstPart(dir, "data");
        var data = ReplayData.Load([folder], DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        Assert.False(data.Grew([folder]));

        var btc = Path.Combine(folder, Files[0]);
        var next = File.ReadLines(Path.Combine(ReferenceRun.Data, Files[0])).Skip(FirstLines).First();
        File.AppendAllText(btc, next[..10]);
        Assert.False(data.Grew([folder]));

        // The half-written row: a plain run rejects it; a following node waits for it instead.
        Assert.Contains(ReplayData.Load([folder], DataFormat.Auto, BadRowPolicy.Skip, _ => { }).Rejected, r => r.Line == FirstLines + 1);
        var writing = new List<BadRow>();
        var following = ReplayData.Load([folder], DataFormat.Auto, BadRowPolicy.Skip, _ => { }, writing.Add);
        Assert.Equal((Path.GetFileName(btc), FirstLines + 1), (Path.GetFileName(Assert.Single(writing).File), writing[0].Line));
        Assert.Equal(data.Rejected, following.Rejected);
        Assert.Equal(data.Bars.Count, following.Bars.Count);

        File.AppendAllText(btc, next[10..] + "\n");
        Assert.True(data.Grew([folder]));
        Assert.True(following.Grew([folder]));
        var complete = ReplayData.Load([folder], DataFormat.Auto, BadRowPolicy.Skip, _ => { }, writing.Add);
        Assert.Equal((data.Bars.Count + 1, 1), (complete.Bars.Count, writing.Count));

        var other = ReplayData.Load([folder], DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        Assert.False(other.Grew([folder]));
        File.Copy(Path.Combine(ReferenceRun.Data, "BTCUSDT-1h.csv"), Path.Combine(folder, "SOLUSDT-1h.csv"));
        Assert.True(other.Grew([folder]));
    }

    private sealed class FollowingObserver(List<string> messages, List<BadRow> badRows, Func<CancellationToken, Task> whileServing) : IRunObserver
    {
        public void Info(string message) { lock (messages) messages.Add(message); }
        public void BadRow(BadRow row) { lock (badRows) badRows.Add(row); }
        public void Progress(long done, long total) { }
        public Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => whileServing(cancel);
    }
}
