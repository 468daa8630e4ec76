using System.Diagnostics;
using System.Text.RegularExpressions;
using Akka.Actor;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Actors;
using QuantumTrader.Tests.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The dashboard as an operator sees it: Debian's Chromium, headless, loads the page from a real node, runs its script
/// against the node's API and the test reads the rendered page (package chromium; .ci/run installs it when missing).
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset T0 = ServedNode.T0;
    private ServedNode _served = null!;

    public async Task InitializeAsync() => _served = await ServedNode.StartAsync();

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Fact]
    public async Task The_rendered_dashboard_shows_the_emergency_stop_the_models_and_the_cluster_of_the_node()
    {
        await _served.Node.Models.Ask<OutcomesAck>(new RecordModelOutcomes(ModelSlots.Xgb,
            [new ModelOutcome("t1", "BTCUSDT", T0, 2.0), new ModelOutcome("t2", "BTCUSDT", T0.AddHours(1), -1.0), new ModelOutcome("t3", "ETHUSDT", T0.AddHours(2), 1.0)]), Timeout);
        await _served.Node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", T0), Timeout);
        var registry = _served.Node.Registry.Get<ModelRegistrySingleton>();
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v1", T0.AddDays(-9));
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v2", T0.AddDays(-8));
        await registry.Ask<ModelRegistryReply>(new StartModelShadowTest(ModelSlots.Xgb, "xgb-v2", "drift alarm", T0.AddDays(-8)), Timeout);
        var decided = await registry.Ask<ModelRegistryReply>(new DecideModelPromotion(ModelSlots.Xgb, "xgb-v2",
            PromotionGateTests.Shadow(200, challengerRight: 5, championRight: 6), PromotionGateSettings.Seed, T0.AddDays(-5), AbTestSettings.Seed), Timeout);
        Assert.True(decided.Succeeded, decided.Error);
        await ModelRegistryActorTests.Register(registry, _served.Dir.Path, "xgb-v3", T0.AddDays(-4));
        await registry.Ask<ModelRegistryReply>(new StartModelShadowTest(ModelSlots.Xgb, "xgb-v3", "scheduled", T0.AddDays(-4)), Timeout);
        var approved = await registry.Ask<ModelRegistryReply>(new DecideModelPromotion(ModelSlots.Xgb, "xgb-v3",
            PromotionGateTests.Shadow(200, challengerRight: 7, championRight: 6), PromotionGateSettings.Seed, T0.AddDays(-1), AbTestSettings.Seed), Timeout);
        Assert.True(approved.Succeeded, approved.Error);
        var recorded = await registry.Ask<ModelRegistryReply>(new RecordModelErrors(ModelSlots.Xgb, "xgb-v1",
            [new PredictionError("ETHUSDT", T0.AddDays(-6), MarketRegime.Crash, false, TradeAction.Buy, 0.875, "xgb-v1")], 1000, T0.AddDays(-1)), Timeout);
        Assert.True(recorded.Succeeded, recorded.Error);
        var requested = await registry.Ask<ModelRegistryReply>(new RequestModelRetraining(ModelSlots.Xgb, "new fee tiers", T0), Timeout);
        Assert.True(requested.Succeeded, requested.Error);
        var drift = await registry.Ask<ModelRegistryReply>(new RecordModelMarketDrift(ModelSlots.Xgb, "xgb-v1",
        [
            new DriftMeasure("BTCUSDT", DriftKind.Feature, 0.412, 0.3, true, "drifted: rv_20 KS 0.412 > 0.3; drifted 24 bars earlier too"),
            new DriftMeasure("BTCUSDT", DriftKind.Regime, 0.1, 0.25, false, "stable; distance 0.1 against 0.25"),
        ], T0.AddDays(-2)), Timeout);
        Assert.True(drift.Succeeded, drift.Error);

        // The alert feed reads the journal behind the node: the trigger (critical), the market drift (warning), the promotion,
        // the A/B test and the retraining request (info).
        var waited = Stopwatch.StartNew();
        while (await _served.Node.Alerts.Ask<AlertsView>(new GetAlerts(0), Timeout) is not { Critical: 1, Warning: 1, Info: 3 })
        {
            Assert.True(waited.Elapsed < Timeout, "the alert feed did not read the journal in time");
            await Task.Delay(50);
        }

        var page = await RenderedPage(_served.Api.Url);

        Assert.Matches("<span id=\"error\"></span>", page);
        Assert.Contains("mode <span class=\"mode-EMERGENCY\">EMERGENCY</span>, trading off (manual trigger latched), drawdown 0.00 % (deepest 0.00 %), settled equity", page);
        Assert.Contains("<td>manual trigger: exchange outage</td>", page);
        Assert.Contains("<span class=\"sev-critical\">1</span> critical, <span class=\"sev-warning\">1</span> warning, <span>3</span> info. " +
            "<span>No webhook: the alerts are shown here only.</span>", page);
        Assert.Matches("<tr><td class=\"n\">1</td><td class=\"sev-critical\">critical</td><td>[^<]+</td><td>emergency-triggered</td><td>paper</td>" +
            "<td>NORMAL -&gt; EMERGENCY at drawdown 0\\.00% \\(operator\\): manual trigger: exchange outage</td><td></td></tr>", page);
        // Model rows: id, version, weight, trades.
        Assert.Matches("<tr><td>xgb</td><td>xgb-v1</td><td class=\"n\">0.5000</td><td class=\"n\">3</td>.*<td>xgb-v3 \\(20 %\\)</td></tr>", page);
        Assert.Matches("<tr><td>lgbm</td><td>scripted-1</td><td class=\"n\">0.5000</td><td class=\"n\">0</td>", page);
        Assert.Matches(new Regex("<td>akka\\.tcp://quantumtrader@127\\.0\\.0\\.1:\\d+ \\(this node\\)</td><td>Up</td>"), page);
        Assert.Matches("<tr><td>account</td><td>[^<]+</td><td class=\"n\">1</td><td class=\"n\">1</td></tr>", page);
        Assert.Matches("<tr><td>CAUTIOUS</td><td class=\"n\">300</td><td class=\"n\">10</td>", page);
        Assert.Contains("<div id=\"trades\"><table><tbody><tr><th>exit</th>", page);
        // A trigger before any equity was observed leaves nothing to draw.
        Assert.Contains("<div id=\"equity\"><div><p>Account paper has settled no trade and held no position yet.</p></div></div>", page);
        Assert.Contains("<div id=\"report\"><div><p>0 closed trades, net PnL 0.00 (0.00 %), profit factor -, fees 0.00, max drawdown 0.00 % over closed trades, 0.00 % marked to market.</p>", page);
        // Registry rows, newest first: time, event, slot, version, what.
        Assert.Contains("<td>retraining-requested</td><td>xgb</td><td>xgb-v1</td><td>retraining requested by an operator: new fee tiers</td>", page);
        Assert.Matches("<td>errors-recorded</td><td>xgb</td><td>xgb-v1</td><td>added 1 to the error replay buffer; the worst: Buy on ETHUSDT at [0-9T:+.-]+, confidence 0\\.875</td>", page);
        Assert.Contains("<td>ab-test-started</td><td>xgb</td><td>xgb-v3</td><td>takes 20 % of the decisions against xgb-v1</td>", page);
        Assert.Contains("<td>promotion-gate-decided</td><td>xgb</td><td>xgb-v2</td><td>rejected: accuracy 0.5 &lt; 0.65; weakest symbol ETHUSDT accuracy 0.4 &lt; 0.55; " +
            "accuracy 0.5 against the champion's 0.6 (-16.7%) &lt;= +2.0%</td>", page);
        Assert.Contains("<td>shadow-test-started</td><td>xgb</td><td>xgb-v2</td><td>shadow test against xgb-v1: drift alarm</td>", page);
        Assert.Contains("<td>version-promoted</td><td>xgb</td><td>xgb-v1</td><td>first version of the slot</td>", page);
        Assert.Matches("<td>version-registered</td><td>xgb</td><td>xgb-v2</td><td>trained on 20[0-9-]+T[0-9:+.]+ \\.\\. 20[0-9-]+T[0-9:+.]+</td>", page);
        // The audit flags the outcomes this test recorded for trades no symbol closed; the journal itself has no gap.
        Assert.Contains("a check FAILED.", page);
        Assert.Contains("<td>journal-sequence</td><td>passed</td>", page);
        Assert.Contains("<div id=\"drift\"><div><p>1 of 1 checks found drift.", page);
        Assert.Contains("<tr><td>xgb</td><td>xgb-v1</td><td>2021-02-27T00:00:00+00:00</td><td>BTCUSDT</td><td>feature</td><td class=\"n\">0.4120</td>" +
            "<td class=\"n\">0.3000</td><td>DRIFT</td><td>drifted: rv_20 KS 0.412 &gt; 0.3; drifted 24 bars earlier too</td></tr>", page);
        Assert.Contains("<td>market-drift</td>", page);
        // This node was started without a run's data, so its decisions cannot be scored: the panel says why.
        Assert.Contains("<div id=\"accuracy\"><p>The prediction accuracy did not answer: /api/accuracy: 404 the node's state directory holds no run.json", page);
        Assert.Contains("<td>model-outcomes</td><td>FAILED</td><td>3 problem(s): xgb: t1 recorded but no symbol closed it", page);
    }

    /// <summary>The page's DOM after its script ran, as headless Chromium dumps it; <paramref name="fragment"/> follows the address ("#token=...").</summary>
    internal static async Task<string> RenderedPage(string url, string fragment = "")
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} not found: install Debian's chromium package (.ci/run does)");
        // A profile of its own, holding Chromium's temporary files too: nothing is left in the user's home or in /tmp.
        using var profile = new TempDir();
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["TMPDIR"] = profile.Path;
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", $"--user-data-dir={profile.Path}", "--dump-dom", url + "/" + fragment })
            start.ArgumentList.Add(a);
        using var browser = Process.Start(start)!;
        var dom = browser.StandardOutput.ReadToEndAsync();
        var log = browser.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await browser.WaitForExitAsync(cancel.Token);
        Assert.True(browser.ExitCode == 0, $"chromium exited with {browser.ExitCode}: {await log}");
        return await dom;
    }
}
