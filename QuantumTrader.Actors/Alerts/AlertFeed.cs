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

/// <summary>Where a node's alerts go: a webhook (null: the API and dashboard only) and the least severity it is sent.</summary>
public sealed record AlertSettings(Uri? Webhook, AlertSeverity MinSeverity, string Node)
{
    /// <summary>How often the feed looks at the served models' failure counts.</summary>
    public TimeSpan LookEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An absolute http or https URL, or a message naming what is wrong with it.</summary>
    public static Uri ParseWebhook(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--alert-webhook '{url}' is not an http or https URL");
}

/// <summary>
/// Reads the whole journal in journal order through the auditor's rules (<see cref="JournalAuditing"/>), live, and turns
/// every decision <see cref="AlertRules"/> marks into a numbered alert. With a webhook it POSTs the alerts that reach the
/// least severity one at a time, in order, and journals the number of each the webhook accepted: a webhook that is down
/// gets them later, retried with a growing pause, and a restarted node sends none twice, since the numbers come from the
/// journal and are the same at every start. It also looks at the served models every <see cref="AlertSettings.LookEvery"/>
/// and journals <see cref="ServingFailuresObserved"/> when a slot failed or overran its budget since the last look, so a
/// failing model reaches operators the same way.
/// </summary>
public sealed class AlertFeed : ReceivePersistentActor, IWithTimers
{
    private sealed record Found(IReadOnlyList<Alert> Alerts);
    private sealed record StreamStarted;
    private sealed record StreamAck;
    private sealed record StreamEnded(Exception? Cause);
    private sealed record Restart;
    private sealed record Retry;
    private sealed record Posted(long Number);
    private sealed record PostFailed(long Number, string Reason);
    private sealed record Look;

    private readonly AlertSettings _settings;
    private readonly EnsembleServing? _serving;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AlertQueue _queue;
    private long _posting;
    private int _failedAttempts;
    private int _failedInARow;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private UniqueKillSwitch? _killSwitch;
    private readonly HashSet<(string Symbol, DateTimeOffset After, DateTimeOffset Before)> _gaps = [];

    public AlertFeed(AlertSettings settings, EnsembleServing? serving)
    {
        _settings = settings;
        _serving = serving;
        _queue = new AlertQueue(settings.MinSeverity);
        Recover<AlertsDelivered>(e => _queue.Delivered(e.Through));
        Recover<DataGap>(g => _gaps.Add((g.Symbol, g.After, g.Before)));
        Command<StreamStarted>(_ => Sender.Tell(new StreamAck()));
        Command<Found>(f =>
        {
            _queue.Add(f.Alerts);
            Sender.Tell(new StreamAck());
            Post();
        });
        Command<StreamEnded>(e =>
        {
            _log.Warning("alert feed stopped reading the journal after alert {0}: {1}; reading again", _queue.Alerts.Count, e.Cause?.Message ?? "completed");
            Timers.StartSingleTimer(nameof(Restart), new Restart(), TimeSpan.FromSeconds(1));
        });
        Command<Restart>(_ => StartStream());
        Command<Posted>(p => Persist(new AlertsDelivered(p.Number, DateTimeOffset.UtcNow), e =>
        {
            _queue.Delivered(e.Through);
            _posting = 0;
            _failedInARow = 0;
            Post();
        }));
        Command<PostFailed>(f =>
        {
            _posting = 0;
            _failedAttempts++;
            _failedInARow++;
            _lastError = $"alert {f.Number}: {f.Reason}";
            _lastErrorAt = DateTimeOffset.UtcNow;
            var pause = AlertQueue.PauseAfter(_failedInARow);
            _log.Warning("webhook {0} refused {1}; trying again in {2:0} s", _settings.Webhook, _lastError, pause.TotalSeconds);
            Timers.StartSingleTimer(nameof(Retry), new Retry(), pause);
        });
        Command<Retry>(_ => Post());
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

    /// <summary>Sends the next alert that is due, unless one is on its way or waiting for a retry.</summary>
    private void Post()
    {
        if (_settings.Webhook is not { } webhook || _posting != 0 || Timers.IsTimerActive(nameof(Retry))) return;
        if (_queue.Next is not { } next) return;
        _posting = next.Number;
        PostAsync(webhook, next).PipeTo(Self);
    }

    private async Task<object> PostAsync(Uri webhook, Alert alert)
    {
        try
        {
            // A body of known length: some webhook receivers refuse chunked requests.
            using var body = new StringContent(JsonSerializer.Serialize(Payload(alert), JsonOptions), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(webhook, body);
            return response.IsSuccessStatusCode
                ? new Posted(alert.Number)
                : new PostFailed(alert.Number, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception ex)
        {
            return new PostFailed(alert.Number, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
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
        persistenceId = a.Entry.Source,
        sequenceNr = a.Entry.SequenceNr,
        node = _settings.Node,
    };

    private AlertsView View(int latest) =>
        new(_settings.Webhook?.ToString(), _settings.MinSeverity, _queue.Count(AlertSeverity.Critical), _queue.Count(AlertSeverity.Warning),
            _queue.Count(AlertSeverity.Info), _queue.DeliveredThrough, _settings.Webhook is null ? 0 : _queue.Pending, _failedAttempts, _lastError, _lastErrorAt,
            _queue.Alerts.TakeLast(Math.Max(0, latest)).Select(a => new AlertView(a.Number, a.Severity, a.Entry.Time, a.Entry.Area, a.Entry.Kind,
                a.Entry.Subject, a.Entry.Detail, a.Entry.Source, a.Entry.SequenceNr, _settings.Webhook is not null && _queue.WasSent(a))).ToArray());
}
