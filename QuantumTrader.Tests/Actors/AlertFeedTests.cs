using System.Text.RegularExpressions;
using Akka.Actor;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The alert feed of a real node (SQLite journal) posting to a real HTTP endpoint that refuses and recovers.</summary>
public sealed class AlertFeedTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset T0 = LearningTrades.Start;

    [Fact]
    public async Task An_alert_the_webhook_refused_reaches_it_on_a_retry_and_a_crashed_node_sends_no_alert_twice()
    {
        using var hook = new WebhookReceiver(refuse: 2);
        using var dir = new TempDir();
        await using var node = new NodeFixture([], dir: dir, alerts: new AlertSettings(hook.Url, AlertSeverity.Warning, "test-node"));

        // NORMAL -> EMERGENCY is critical: the webhook refuses it twice and takes it on the third try.
        await node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", T0), Timeout);
        var first = (await hook.AwaitAccepted(1, Timeout)).Single();
        Assert.Equal((1L, "critical", "emergency-triggered", "paper", "account-paper"),
            (first.GetProperty("number").GetInt64(), first.GetProperty("severity").GetString(), first.GetProperty("kind").GetString(),
                first.GetProperty("subject").GetString(), first.GetProperty("persistenceId").GetString()));
        Assert.Matches(@"^\[CRITICAL\] emergency-triggered paper: NORMAL -> EMERGENCY at drawdown 0\.00% \(operator\): .*exchange outage", first.GetProperty("text").GetString());
        Assert.Equal(first.GetProperty("text").GetString(), first.GetProperty("content").GetString());
        Assert.Equal(2, hook.Refused);
        var view = await AwaitView(node, v => v.DeliveredThrough == 1);
        Assert.Equal(2, view.FailedAttempts);
        Assert.Contains("alert 1: HTTP 503", view.LastError);

        // The reset's recovery is info, below the webhook's least severity: the feed shows it and does not send it.
        await node.Accounts.Ask<EssStatus>(new ResetEmergency("paper", "venue back", T0.AddHours(1)), Timeout);
        view = await AwaitView(node, v => v.Info == 1);
        Assert.Equal((1, 1L, 0), (view.Critical, view.DeliveredThrough, view.Pending));

        // After a crash the feed reads the journal from its first row again and sends only the alert that is new.
        await node.CrashAndStart();
        await node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "second outage", T0.AddHours(2)), Timeout);
        var accepted = await hook.AwaitAccepted(2, Timeout);
        Assert.Equal([1L, 3L], accepted.Select(a => a.GetProperty("number").GetInt64()));
        Assert.Contains("second outage", accepted[1].GetProperty("detail").GetString());
        view = await AwaitView(node, v => v.DeliveredThrough == 3);
        Assert.Equal([(1L, true), (2L, false), (3L, true)], view.Latest.Select(a => (a.Number, a.Delivered)));
        Assert.Equal(accepted.Count, hook.Accepted.Count);

        // The audit numbers the journal's alerts as the feed does, so a number on the webhook finds its row offline.
        var offline = Alert.Numbered((await QuantumTrader.Host.Cli.AuditVerb.ReadAsync(dir.Path, CancellationToken.None)).Trail);
        Assert.Equal(view.Latest.Select(a => (a.Number, a.Kind, a.Source, a.SequenceNr)), offline.Select(a => (a.Number, a.Entry.Kind, a.Entry.Source, a.Entry.SequenceNr)));
    }

    [Fact]
    public async Task A_failing_model_is_an_alert_with_its_error_and_each_failure_is_reported_once_across_a_restart()
    {
        using var hook = new WebhookReceiver();
        using var dir = new TempDir();
        var bars = SyntheticBars.Make("TEST", 120);
        await using var node = new NodeFixture(
            [ScriptedPredictor.BuyAt(ModelSlots.Xgb, T0), new ScriptedPredictor(ModelSlots.Nhits, _ => throw new InvalidOperationException("libtorch session lost"))],
            dir: dir, alerts: new AlertSettings(hook.Url, AlertSeverity.Warning, "test-node") { LookEvery = TimeSpan.FromMilliseconds(200) });

        async Task Decide(int from, int to)
        {
            for (var i = from; i < to; i++)
                await node.Symbols.Ask<BarProcessed>(new ProcessBar("TEST", i + 1, bars[i], PortfolioView.Of(10_000), true), Timeout);
        }
        long Failures() => node.Serving.Health().Single(h => h.ModelId == ModelSlots.Nhits).Failures;
        static long Reported(IEnumerable<System.Text.Json.JsonElement> alerts) =>
            alerts.Sum(a => long.Parse(Regex.Match(a.GetProperty("detail").GetString()!, @"^(\d+) failure\(s\)").Groups[1].Value));

        await Decide(0, 60);
        var before = Failures();
        Assert.True(before > 0);
        var accepted = await AwaitReported(hook, before, Reported);
        Assert.All(accepted, a => Assert.Equal(("warning", "model-failing", "nhits/scripted-1"),
            (a.GetProperty("severity").GetString(), a.GetProperty("kind").GetString(), a.GetProperty("subject").GetString())));
        Assert.EndsWith("each vote a fallback HOLD; the last: libtorch session lost", accepted[^1].GetProperty("detail").GetString());
        Assert.Equal(bars[59].Time, accepted[^1].GetProperty("time").GetDateTimeOffset());

        // A restarted feed counts from where serving stands: the failures after the restart are reported, the earlier ones not again.
        await node.Restart();
        await Decide(60, 120);
        Assert.True(Failures() > before);
        await AwaitReported(hook, Failures(), Reported);
    }

    private static async Task<IReadOnlyList<System.Text.Json.JsonElement>> AwaitReported(
        WebhookReceiver hook, long failures, Func<IEnumerable<System.Text.Json.JsonElement>, long> reported)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (reported(hook.Accepted) < failures)
        {
            Assert.True(waited.Elapsed < Timeout, $"the webhook got {reported(hook.Accepted)} of {failures} failures within {Timeout}");
            await Task.Delay(50);
        }
        Assert.Equal(failures, reported(hook.Accepted));
        return hook.Accepted;
    }

    private static async Task<AlertsView> AwaitView(NodeFixture node, Func<AlertsView, bool> until)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var view = await node.Alerts.Ask<AlertsView>(new GetAlerts(10), Timeout);
            if (until(view)) return view;
            Assert.True(waited.Elapsed < Timeout, $"the alert feed did not get there within {Timeout}: delivered through {view.DeliveredThrough}, {view.Pending} pending, last error {view.LastError}");
            await Task.Delay(50);
        }
    }
}
