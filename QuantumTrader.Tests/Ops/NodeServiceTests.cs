using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The node service ('qt node'): the run's replay with the ops API up, and the node still serving after the replay,
/// where the console reads the same trades, entities and account the run's summary reports.
/// </summary>
public sealed class NodeServiceTests
{
    private const string ApiAt = "ops API and dashboard at ";

    [Fact]
    public async Task After_the_replay_the_node_serves_the_console_what_the_run_summary_reports()
    {
        using var dir = new TempDir();
        using var hook = new WebhookReceiver(refuse: 1);
        var messages = new List<string>();
        var seen = new Dictionary<string, JsonElement>();
        var page = "";
        var observer = new ServingObserver(messages, async (summary, cancel) =>
        {
            var url = messages.Single(m => m.StartsWith(ApiAt, StringComparison.Ordinal))[ApiAt.Length..];
            foreach (var verb in new[] { "models", "shards" })
                seen[verb] = await Ctl(dir, url, verb);
            seen["ess"] = await Ctl(dir, url, "ess", "status");
            seen["trades"] = await Ctl(dir, url, "trades", "--last", "5");
            seen["eth"] = await Ctl(dir, url, "trades", "--symbol", "ETHUSDT", "--last", "100000");
            seen["bySymbol"] = await Ctl(dir, url, "performance", "--by", "Symbol");
            seen["byRegime"] = await Ctl(dir, url, "performance", "--by", "Regime", "--min-trades", "5");
            seen["audit"] = await Ctl(dir, url, "audit", "--latest", "10");
            var lastTrade = seen["trades"].GetProperty("trades").EnumerateArray().Last().GetProperty("tradeId").GetString()!;
            seen["story"] = await Ctl(dir, url, "audit", "--latest", "0", "--trade", lastTrade);
            seen["alerts"] = await AwaitAlerts(dir, url, summary.EssTransitions.Count);
            seen["report"] = await Ctl(dir, url, "report", "--by", "Week");
            seen["accuracy"] = await Ctl(dir, url, "accuracy", "--min-calls", "5", "--weakest", "2");
            seen["everyBar"] = await Ctl(dir, url, "accuracy", "--every-bar", "--min-calls", "5", "--weakest", "2");
            page = await DashboardBrowserTests.RenderedPage(url);
            using var http = new HttpClient();
            seen["markedEquity"] = JsonDocument.Parse(await http.GetStringAsync(new Uri(new Uri(url), "/api/marked-equity?points=50"), cancel)).RootElement.Clone();
            var refused = await http.GetAsync(new Uri(new Uri(url), "/api/accuracy?minCalls=0"), cancel);
            seen["accuracyRefused"] = JsonSerializer.SerializeToElement(new { status = (int)refused.StatusCode, text = await refused.Content.ReadAsStringAsync(cancel) });
        });
        var settings = new RunSettings
        {
            Data = [ReferenceRun.Data], StateDirectory = dir.File("state"), Models = ["xgb"], OpsUrl = "http://127.0.0.1:0",
            TradesOut = dir.File("trades.csv"), AlertRoutes = [new QuantumTrader.Actors.Alerts.AlertRoute(hook.Url, QuantumTrader.Models.Audit.AlertSeverity.Warning)],
        };

        var summary = await RunJob.ExecuteAsync(settings, observer, CancellationToken.None);

        Assert.True(summary.TradesClosed > 0);
        var model = Assert.Single(seen["models"].GetProperty("models").EnumerateArray());
        Assert.Equal(("xgb", summary.Models[0].Trades), (model.GetProperty("id").GetString(), model.GetProperty("trades").GetInt32()));
        var symbols = seen["shards"].GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == "symbol");
        Assert.Equal(2, symbols.GetProperty("entities").GetInt32());
        Assert.Equal(summary.FinalEquity, seen["ess"].GetProperty("equity").GetDouble(), 6);
        Assert.Equal(summary.EssTransitions.Count, seen["ess"].GetProperty("transitions").GetArrayLength());

        // The console's trades are the run's ledger: the same last five, in the same order, each with its decision record.
        var ledger = File.ReadAllLines(dir.File("trades.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(summary.TradesClosed, seen["trades"].GetProperty("total").GetInt32());
        var latest = seen["trades"].GetProperty("trades").EnumerateArray().ToArray();
        Assert.Equal(ledger.TakeLast(5).Select(r => r[0]), latest.Select(t => t.GetProperty("tradeId").GetString()));
        Assert.All(latest, t => Assert.Equal("xgb", t.GetProperty("decision").GetProperty("ensemble").GetProperty("votes")[0].GetProperty("modelId").GetString()));
        var eth = seen["eth"].GetProperty("trades").EnumerateArray().ToArray();
        Assert.Equal(ledger.Count(r => r[1] == "ETHUSDT"), eth.Length);
        Assert.All(eth, t => Assert.Equal("ETHUSDT", t.GetProperty("symbol").GetString()));

        // The only model voted every entry, so its record per symbol is the ledger's: count and share of winners.
        var bySymbol = seen["bySymbol"].GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(summary.TradesClosed, seen["bySymbol"].GetProperty("tradesRead").GetInt32());
        foreach (var symbol in new[] { "BTCUSDT", "ETHUSDT" })
        {
            var row = bySymbol.Single(r => r.GetProperty("group").GetString() == symbol).GetProperty("stats");
            var own = ledger.Where(r => r[1] == symbol).Select(r => double.Parse(r[10], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(("xgb", own.Length), (row.GetProperty("modelId").GetString(), row.GetProperty("trades").GetInt32()));
            Assert.Equal(own.Count(r => r > 0) / (double)own.Length, row.GetProperty("winRate").GetDouble(), 12);
        }
        Assert.Single(bySymbol, r => r.GetProperty("weakest").GetBoolean());
        var byRegime = seen["byRegime"].GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(summary.TradesClosed, byRegime.Sum(r => r.GetProperty("stats").GetProperty("trades").GetInt32()));
        Assert.All(byRegime, r => Assert.True(Enum.IsDefined(Enum.Parse<Models.Features.MarketRegime>(r.GetProperty("group").GetString()!)), r.ToString()));
        Assert.Single(byRegime, r => r.GetProperty("weakest").GetBoolean());

        // The audit of the serving node's journal: nothing lost, the run's equity, the last trade's settlement among the latest decisions.
        var audit = seen["audit"];
        Assert.True(audit.GetProperty("passed").GetBoolean(), audit.GetProperty("checks").ToString());
        Assert.All(audit.GetProperty("checks").EnumerateArray(), c => Assert.Equal("Passed", c.GetProperty("outcome").GetString()));
        Assert.Equal(summary.FinalEquity, audit.GetProperty("finalEquity").GetDouble(), 6);
        var lastDecisions = audit.GetProperty("latest").EnumerateArray().ToArray();
        Assert.Equal(10, lastDecisions.Length);
        Assert.Contains(lastDecisions, e => e.GetProperty("kind").GetString() == "trade-settled" && e.GetProperty("detail").GetString()!.StartsWith(ledger[^1][0]));
        var story = seen["story"].GetProperty("trade");
        Assert.Equal(ledger[^1][0], story.GetProperty("trade").GetProperty("tradeId").GetString());
        Assert.Equal(summary.Models[0].Version, story.GetProperty("served").EnumerateArray().Single().GetProperty("champion").GetString());

        // The node's trading report is the run's summary, by ISO week.
        var report = seen["report"];
        Assert.Equal((summary.TradesClosed, "Week"), (report.GetProperty("trades").GetInt32(), report.GetProperty("by").GetString()));
        Assert.Equal(summary.FinalEquity, report.GetProperty("finalEquity").GetDouble(), 6);
        Assert.Equal(summary.MaxDrawdown, report.GetProperty("maxDrawdownPercent").GetDouble(), 9);
        Assert.Equal(summary.MarkedMaxDrawdown, report.GetProperty("markedMaxDrawdownPercent").GetDouble(), 9);
        Assert.True(summary.MarkedMaxDrawdown < 0, "the node's account saw its equity fall below the start");

        // The equity the stop read, thinned for the dashboard's chart: from the starting equity, its deepest point kept, ending in the run's mode.
        var marked = seen["markedEquity"];
        var points = marked.GetProperty("points").EnumerateArray().ToArray();
        Assert.InRange(points.Length, 2, 50);
        Assert.True(marked.GetProperty("observations").GetInt32() > 50);
        Assert.Equal(10_000, points[0].GetProperty("equity").GetDouble());
        Assert.Equal(summary.MarkedMaxDrawdown, marked.GetProperty("maxDrawdown").GetDouble(), 9);
        var deepest = points.MinBy(p => p.GetProperty("drawdown").GetDouble());
        Assert.Equal(summary.MarkedMaxDrawdown, deepest.GetProperty("drawdown").GetDouble(), 9);
        Assert.Equal(summary.MarkedMaxDrawdownAt, deepest.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(summary.EssMode, points[^1].GetProperty("mode").GetString());
        Assert.Contains("<polyline class=\"marked\" points=\"", page);
        Assert.All(report.GetProperty("periods").EnumerateArray(), p => Assert.Matches(@"^20\d\d-W\d\d$", p.GetProperty("period").GetString()));

        // The node's prediction accuracy is what 'qt accuracy' reads from the same journal once the node has stopped.
        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", dir.File("state"), "--min-calls", "5", "--weakest", "2", "--json", dir.File("accuracy.json")]));
        var offline = JsonDocument.Parse(File.ReadAllText(dir.File("accuracy.json"))).RootElement;
        var accuracy = seen["accuracy"];
        Assert.True(accuracy.GetProperty("decisions").GetInt32() >= summary.TradesClosed, accuracy.ToString());
        Assert.Equal(offline.GetProperty("decisions").GetInt32(), accuracy.GetProperty("decisions").GetInt32());
        Assert.Equal(offline.GetProperty("models").ToString(), accuracy.GetProperty("models").ToString());
        var xgb = Assert.Single(accuracy.GetProperty("models").EnumerateArray());
        Assert.Equal(xgb.GetProperty("calls").GetInt32(), xgb.GetProperty("bySymbol").EnumerateArray().Sum(g => g.GetProperty("calls").GetInt32()));
        Assert.InRange(xgb.GetProperty("weakest").GetArrayLength(), 1, 2);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"<tr><td>xgb</td><td class=\"n\">{xgb.GetProperty("calls").GetInt32()}</td><td>{100 * xgb.GetProperty("accuracy").GetDouble():F1} %</td>"), page);
        Assert.Contains($"{accuracy.GetProperty("decisions").GetInt32()} decisions in the journal", page);
        // At every traded bar the node's served xgb answers again what the journal holds at each decision.
        Assert.Equal(0, await QtCli.RunAsync(["accuracy", "--state", dir.File("state"), "--every-bar", "--min-calls", "5", "--weakest", "2", "--json", dir.File("every-bar.json")]));
        var everyBar = seen["everyBar"];
        Assert.True(everyBar.GetProperty("agreement").GetProperty("allSame").GetBoolean(), everyBar.GetProperty("agreement").ToString());
        Assert.True(everyBar.GetProperty("agreement").GetProperty("compared").GetInt32() >= accuracy.GetProperty("decisions").GetInt32());
        Assert.True(everyBar.GetProperty("models")[0].GetProperty("calls").GetInt32() > xgb.GetProperty("calls").GetInt32());
        Assert.Equal(JsonDocument.Parse(File.ReadAllText(dir.File("every-bar.json"))).RootElement.GetProperty("models").ToString(), everyBar.GetProperty("models").ToString());
        Assert.Equal(400, seen["accuracyRefused"].GetProperty("status").GetInt32());
        Assert.Equal("minCalls must be at least 1, got 0", seen["accuracyRefused"].GetProperty("text").GetString());

        // Every emergency-stop change of the run is an alert; the webhook got every warning and critical one, once each and in order.
        var alerts = seen["alerts"].GetProperty("latest").EnumerateArray().ToArray();
        var modeChanges = alerts.Where(a => a.GetProperty("kind").GetString() is "emergency-triggered" or "emergency-recovered").ToArray();
        Assert.NotEmpty(summary.EssTransitions);
        Assert.Equal(summary.EssTransitions.Select(t => $"{t.From} -> {t.To}"),
            modeChanges.Select(a => a.GetProperty("detail").GetString()![..a.GetProperty("detail").GetString()!.IndexOf(" at ", StringComparison.Ordinal)]));
        var sent = alerts.Where(a => a.GetProperty("severity").GetString() is "Warning" or "Critical").Select(a => a.GetProperty("number").GetInt64()).ToArray();
        Assert.Equal(sent, hook.Accepted.Select(a => a.GetProperty("number").GetInt64()));
        Assert.Equal(summary.EssTransitions.Count(t => Tighter(t.To, t.From)),
            hook.Accepted.Count(a => a.GetProperty("kind").GetString() == "emergency-triggered"));
        Assert.Equal(1, hook.Refused);
        Assert.Equal(0, seen["alerts"].GetProperty("routes")[0].GetProperty("pending").GetInt32());
    }

    private static readonly string[] StrictestFirst = ["EMERGENCY", "PROTECTIVE", "CAUTIOUS", "NORMAL"];

    private static bool Tighter(string to, string from) => Array.IndexOf(StrictestFirst, to) < Array.IndexOf(StrictestFirst, from);

    /// <summary>The node's alerts once its feed has read every emergency-stop change of the run and the webhook has every alert due.</summary>
    private static async Task<JsonElement> AwaitAlerts(TempDir dir, string url, int modeChanges)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var view = await Ctl(dir, url, "alerts", "--latest", "100000");
            var read = view.GetProperty("latest").EnumerateArray().Count(a => a.GetProperty("kind").GetString() is "emergency-triggered" or "emergency-recovered");
            if (read == modeChanges && view.GetProperty("routes")[0].GetProperty("pending").GetInt32() == 0) return view;
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"the alert feed showed {read} of {modeChanges} mode changes: {view}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_node_address_that_is_not_one_is_refused_before_anything_starts()
    {
        using var dir = new TempDir();
        Assert.Equal(ExitCodes.BadInput, await QtCli.RunAsync(["node", "--state", dir.File("state"), "--http", "127.0.0.1"]));
        Assert.False(Directory.Exists(dir.File("state")), "nothing was written");
    }

    private static async Task<JsonElement> Ctl(TempDir dir, string url, params string[] args)
    {
        var file = dir.File($"ctl-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", .. args, "--node", url, "--json", file]));
        return JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
    }

    private sealed class ServingObserver(List<string> messages, Func<RunSummary, CancellationToken, Task> whileServing) : IRunObserver
    {
        public void Info(string message) { lock (messages) messages.Add(message); }
        public void BadRow(BadRow row) { }
        public void Progress(long done, long total) { }
        public Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => whileServing(summary, cancel);
    }
}
