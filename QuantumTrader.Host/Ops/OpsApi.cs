using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Actors.Sizing;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Host.Ops;

/// <summary>
/// The node's HTTP API for operators: the dashboard at "/", read views under "/api/..." (camelCase JSON; the closed
/// trades with their decision records are read from the journal), and
/// "/api/ask/{target}", which hands one protocol message (serialized as in the journal, its manifest in a header) to
/// one of the node's actors and returns the actor's reply the same way. Each target takes only the messages listed
/// for it, so the console can read and steer the node but cannot inject bars, trades or fills.
/// </summary>
public sealed class OpsApi : IAsyncDisposable
{
    public const string ManifestHeader = "X-Protocol-Manifest";

    /// <summary>The console's name for its user, journaled with each command when the node has no access file (a claim nothing checks).</summary>
    public const string OperatorHeader = "X-Operator";
    private const string RoleKey = "operator-role";
    private const string ExpiresKey = "operator-token-expires";

    /// <summary>The response header that warns of a token expiring within <see cref="OperatorAccess.WarnBefore"/>.</summary>
    public const string TokenWarningHeader = "X-QuantumTrader-Token-Warning";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static readonly IReadOnlyDictionary<string, Target> Targets = new Dictionary<string, Target>(StringComparer.Ordinal)
    {
        ["registry"] = new(r => r.Get<ModelRegistrySingleton>(),
            [typeof(GetModelRegistry), typeof(PromoteModelVersion), typeof(RollBackModelVersion), typeof(MarkModelImportant), typeof(ApproveModelCleanup),
                typeof(StartModelAbTest), typeof(StopModelAbTest), typeof(RequestModelRetraining), typeof(DeclineModelPromotion)]),
        ["account"] = new(r => r.Get<AccountRegion>(), [typeof(GetEssStatus), typeof(TriggerEmergency), typeof(ResetEmergency), typeof(GetAccountStatus)]),
        ["policy"] = new(r => r.Get<PolicyStoreSingleton>(), [typeof(GetRiskPolicy), typeof(ChangeRiskLimits)]),
        ["supervisor"] = new(r => r.Get<ModelSupervisorSingleton>(), [typeof(GetSupervisorStatus)]),
    };

    private readonly WebApplication _app;
    private readonly ActorSystem _system;
    private readonly ActorRegistry _registry;
    private readonly NodeServices _services;
    private readonly NodeSettings _node;
    private readonly AccessFile? _access;

    private OpsApi(WebApplication app, ActorSystem system, ActorRegistry registry, NodeServices services, NodeSettings node, AccessFile? access)
    {
        _app = app;
        _access = access;
        _node = node;
        _system = system;
        _registry = registry;
        _services = services;
    }

    /// <summary>The address the API listens on (with the port the system chose when the URL asked for port 0).</summary>
    public string Url { get; private set; } = "";

    /// <param name="endpoint">Where it listens, who may call it and as whom each command is journaled (<see cref="OpsEndpoint"/>).</param>
    public static async Task<OpsApi> StartAsync(
        OpsEndpoint endpoint, ActorSystem system, ActorRegistry registry, NodeServices services, NodeSettings node, CancellationToken cancel)
    {
        var url = endpoint.Url.GetLeftPart(UriPartial.Authority);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        if (endpoint.Certificate is { } certificate)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }
        var api = new OpsApi(builder.Build(), system, registry, services, node, endpoint.Access);
        api.Map();
        try
        {
            await api._app.StartAsync(cancel);
        }
        catch (IOException ex)
        {
            await api._app.DisposeAsync();
            throw new UsageException($"--http {url}: cannot listen there ({ex.Message})");
        }
        api.Url = api._app.Urls.First();
        return api;
    }

    /// <summary>An absolute http or https URL with a host and a port, or a message naming what is wrong with it.</summary>
    public static Uri ParseUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.AbsolutePath == "/"
            ? uri
            : throw new UsageException($"'{url}' is not a node address; expected http://HOST:PORT or https://HOST:PORT, for example http://127.0.0.1:5080");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        // An actor that answers Status.Failure (a journal write that failed, say) fails the ask with the cause: the
        // console gets the cause, not an empty 500.
        _app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path} failed: {ex.Message}");
            }
        });
        _app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api") && Admit(context, command: false) is { } refused)
            {
                await refused.ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        _app.MapGet("/", () => Results.Text(Dashboard.Html, "text/html; charset=utf-8"));
        _app.MapGet("/api/cluster", () => View(Cluster()));
        _app.MapGet("/api/whoami", (HttpContext context) => View(new OperatorView((string?)context.Items[OperatorHeader],
            (OperatorRole?)context.Items[RoleKey], _access is not null, (DateTimeOffset?)context.Items[ExpiresKey])
        {
            TokenWarning = context.Response.Headers[TokenWarningHeader].ToString() is { Length: > 0 } warning ? warning : null,
        }));
        _app.MapGet("/api/shards", async (CancellationToken cancel) => View(await ShardsAsync(cancel)));
        _app.MapGet("/api/models", async (CancellationToken cancel) => View(await ModelsAsync(cancel)));
        _app.MapGet("/api/ess", async (CancellationToken cancel) =>
            View(WithWaiting(await _registry.Get<AccountRegion>().Ask<EssStatus>(new GetEssStatus(_services.AccountId), AskTimeout, cancel))));
        _app.MapGet("/api/risk", async (CancellationToken cancel) =>
            View(await _registry.Get<PolicyStoreSingleton>().Ask<RiskPolicyState>(GetRiskPolicy.Instance, AskTimeout, cancel)));
        _app.MapGet("/api/registry", async (CancellationToken cancel) =>
            View(await _registry.Get<ModelRegistrySingleton>().Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)));
        _app.MapGet("/api/cleanup", async (string? metric, CancellationToken cancel) =>
            View(CleanupOf(await _registry.Get<ModelRegistrySingleton>().Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel),
                string.IsNullOrWhiteSpace(metric) ? ModelsVerb.DefaultCleanupMetric : metric)));
        _app.MapGet("/api/sizing", async (CancellationToken cancel) => View(await SizingAsync(cancel)));
        _app.MapGet("/api/trades", async (int? last, string? symbol, CancellationToken cancel) =>
            last is < 1 ? Refuse(StatusCodes.Status400BadRequest, $"last must be at least 1, got {last}") : View(await TradesAsync(last ?? 20, symbol, cancel)));
        _app.MapGet("/api/audit", async (int? latest, string? trade, CancellationToken cancel) =>
        {
            if (latest is < 0) return Refuse(StatusCodes.Status400BadRequest, $"latest must not be negative, got {latest}");
            var report = await AuditVerb.AuditAsync(_system, _node.StateDirectory, cancel);
            if (trade is not null && report.Explain(trade) is null) return Refuse(StatusCodes.Status404NotFound, $"the journal holds no closed trade {trade}");
            var journal = _node.Persistence == PersistenceBackend.Sqlite ? Path.GetFullPath(_node.JournalPath) : "PostgreSQL";
            return View(AuditView.Of(journal, report, latest ?? AuditView.DefaultLatest, trade) with { Starts = StartRow.Of(RecordedStart.ReadAll(_node.StateDirectory)) });
        });
        _app.MapGet("/api/report", async (string? by, CancellationToken cancel) =>
            !Enum.TryParse<ReportPeriod>(by ?? nameof(ReportPeriod.Month), ignoreCase: true, out var period) || !Enum.IsDefined(period) || int.TryParse(by, out _)
                ? Refuse(StatusCodes.Status400BadRequest, $"by must be day, week or month, got '{by}'")
                : View(await ReportAsync(period, cancel)));
        _app.MapGet("/api/marked-equity", async (int? points, CancellationToken cancel) =>
            points is < 2 ? Refuse(StatusCodes.Status400BadRequest, $"points must be at least 2, got {points}")
                : View(await MarkedEquityAsync(points ?? 600, cancel)));
        _app.MapGet("/api/alerts", async (int? latest, CancellationToken cancel) =>
            latest is < 0
                ? Refuse(StatusCodes.Status400BadRequest, $"latest must not be negative, got {latest}")
                : View(await _registry.Get<AlertFeedActor>().Ask<AlertsView>(new GetAlerts(latest ?? 20), AskTimeout, cancel)));
        _app.MapGet("/api/performance", async (string? by, int? minTrades, CancellationToken cancel) =>
        {
            if (minTrades is < 1) return Refuse(StatusCodes.Status400BadRequest, $"minTrades must be at least 1, got {minTrades}");
            if (!Enum.TryParse<BreakdownBy>(by ?? nameof(BreakdownBy.Symbol), ignoreCase: true, out var grouping) || !Enum.IsDefined(grouping))
                return Refuse(StatusCodes.Status400BadRequest, $"by must be symbol or regime, got '{by}'");
            var trades = await LedgerAsync(cancel);
            return View(new PerformanceView(grouping, minTrades ?? 10, trades.Count, PerformanceBreakdown.Of(trades, grouping, minTrades ?? 10)));
        });
        _app.MapGet("/api/accuracy", async (int? minCalls, int? weakest, bool? everyBar, CancellationToken cancel) =>
        {
            if (minCalls is < 1) return Refuse(StatusCodes.Status400BadRequest, $"minCalls must be at least 1, got {minCalls}");
            if (weakest is < 0) return Refuse(StatusCodes.Status400BadRequest, $"weakest must not be negative, got {weakest}");
            if (RecordedRun.Read(_node.StateDirectory) is null)
                return Refuse(StatusCodes.Status404NotFound, $"the node's state directory holds no {RecordedRun.FileName} naming its data, so there is nothing to score the decisions against");
            var (calls, shown) = (minCalls ?? AccuracyVerb.DefaultMinCalls, weakest ?? AccuracyVerb.DefaultWeakest);
            return everyBar == true
                ? View(await AccuracyVerb.ComputeEveryBarAsync(_system, _node.StateDirectory, calls, shown, cancel))
                : View(await AccuracyVerb.ComputeAsync(_system, _node.StateDirectory, calls, shown, cancel));
        });
        _app.MapPost("/api/ask/{target}", (string target, HttpContext context) => AskAsync(target, context));
    }

    private static CleanupView CleanupOf(ModelRegistryView view, string metric)
    {
        var registry = view.ToRegistry();
        var at = view.DecidedThrough ?? DateTimeOffset.UtcNow;
        var report = CleanupAdvisor.Recommend(registry, at, new CleanupPolicy(ScoreMetric: metric));
        var rows = view.Versions.Select(v => new VersionRow(v.Slot, v.Version, v.Status, registry.Champion(v.Slot)?.Version == v.Version, v.CreatedAt, v.Metrics,
            v.SizeBytes, v.Important, v.Deleted)).ToArray();
        return new CleanupView(at, metric, rows, view.Versions.Where(v => !v.Deleted).Sum(v => v.SizeBytes), report.Candidates, report.Kept, report.TotalBytesFreed);
    }

    private async Task<SizingView> SizingAsync(CancellationToken cancel)
    {
        if (SizingHosting.LearnerOf(_registry, _services) is not { } learner)
            return new SizingView(false, null, 0, 0, 0, 0, 0, RewardTrend.Of([]), []);
        var s = await learner.Ask<SizingLearnerStatus>(GetSizingLearnerStatus.Instance, AskTimeout, cancel);
        return new SizingView(true, (_services.Sizing as PpoSizing)?.Shadow, s.PolicyVersion, s.Experiences, s.Pending, s.UpdateEvery, s.TradesRecorded,
            RewardTrend.Of(s.History), s.History);
    }

    private EssStatus WithWaiting(EssStatus status) => status with { CommandsWaiting = _services.EssHandover.Count };

    private static IResult View(object value) => Results.Json(value, JsonOut.Options);

    private static IResult Refuse(int status, string message) => Results.Text(message, "text/plain; charset=utf-8", statusCode: status);

    private ClusterView Cluster()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        return new ClusterView(cluster.SelfAddress.ToString(), state.Leader?.ToString(),
            state.Members.Select(m => new MemberView(m.Address.ToString(), m.Status.ToString(), m.Roles.Order(StringComparer.Ordinal).ToArray(),
                !unreachable.Contains(m.Address))).ToArray());
    }

    private async Task<ShardsView> ShardsAsync(CancellationToken cancel)
    {
        var regions = new List<RegionView>();
        var unanswered = new List<string>();
        foreach (var (name, region) in new[]
                 {
                     (EntityIds.SymbolType, _registry.Get<SymbolRegion>()), (EntityIds.ModelType, _registry.Get<ModelRegion>()),
                     (EntityIds.AccountType, _registry.Get<AccountRegion>()),
                 })
        {
            try
            {
                var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), AskTimeout, cancel);
                foreach (var (address, s) in stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
                    regions.Add(new RegionView(name, address.ToString(), s.Stats.Count, s.Stats.Values.Sum()));
                if (stats.Regions.Values.Any(s => s.Failed.Count > 0)) unanswered.Add(name);
            }
            catch (AskTimeoutException)
            {
                unanswered.Add(name);
            }
        }
        return new ShardsView(regions, unanswered);
    }

    private async Task<ModelsView> ModelsAsync(CancellationToken cancel)
    {
        var supervisor = await _registry.Get<ModelSupervisorSingleton>().Ask<SupervisorStatus>(GetSupervisorStatus.Instance, AskTimeout, cancel);
        var serving = _services.Serving;
        var models = new List<ModelView>();
        foreach (var h in serving.Health())
        {
            var p = await _registry.Get<ModelRegion>().Ask<ModelPerformanceReport>(new GetModelPerformance(h.ModelId), AskTimeout, cancel);
            models.Add(new ModelView(h.ModelId, h.Version, serving.EffectiveWeightOf(h.ModelId), p.Trades,
                p.WinRate, p.AverageR, p.Sharpe, p.MaxDrawdown, p.ConsecutiveLosses, supervisor.Alarms.Count(a => a.ModelId == h.ModelId),
                h.Calls, h.Failures, h.Timeouts, h.LastError,
                serving.PredictorOf(h.ModelId) is SplitPredictor split ? new AbChallengerView(split.Challenger.Version, split.Share) : null));
        }
        return new ModelsView(models, supervisor.WeightsAsOf);
    }

    /// <summary>The closed trades the journal holds, in exit order, the last <paramref name="last"/> of them.</summary>
    private async Task<TradesView> TradesAsync(int last, string? symbol, CancellationToken cancel)
    {
        var trades = (await LedgerAsync(cancel)).Where(t => symbol is null || string.Equals(t.Symbol, symbol, StringComparison.OrdinalIgnoreCase)).ToArray();
        return new TradesView(trades.Length, trades.TakeLast(last).ToArray());
    }

    private async Task<PnlReport> ReportAsync(ReportPeriod period, CancellationToken cancel)
    {
        var report = PnlReport.Of(await LedgerAsync(cancel), _services.StartingEquity, period);
        var ess = await _registry.Get<AccountRegion>().Ask<EssStatus>(new GetEssStatus(_services.AccountId), AskTimeout, cancel);
        return report with { MarkedMaxDrawdownPercent = ess.State?.MaxDrawdown ?? 0, MarkedMaxDrawdownAt = ess.State?.MaxDrawdownAt };
    }

    /// <summary>The path the node's account's emergency stop read, rebuilt from the journal and thinned to <paramref name="points"/> for a chart.</summary>
    private async Task<MarkedEquityView> MarkedEquityAsync(int points, CancellationToken cancel)
    {
        var journal = PersistenceQuery.Get(_system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var accounts = await JournalEss.ReadAsync(journal, _system.Materializer(), _services.StartingEquity);
        cancel.ThrowIfCancellationRequested();
        if (accounts.FirstOrDefault(a => a.Account.AccountId == _services.AccountId) is not { } own)
            return new MarkedEquityView(_services.AccountId, 0, 0, null, []);
        return new MarkedEquityView(_services.AccountId, own.Path.Count, own.Account.State.MaxDrawdown, own.Account.State.MaxDrawdownAt,
            MarkedEquityPath.Thin(own.Path, points));
    }

    /// <summary>Every closed trade in the journal in exit order, each once (symbols commit to the journal independently).</summary>
    private async Task<IReadOnlyList<ClosedTrade>> LedgerAsync(CancellationToken cancel)
    {
        var journal = PersistenceQuery.Get(_system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var ledger = new TradeLedger(_services.StartingEquity);
        foreach (var trade in await JournalTrades.ReadAsync(journal, _system.Materializer())) ledger.Add(trade);
        cancel.ThrowIfCancellationRequested();
        return ledger.Trades.ToArray();
    }

    private async Task<IResult> AskAsync(string target, HttpContext context)
    {
        if (!Targets.TryGetValue(target, out var t))
            return Refuse(StatusCodes.Status404NotFound, $"no target '{target}'; the targets are {string.Join(", ", Targets.Keys)}");
        var manifest = context.Request.Headers[ManifestHeader].ToString();
        Type type;
        try
        {
            type = ProtocolTypes.TypeOf(manifest);
        }
        catch (SerializationException)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"header {ManifestHeader}: '{manifest}' is not a protocol message");
        }
        if (!t.Accepts.Contains(type))
            return Refuse(StatusCodes.Status400BadRequest, $"{target} does not take {type.Name}; it takes {string.Join(", ", t.Accepts.Select(a => a.Name))}");

        object message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(context.Request.Body, type, ProtocolSerializer.JsonOptions, context.RequestAborted)
                      ?? throw new JsonException("the body is null");
        }
        catch (Exception ex) when (Invalid(ex) is { } reason)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"{type.Name}: {reason}");
        }

        if (message is OperatorMessage command)
        {
            if (Admit(context, command: true) is { } refused) return refused;
            message = command.By((string?)context.Items[OperatorHeader]);
        }

        object reply;
        try
        {
            // While a start decides its bars, the emergency stop is given between two bars (EssHandover).
            if (message is TriggerEmergency or ResetEmergency && _services.EssHandover.TryHandOver((IProtocolMessage)message) is { } handed)
                reply = await handed.WaitAsync(AskTimeout, context.RequestAborted);
            else
                reply = await t.Actor(_registry).Ask<object>(message, AskTimeout, context.RequestAborted);
        }
        catch (TimeoutException) when (message is TriggerEmergency or ResetEmergency)
        {
            return Refuse(StatusCodes.Status504GatewayTimeout,
                $"{type.Name} is waiting for the next bar the node decides and was not journaled within {AskTimeout.TotalSeconds:0} s; it stays queued and takes effect before that bar ('ctl ess status' shows it)");
        }
        catch (AskTimeoutException)
        {
            return Refuse(StatusCodes.Status504GatewayTimeout, $"{target} did not answer {type.Name} within {AskTimeout.TotalSeconds:0} s");
        }
        catch (OperatorRefusedException ex)
        {
            return Refuse(StatusCodes.Status400BadRequest, ex.Message);
        }
        if (reply is EssStatus status) reply = WithWaiting(status);
        context.Response.Headers[ManifestHeader] = ProtocolTypes.ManifestOf(reply.GetType());
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(reply, reply.GetType(), ProtocolSerializer.JsonOptions), "application/json");
    }

    /// <summary>
    /// Null when the request may go on, with the operator it acts as in the context's items; else the refusal: 401 without a
    /// token the access file knows, 403 for a command from a read-only operator, 400 for a console name that cannot name one.
    /// </summary>
    private IResult? Admit(HttpContext context, bool command)
    {
        if (_access is null)
        {
            var claimed = context.Request.Headers[OperatorHeader].ToString();
            if (claimed.Length > 0 && OperatorAccess.NameProblem(claimed) is { } problem) return Refuse(StatusCodes.Status400BadRequest, $"header {OperatorHeader}: {problem}");
            context.Items[OperatorHeader] = claimed.Length > 0 ? claimed : null;
            return null;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        var check = _access.Check(token, command);
        context.Items[OperatorHeader] = check.Operator;
        context.Items[RoleKey] = check.Role;
        context.Items[ExpiresKey] = check.Expires;
        if (check.Refusal == AccessRefusal.Unauthenticated) context.Response.Headers.WWWAuthenticate = "Bearer";
        // Every answer to a token near its expiry says so, so a console or page warns its operator in time.
        if (check.Operator is { } name && OperatorAccess.ExpiryWarning(name, check.Expires, DateTimeOffset.UtcNow) is { } warning)
            context.Response.Headers[TokenWarningHeader] = warning;
        return check.Refusal switch
        {
            AccessRefusal.None => null,
            AccessRefusal.Forbidden => Refuse(StatusCodes.Status403Forbidden, check.Reason!),
            _ => Refuse(StatusCodes.Status401Unauthorized, check.Reason!),
        };
    }

    /// <summary>Why a body could not become the message (a validation rule it breaks, or malformed JSON); null for any other failure.</summary>
    private static string? Invalid(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is DomainValidationException) return e.Message;
        return ex is JsonException ? ex.Message : null;
    }

    private sealed record Target(Func<ActorRegistry, IActorRef> Actor, IReadOnlyList<Type> Accepts);
}
