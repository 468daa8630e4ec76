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
    public async Task Each_webhook_gets_its_severities_a_refusing_one_on_a_retry_without_holding_up_the_other_and_a_crashed_node_sends_no_alert_twice()
    {
        using var pager = new WebhookReceiver(refuse: 2);
        using var chat = new WebhookReceiver();
        using var dir = new TempDir();
        await using var node = new NodeFixture([], dir: dir,
            alerts: new AlertSettings([new AlertRoute(pager.Url, AlertSeverity.Critical), new AlertRoute(chat.Url, AlertSeverity.Info)], "test-node"));

        // NORMAL -> EMERGENCY is critical: the chat takes it at once; the pager refuses it twice and takes it on the third try.
        await node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", T0), Timeout);
        Assert.Equal(1L, (await chat.AwaitAccepted(1, Timeout)).Single().GetProperty("number").GetInt64());
        var first = (await pager.AwaitAccepted(1, Timeout)).Single();
        Assert.Equal((1L, "critical", "emergency-triggered", "paper", "account-paper"),
            (first.GetProperty("number").GetInt64(), first.GetProperty("severity").GetString(), first.GetProperty("kind").GetString(),
                first.GetProperty("subject").GetString(), first.GetProperty("persistenceId").GetString()));
        Assert.Matches(@"^\[CRITICAL\] emergency-triggered paper: NORMAL -> EMERGENCY at drawdown 0\.00% \(operator\): .*exchange outage", first.GetProperty("text").GetString());
        Assert.Equal(first.GetProperty("text").GetString(), first.GetProperty("content").GetString());
        Assert.Equal((2, 0), (pager.Refused, chat.Refused));
        var view = await AwaitView(node, v => v.Routes[0].DeliveredThrough == 1);
        Assert.Equal((2, 0), (view.Routes[0].FailedAttempts, view.Routes[1].FailedAttempts));
        Assert.Contains("alert 1: HTTP 503", view.Routes[0].LastError);

        // The reset's recovery is info: the chat gets it, the pager (critical only) does not.
        await node.Accounts.Ask<EssStatus>(new ResetEmergency("paper", "venue back", T0.AddHours(1)), Timeout);
        await chat.AwaitAccepted(2, Timeout);
        view = await AwaitView(node, v => v.Info == 1 && v.Routes[1].DeliveredThrough == 2);
        Assert.Equal((1, 1L, 0, 0), (view.Critical, view.Routes[0].DeliveredThrough, view.Routes[0].Pending, view.Routes[1].Pending));

        // After a crash the feed reads the journal from its first row again and sends each webhook only the alert that is new.
        await node.CrashAndStart();
        await node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "second outage", T0.AddHours(2)), Timeout);
        var paged = await pager.AwaitAccepted(2, Timeout);
        Assert.Equal([1L, 3L], paged.Select(a => a.GetProperty("number").GetInt64()));
        Assert.Contains("second outage", paged[1].GetProperty("detail").GetString());
        Assert.Equal([1L, 2L, 3L], (await chat.AwaitAccepted(3, Timeout)).Select(a => a.GetProperty("number").GetInt64()));
        view = await AwaitView(node, v => v.Routes.All(r => r.DeliveredThrough == 3));
        Assert.Equal([(1L, true), (2L, true), (3L, true)], view.Latest.Select(a => (a.Number, a.Delivered)));
        Assert.Equal((2, 3), (pager.Accepted.Count, chat.Accepted.Count));

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
            dir: dir, alerts: new AlertSettings([new AlertRoute(hook.Url, AlertSeverity.Warning)], "test-node") { LookEvery = TimeSpan.FromMilliseconds(200) });

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
            Assert.True(waited.Elapsed < Timeout, $"the alert feed did not get there within {Timeout}: {string.Join("; ", view.Routes)}");
            await Task.Delay(50);
        }
    }
}
