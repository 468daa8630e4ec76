using System.CommandLine;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Audit;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

public static class RunVerb
{
    public static Command Create() => Build(node: false);

    /// <summary>
    /// The node service: the run's replay with the ops API and dashboard served over HTTP from the start, and the node
    /// kept up after the replay, for the ops console and the dashboard, until Ctrl-C.
    /// </summary>
    public static Command CreateNode() => Build(node: true);

    private static Command Build(bool node)
    {
        var data = new Option<string[]>("--data") { Description = "Data file or folder (repeatable); default: the bundled Binance BTCUSDT and ETHUSDT 1h data", AllowMultipleArgumentsPerToken = false };
        var format = new Option<DataFormat>("--format") { Description = "Data format: Auto, BinanceKline, FreqtradeJson, OhlcvCsv, Ninjabot", DefaultValueFactory = _ => DataFormat.Auto };
        var state = new Option<string>("--state") { Description = "State directory: journal.db and trained models", DefaultValueFactory = _ => "state" };
        var onBadRow = new Option<BadRowPolicy>("--on-bad-row") { Description = "Skip (report and count) or Stop (exit 2) at the first bad row", DefaultValueFactory = _ => BadRowPolicy.Skip };
        var seed = new Option<int>("--seed") { Description = "Seed of model training", DefaultValueFactory = _ => 42 };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Write the run summary as JSON to this file" };
        var tradesOut = new Option<string?>("--trades-out") { Description = "Write the closed trades as CSV to this file" };
        var trainFraction = new Option<double>("--train-fraction") { Description = "Share of each symbol's bars that trains the models before trading starts", DefaultValueFactory = _ => 0.3 };
        var feeBps = new Option<double>("--fee-bps") { Description = "Fee per side in basis points of notional", DefaultValueFactory = _ => 10 };
        var slippageBps = new Option<double>("--slippage-bps") { Description = "Slippage per market fill in basis points", DefaultValueFactory = _ => 5 };
        var equity = new Option<double>("--equity") { Description = "Starting paper equity", DefaultValueFactory = _ => 10_000 };
        var models = new Option<string>("--models") { Description = "Models to serve: all, or a comma list of xgb, lgbm, nhits, patchtst", DefaultValueFactory = _ => "all" };
        var maxBatch = new Option<int>("--max-batch")
        {
            Description = "Most timestamps the replay decides in one batch; 1 decides one timestamp at a time (the trades are the same)",
            DefaultValueFactory = _ => new RunSettings { Data = [] }.MaxBatch,
        };

        var http = new Option<string>("--http")
        {
            Description = $"Address of the ops API and dashboard (default {OpsClient.DefaultUrl}; port 0 picks a free one)",
            DefaultValueFactory = _ => OpsClient.DefaultUrl,
        };
        var opsAccess = new Option<string?>("--ops-access")
        {
            Description = "Access file of the ops API ('qt access add' writes it): every request needs an operator's token, commands need role operate, " +
                          "and the journal records who gave each command. Without it the API takes anyone, so it listens only on a loopback address " +
                          "(beyond loopback it needs this file and TLS)",
        };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "Certificate of the ops API (PEM) for an https:// address; 'qt access cert' makes a self-signed one" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "Private key of --tls-cert (PEM)" };
        var follow = new Option<double?>("--follow")
        {
            Description = "After the replay, check the data every this many seconds; when complete rows were appended to a file (or a file " +
                          "added to a data folder), resume from the journal and trade them",
        };
        var staleAfter = new Option<double?>("--stale-after")
        {
            Description = "With --follow: minutes without a new complete row before the node journals that its data went quiet, an alert " +
                          "(default: three of the data's bar intervals)",
        };
        var alertWebhook = new Option<string[]>("--alert-webhook")
        {
            Description = "POST every alert (emergency-stop changes, drift alarms, rolled-back promotions...) as JSON to this URL, in order, " +
                          "retrying until it is accepted; the body's \"text\" and \"content\" suit Slack and Discord webhooks. Repeatable; " +
                          "SEVERITY=URL (critical=https://...) sends that webhook SEVERITY and above instead of --alert-min-severity",
        };
        var alertMinSeverity = new Option<string>("--alert-min-severity")
        {
            Description = "The least severity a webhook is sent unless it names its own: info, warning or critical",
            DefaultValueFactory = _ => "warning",
        };
        var command = node
            ? new Command("node", "Run a node: replay market data and paper-trade it, serve the ops API and dashboard, stay up until Ctrl-C")
                { http, opsAccess, tlsCert, tlsKey, follow, staleAfter, alertWebhook, alertMinSeverity }
            : new Command("run", "Replay market data through the node and paper-trade it");
        foreach (var option in new Option[] { data, format, state, onBadRow, seed, summaryJson, tradesOut, trainFraction, feeBps, slippageBps, equity, models, maxBatch })
            command.Options.Add(option);
        var sizing = new SizingOptions();
        sizing.AddTo(command);
        var retrain = new RetrainOptions();
        retrain.AddTo(command);
        var controls = new ControlOptions();
        controls.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var settings = new RunSettings
            {
                Data = parse.GetValue(data) is { Length: > 0 } d ? d : [BundledData.Default],
                Format = parse.GetValue(format),
                StateDirectory = parse.GetValue(state)!,
                OnBadRow = parse.GetValue(onBadRow),
                Seed = parse.GetValue(seed),
                SummaryJson = parse.GetValue(summaryJson),
                TradesOut = parse.GetValue(tradesOut),
                TrainFraction = parse.GetValue(trainFraction),
                FeeBps = parse.GetValue(feeBps),
                SlippageBps = parse.GetValue(slippageBps),
                StartingEquity = parse.GetValue(equity),
                Models = [parse.GetValue(models)!],
                MaxBatch = parse.GetValue(maxBatch),
                OpsUrl = node ? parse.GetValue(http) : null,
                OpsAccess = node ? parse.GetValue(opsAccess) : null,
                OpsTlsCertificate = node ? parse.GetValue(tlsCert) : null,
                OpsTlsKey = node ? parse.GetValue(tlsKey) : null,
                FollowEvery = node && parse.GetValue(follow) is { } seconds ? FollowInterval(seconds) : null,
                StaleAfter = node && parse.GetValue(staleAfter) is { } minutes ? StaleLimit(minutes) : null,
                AlertRoutes = node ? Routes(parse.GetValue(alertWebhook) ?? [], Severity(parse.GetValue(alertMinSeverity))) : [],
            };
            settings = controls.Apply(parse, retrain.Apply(parse, sizing.Apply(parse, settings)));
            Validate(settings);
            var observer = new ConsoleObserver(serveAfterReplay: node, follow: settings.FollowEvery is not null, stopping: cancel);
            RunSummary summary;
            try
            {
                summary = await RunJob.ExecuteAsync(settings, observer, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return Interrupted();
            }
            if (observer.Served) return ExitCodes.Ok;
            if (cancel.IsCancellationRequested) return Interrupted();
            SummaryTable.Print(summary);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static TimeSpan StaleLimit(double minutes) => minutes is > 0 and <= 525_600 && double.IsFinite(minutes)
        ? TimeSpan.FromMinutes(minutes)
        : throw new UsageException($"--stale-after must be a number of minutes above 0 and at most a year, got {minutes}");

    /// <summary>Each --alert-webhook as a route; a URL given twice is refused, as each webhook's deliveries are journaled by its URL.</summary>
    private static IReadOnlyList<AlertRoute> Routes(IReadOnlyList<string> values, AlertSeverity defaultMin)
    {
        var routes = new List<AlertRoute>();
        foreach (var value in values)
        {
            AlertRoute route;
            try
            {
                route = AlertRoute.Parse(value, defaultMin);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }
            if (routes.Any(r => r.Webhook == route.Webhook)) throw new UsageException($"--alert-webhook {route.Webhook} is given twice");
            routes.Add(route);
        }
        return routes;
    }

    private static AlertSeverity Severity(string? text) => AlertRules.TryParse(text, out var severity)
        ? severity
        : throw new UsageException($"--alert-min-severity must be info, warning or critical, got '{text}'");

    private static TimeSpan FollowInterval(double seconds) => seconds is >= 0.1 and <= 86_400 && double.IsFinite(seconds)
        ? TimeSpan.FromSeconds(seconds)
        : throw new UsageException($"--follow must be a number of seconds between 0.1 and 86400, got {seconds}");

    private static int Interrupted()
    {
        AnsiConsole.MarkupLine("[yellow]interrupted: run the same command again to resume from the journal[/]");
        return ExitCodes.Failure;
    }

    private static void Validate(RunSettings s)
    {
        if (s.TrainFraction is <= 0 or >= 1) throw new UsageException($"--train-fraction must be between 0 and 1 (exclusive), got {s.TrainFraction}");
        if (s.FeeBps < 0) throw new UsageException($"--fee-bps must be >= 0, got {s.FeeBps}");
        if (s.SlippageBps < 0) throw new UsageException($"--slippage-bps must be >= 0, got {s.SlippageBps}");
        if (s.StartingEquity <= 0) throw new UsageException($"--equity must be > 0, got {s.StartingEquity}");
        if (s.MaxBatch < 1) throw new UsageException($"--max-batch must be at least 1, got {s.MaxBatch}");
        if (s.OpsUrl is { } url) OpsEndpoint.Open(url, s.OpsAccess, s.OpsTlsCertificate, s.OpsTlsKey);
        ModelBootstrap.Slots(s.Models);
    }
}

public static class BundledData
{
    /// <summary>The data shipped with the repository, found beside the executable or by walking up to the repository root.</summary>
    public static string Default => Find("data/binance");

    public static string Find(string relative)
    {
        var candidates = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var start in candidates)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(path) || File.Exists(path)) return path;
            }
        }
        throw new UsageException($"bundled data '{relative}' not found beside the executable or above the current directory; pass --data");
    }
}
