using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Actors.Alerts;

/// <summary>One webhook and the least severity it is sent.</summary>
public sealed record AlertRoute(Uri Webhook, AlertSeverity MinSeverity)
{
    /// <summary>
    /// <c>URL</c> (sent <paramref name="defaultMin"/> and above) or <c>SEVERITY=URL</c>, such as
    /// <c>critical=https://pager.example/hook</c>; an absolute http or https URL, or a message naming what is wrong.
    /// </summary>
    public static AlertRoute Parse(string value, AlertSeverity defaultMin)
    {
        var (min, url) = (defaultMin, value);
        var equals = value.IndexOf('=');
        if (equals > 0 && AlertRules.TryParse(value[..equals], out var severity)) (min, url) = (severity, value[(equals + 1)..]);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? new AlertRoute(uri, min)
            : throw new ArgumentException($"--alert-webhook '{value}' is not an http or https URL, with or without a leading info=, warning= or critical=");
    }
}

/// <summary>Where a node's alerts go: its webhooks (none: the API and dashboard only), and the node's name in each post.</summary>
public sealed record AlertSettings(IReadOnlyList<AlertRoute> Routes, string Node)
{
    /// <summary>How often the feed looks at the served models' failure counts.</summary>
    public TimeSpan LookEvery { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Reads the whole journal in journal order through the auditor's rules (<see cref="JournalAuditing"/>), live, and turns
/// every decision <see cref="AlertRules"/> marks into a numbered alert. To each webhook it POSTs the alerts that reach
/// that webhook's least severity one at a time, in order, and journals the number of each the webhook accepted: a webhook
/// that is down gets them later, retried with a growing pause, while the others go on, and a restarted node sends none
/// twice, since the numbers come from the journal and are the same at every start. It also looks at the served models
/// every <see cref="AlertSettings.LookEvery"/> and journals <see cref="ServingFailuresObserved"/> when a slot failed or
/// overran its budget since the last look, so a failing model reaches operators the same way.
/// </summary>
public sealed class AlertFeed : ReceivePersistentActor, IWithTimers
{
    private sealed record Found(IReadOnlyList<Alert> Alerts);
    private sealed record StreamStarted;
    private sealed record StreamAck;
    private sealed record StreamEnded(Exception? Cause);
    private sealed record Restart;
    private sealed record Retry(int Route);
    private sealed record Posted(int Route, long Number);
    private sealed record PostFailed(int Route, long Number, string Reason);
    private sealed record Look;

    /// <summary>One webhook's delivery: its queue (the alerts due to it), the number on its way, and its failures.</summary>
    private sealed class Delivery(int index, AlertRoute route)
    {
        public AlertRoute Route { get; } = route;
        public AlertQueue Queue { get; } = new(route.MinSeverity);
        public long Posting { get; set; }
        public int FailedAttempts { get; set; }
        public int FailedInARow { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset? LastErrorAt { get; set; }
        public string Timer { get; } = $"{nameof(Retry)}-{index}";
    }

    private readonly AlertSettings _settings;
    private readonly EnsembleServing? _serving;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AlertQueue _queue = new(AlertSeverity.Info);
    private readonly Delivery[] _deliveries;
    private UniqueKillSwitch? _killSwitch;
    private readonly HashSet<(string Symbol, DateTimeOffset After, DateTimeOffset Before)> _gaps = [];

    public AlertFeed(AlertSettings settings, EnsembleServing? serving)
    {
        _settings = settings;
        _serving = serving;
        _deliveries = settings.Routes.Select((r, i) => new Delivery(i, r)).ToArray();
        Recover<AlertsDelivered>(e =>
        {
            foreach (var d in _deliveries.Where(d => e.Webhook is null || e.Webhook == d.Route.Webhook.ToString())) d.Queue.Delivered(e.Through);
        });
        Recover<DataGap>(g => _gaps.Add((g.Symbol, g.After, g.Before)));
        Command<StreamStarted>(_ => Sender.Tell(new StreamAck()));
        Command<Found>(f =>
        {
            _queue.Add(f.Alerts);
            foreach (var d in _deliveries) d.Queue.Add(f.Alerts);
            Sender.Tell(new StreamAck());
            PostAll();
        });
        Command<StreamEnded>(e =>
        {
            _log.Warning("alert feed stopped reading the journal after alert {0}: {1}; reading again", _queue.Alerts.Count, e.Cause?.Message ?? "completed");
            Timers.StartSingleTimer(nameof(Restart), new Restart(), TimeSpan.FromSeconds(1));
        });
        Command<Restart>(_ => StartStream());
        Command<Posted>(p =>
        {
            var d = _deliveries[p.Route];
            Persist(new AlertsDelivered(p.Number, DateTimeOffset.UtcNow) { Webhook = d.Route.Webhook.ToString() }, e =>
            {
                d.Queue.Delivered(e.Through);
                d.Posting = 0;
                d.FailedInARow = 0;
                Post(p.Route);
            });
        });
        Command<PostFailed>(f =>
        {
            var d = _deliveries[f.Route];
            d.Posting = 0;
            d.FailedAttempts++;
            d.FailedInARow++;
            d.LastError = $"alert {f.Number}: {f.Reason}";
            d.LastErrorAt = DateTimeOffset.UtcNow;
            var pause = AlertQueue.PauseAfter(d.FailedInARow);
            _log.Warning("webhook {0} refused {1}; trying again in {2:0} s", d.Route.Webhook, d.LastError, pause.TotalSeconds);
            Timers.StartSingleTimer(d.Timer, new Retry(f.Route), pause);
        });
        Command<Retry>(r => Post(r.Route));
        Command<GetAlerts>(g => Sender.Tell(View(g.Latest)));
        Command<Look>(_ => LookAtServing());
        Command<JournalObservation>(o =>
        {
            // A node reads its whole data at every start: a gap it journaled before is not news.
            if (o.Observation is DataGap gap && !_gaps.Add((gap.Symbol, gap.After, gap.Before)))
            {
                Sender.Tell(new ObservationJournaled());
                return;
            }
            var sender = Sender;
            Persist(o.Observation, _ => sender.Tell(new ObservationJournaled()));
        });
    }

    public override string PersistenceId => EntityIds.AlertFeed;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(AlertSettings settings, EnsembleServing? serving = null) => Props.Create(() => new AlertFeed(settings, serving));

    protected override void OnReplaySuccess()
    {
        StartStream();
        if (_serving is not null) Timers.StartPeriodicTimer(nameof(Look), new Look(), _settings.LookEvery);
    }

    /// <summary>Journals each slot's failures since the last look, as serving counts them; a failure is taken once, even by a restarted feed.</summary>
    private void LookAtServing()
    {
        var observed = _serving!.TakeFailures(DateTimeOffset.UtcNow);
        if (observed.Count > 0) PersistAll(observed, _ => { });
    }

    /// <summary>From the first row: the auditor needs every event before an alert to word it, and the numbers count from the first alert.</summary>
    private void StartStream()
    {
        _killSwitch?.Shutdown();
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var auditor = new JournalAuditor();
        long number = 0;
        _killSwitch = journal.AllEvents(Offset.NoOffset())
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .Select(envelope =>
            {
                var before = auditor.Trail.Count;
                JournalAuditing.Read(auditor, envelope);
                var found = Alert.Numbered(auditor.Trail.Skip(before), number);
                number += found.Count;
                return new Found(found);
            })
            .Where(f => f.Alerts.Count > 0)
            .ToMaterialized(Sink.ActorRefWithAck<Found>(Self, new StreamStarted(), new StreamAck(), new StreamEnded(null), ex => new StreamEnded(ex)), Keep.Left)
            .Run(Context.Materializer());
    }

    private void PostAll()
    {
        for (var route = 0; route < _deliveries.Length; route++) Post(route);
    }

    /// <summary>Sends a webhook the next alert due to it, unless one is on its way to it or it waits for a retry.</summary>
    private void Post(int route)
    {
        var d = _deliveries[route];
        if (d.Posting != 0 || Timers.IsTimerActive(d.Timer) || d.Queue.Next is not { } next) return;
        d.Posting = next.Number;
        PostAsync(route, d.Route.Webhook, next).PipeTo(Self);
    }

    private async Task<object> PostAsync(int route, Uri webhook, Alert alert)
    {
        try
        {
            // A body of known length: some webhook receivers refuse chunked requests.
            using var body = new StringContent(JsonSerializer.Serialize(Payload(alert), JsonOptions), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(webhook, body);
            return response.IsSuccessStatusCode
                ? new Posted(route, alert.Number)
                : new PostFailed(route, alert.Number, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception ex)
        {
            return new PostFailed(route, alert.Number, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The message as "text" (what Slack shows) and "content" (Discord), and the alert's fields for scripts.</summary>
    private object Payload(Alert a) => new
    {
        text = a.Text,
        content = a.Text,
        number = a.Number,
        severity = a.Severity.ToString().ToLowerInvariant(),
        time = a.Entry.Time,
        area = a.Entry.Area.ToString().ToLowerInvariant(),
        kind = a.Entry.Kind,
        subject = a.Entry.Subject,
        detail = a.Entry.Detail,
        @operator = a.Entry.Operator,
        persistenceId = a.Entry.Source,
        sequenceNr = a.Entry.SequenceNr,
        node = _settings.Node,
    };

    private AlertsView View(int latest) =>
        new(_queue.Count(AlertSeverity.Critical), _queue.Count(AlertSeverity.Warning), _queue.Count(AlertSeverity.Info),
            _deliveries.Select(d => new AlertRouteView(d.Route.Webhook.ToString(), d.Route.MinSeverity, d.Queue.DeliveredThrough, d.Queue.Pending,
                d.FailedAttempts, d.LastError, d.LastErrorAt)).ToArray(),
            _queue.Alerts.TakeLast(Math.Max(0, latest)).Select(a => new AlertView(a.Number, a.Severity, a.Entry.Time, a.Entry.Area, a.Entry.Kind,
                a.Entry.Subject, a.Entry.Detail, a.Entry.Source, a.Entry.SequenceNr, Delivered(a)) { Operator = a.Entry.Operator }).ToArray());

    /// <summary>Every webhook that takes the alert has accepted it; false when none takes it.</summary>
    private bool Delivered(Alert a)
    {
        var takers = _deliveries.Where(d => a.Severity.Reaches(d.Route.MinSeverity)).ToArray();
        return takers.Length > 0 && takers.All(d => d.Queue.WasSent(a));
    }
}
