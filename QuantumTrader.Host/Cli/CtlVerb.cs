using System.CommandLine;
using System.Globalization;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The ops console: talks to a running node ('qt node') over its HTTP API. Cluster members, shard regions and their
/// entity counts, the served models and their weights, the supervisor's weight decisions and drift alarms, the latest
/// trades with their decisions, the emergency stop (status, manual trigger and reset), the risk limits per mode, and the
/// model registry. Tables for people, --json for scripts; a node that cannot be reached exits with code 1 and says so,
/// a request the node refuses exits with code 2 and its reason.
/// </summary>
public static class CtlVerb
{
    public static Option<string> NodeOption() => new("--node")
    {
        Description = $"Ops API address of a running node (default {OpsClient.DefaultUrl})", DefaultValueFactory = _ => OpsClient.DefaultUrl,
    };

    private const string TokenFileName = "--token-file";
    private const string AsName = "--as";
    private const string CaCertName = "--ca-cert";

    /// <summary>Who every ctl subcommand acts as (<see cref="OpsCredentials"/>), from the options the ctl command gives them all.</summary>
    public static OpsCredentials Credentials(ParseResult parse) =>
        OpsCredentials.From(parse.GetValue<string?>(TokenFileName), parse.GetValue<string?>(AsName), parse.GetValue<string?>(CaCertName));

    private static Option<string?> Json() => new("--json") { Description = "Write the result as one JSON object to this file" };

    private static Option<string> Account() => new("--account") { Description = "Account id (default: the node's paper account)", DefaultValueFactory = _ => "paper" };

    public static Command Create()
    {
        var registry = new Command("registry", "The model registry of a running node: versions, champions, promotion, rollback and cleanup");
        foreach (var command in ModelsVerb.RegistryCommands(RegistryAccess.Node)) registry.Subcommands.Add(command);
        return new Command("ctl", "Ops console: inspect and steer a running node over its HTTP API")
        {
            new Option<string?>(TokenFileName)
            {
                Recursive = true,
                Description = $"File holding this operator's token, for a node with an access file ('qt access add' prints it; default: ${OpsCredentials.TokenVariable})",
            },
            new Option<string?>(AsName)
            {
                Recursive = true,
                Description = "The name the journal records for this console's commands on a node without an access file (default: the account running it); " +
                              "a node with one records the token's operator",
            },
            new Option<string?>(CaCertName)
            {
                Recursive = true,
                Description = "Certificate (PEM) to trust for an https node beside the system's: the node's self-signed one ('qt access cert') or the one that signed it",
            },
            WhoAmI(), Members(), Shards(), Models(), Learning(), Sizing(), Trades(), Performance(), Accuracy(), Ess(), Risk(), registry, Audit(), Alerts(), Report(),
        };
    }

    /// <summary>A subcommand that reads one of the node's views, prints it for people and writes it with --json.</summary>
    private static Command ViewCommand<T>(string name, string description, string path, Action<T> print)
    {
        var (node, json) = (NodeOption(), Json());
        var command = new Command(name, description) { node, json };
        command.SetAction(async (parse, cancel) =>
        {
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var view = await client.GetAsync<T>(path, cancel);
            print(view);
            JsonOut.Write(parse.GetValue(json), view!);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Audit()
    {
        var (node, json) = (NodeOption(), Json());
        var latest = new Option<int>("--latest") { DefaultValueFactory = _ => AuditView.DefaultLatest, Description = "How many of the latest decisions to print" };
        var trade = new Option<string?>("--trade") { Description = "Also tell one closed trade's story, as 'qt audit --trade' does" };
        var command = new Command("audit", "The audit of the node's journal as it stands: the checks that nothing was lost, each kind of decision, the latest decisions (exit 1 when a check fails)")
            { node, latest, trade, json };
        command.SetAction(async (parse, cancel) =>
        {
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var path = $"/api/audit?latest={parse.GetValue(latest)}" + (parse.GetValue(trade) is { } id ? "&trade=" + Uri.EscapeDataString(id) : "");
            var view = await client.GetAsync<AuditView>(path, cancel);
            JsonOut.Write(parse.GetValue(json), view);
            return AuditVerb.Print(view);
        });
        return command;
    }

    private static Command Alerts()
    {
        var (node, json) = (NodeOption(), Json());
        var latest = new Option<int>("--latest") { DefaultValueFactory = _ => 20, Description = "How many of the latest alerts to print" };
        var command = new Command("alerts",
            "The node's alerts (emergency-stop changes, drift alarms, rolled-back promotions...): counts by severity, where they go, whether the webhook has them, the latest ones")
            { node, latest, json };
        command.SetAction(async (parse, cancel) =>
        {
            if (parse.GetValue(latest) < 0) throw new UsageException($"--latest must not be negative, got {parse.GetValue(latest)}");
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var view = await client.GetAsync<AlertsView>($"/api/alerts?latest={parse.GetValue(latest)}", cancel);
            PrintAlerts(view);
            JsonOut.Write(parse.GetValue(json), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Report()
    {
        var (node, json) = (NodeOption(), Json());
        var by = new Option<ReportPeriod>("--by") { DefaultValueFactory = _ => ReportPeriod.Month, Description = "Period of the table: Day, Week (ISO) or Month" };
        var command = new Command("report", "The node's trading result from its journal's closed trades, as 'qt report' prints it") { node, by, json };
        command.SetAction(async (parse, cancel) =>
        {
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var report = await client.GetAsync<PnlReport>($"/api/report?by={parse.GetValue(by)}", cancel);
            ReportVerb.Print(report);
            JsonOut.Write(parse.GetValue(json), report);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void PrintAlerts(AlertsView view)
    {
        Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alerts: {view.Critical} critical, {view.Warning} warning, {view.Info} info"));
        if (view.Routes.Count == 0) Out.WriteLine("no webhook: the alerts are shown by the API and the dashboard only");
        foreach (var r in view.Routes)
        {
            Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"webhook {r.Webhook} ({r.MinSeverity.ToString().ToLowerInvariant()} and above): accepted through alert {r.DeliveredThrough}, {r.Pending} waiting"));
            if (r.LastError is { } error)
                Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.FailedAttempts} failed attempt(s); the last at {r.LastErrorAt:O}: {error}"));
        }
        if (view.Latest.Count == 0) return;
        var table = new Table().Title($"the latest {view.Latest.Count} alerts").AddColumn(new TableColumn("#").RightAligned())
            .AddColumns("severity", "time", "kind", "subject", "detail", "journal row", "sent");
        foreach (var a in view.Latest)
            table.AddRow(Int(a.Number), Severity(a.Severity), a.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), a.Kind,
                Markup.Escape(a.Subject), Markup.Escape(a.Detail + (a.Operator is { } by ? $" (by {by})" : "")), Markup.Escape($"{a.Source} #{a.SequenceNr}"), a.Delivered ? "yes" : "");
        Out.Write(table);
    }

    private static string Severity(AlertSeverity s) => s switch
    {
        AlertSeverity.Critical => "[red]critical[/]",
        AlertSeverity.Warning => "[yellow]warning[/]",
        _ => "info",
    };

    private static Command WhoAmI() => ViewCommand<OperatorView>("whoami",
        "Who the node takes this console for: the operator of its token and their role, or, on a node without an access file, the name it gives itself",
        "/api/whoami", view => Out.WriteLine(view.Verified
            ? $"{view.Operator} (role {view.Role?.ToString().ToLowerInvariant()}), by the token the node's access file knows" +
              (view.TokenExpires is { } expires ? $"; it expires at {OperatorAccess.Utc(expires)}" : "; it does not expire") +
              (view.TokenWarning is { } warning ? $"\nwarning: {warning}" : "")
            : $"{view.Operator ?? "(no name)"}, the name this console gives itself: the node has no access file, checks nothing and takes every command"));

    private static Command Sizing() => ViewCommand<SizingView>("sizing",
        "The PPO sizing agent (seed 001): policy version served, experiences recorded and waiting, each update's mean reward and losses, and the reward trend",
        "/api/sizing", view =>
        {
            if (!view.Learning)
            {
                Out.WriteLine("This node sizes with the fixed fraction and learns no sizing policy (start it with --sizing Ppo).");
                return;
            }
            Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"policy version {view.PolicyVersion} ({(view.Shadow == true ? "shadow: recorded with each trade, the orders keep the fixed size" : "sizing the orders")}); " +
                $"{view.Experiences} experiences from {view.TradesRecorded} closed trades, {view.Pending} waiting, an update every {view.UpdateEvery}"));
            Out.WriteLine($"reward trend: {view.Trend.Summary}");
            if (view.History.Count == 0) return;
            var table = new Table().Title($"policy updates ({view.History.Count})").AddColumns("version", "experiences", "mean reward", "policy loss", "value loss", "last trade exit", "checkpoint");
            foreach (var h in view.History.TakeLast(20))
                table.AddRow(Int(h.Version), Int(h.Experiences), Num(h.MeanReward), Num(h.PolicyLoss), Num(h.ValueLoss), h.Time.ToString("O", CultureInfo.InvariantCulture),
                    Markup.Escape(h.Checkpoint));
            Out.Write(table);
        });

    private static Command Members() => ViewCommand<ClusterView>("members",
        "Cluster members as the node sees them: address, status, roles, reachability, leader", "/api/cluster", view =>
        {
            var table = new Table().Title($"cluster members ({view.Members.Count}) seen from {Markup.Escape(view.Self)}")
                .AddColumns("address", "status", "roles", "reachable", "leader");
            foreach (var m in view.Members)
                table.AddRow(Markup.Escape(m.Address), m.Status, Markup.Escape(string.Join(", ", m.Roles)), m.Reachable ? "yes" : "NO", m.Address == view.Leader ? "yes" : "");
            Out.Write(table);
        });

    private static Command Shards() => ViewCommand<ShardsView>("shards",
        "Shard regions per node: how many shards and entities of each entity type run where", "/api/shards", view =>
        {
            var table = new Table().Title("shard regions").AddColumns("region", "node").AddColumn(new TableColumn("shards").RightAligned())
                .AddColumn(new TableColumn("entities").RightAligned());
            foreach (var r in view.Regions)
                table.AddRow(r.Region, Markup.Escape(r.Node), Int(r.Shards), Int(r.Entities));
            Out.Write(table);
            if (view.Unanswered.Count > 0)
                Out.MarkupLine($"[yellow]no complete answer in time from: {Markup.Escape(string.Join(", ", view.Unanswered))}[/]");
        });

    private static Command Models() => ViewCommand<ModelsView>("models",
        "Served models: version, A/B challenger, ensemble weight now, live performance, drift alarms, serving failures", "/api/models", view =>
        {
            var table = new Table()
                .Title($"served models ({view.Models.Count}); weights {(view.WeightsAsOf is { } t ? $"set by the supervisor at {t:O}" : "at their seed values")}")
                .AddColumns("model", "version", "A/B challenger", "weight", "trades", "win rate", "avg R", "Sharpe", "drift alarms", "calls", "failures", "timeouts");
            foreach (var m in view.Models)
                table.AddRow(m.Id, Markup.Escape(m.Version),
                    m.AbTest is { } ab ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{ab.Version} ({ab.Share:P0})")) : "-",
                    Num(m.Weight), Int(m.Trades), m.WinRate.ToString("P1", CultureInfo.InvariantCulture), Num(m.AverageR),
                    Num(m.Sharpe), Int(m.DriftAlarms), Int(m.Calls), Int(m.Failures), Int(m.Timeouts));
            Out.Write(table);
        });

    private static Command Learning()
    {
        var (node, json) = (NodeOption(), Json());
        var last = new Option<int>("--last") { Description = "How many of the latest weight decisions and drift alarms to show", DefaultValueFactory = _ => 10 };
        var command = new Command("learning", "The model supervisor's record: weights now, the latest weight decisions and drift alarms, with their reasons")
        {
            node, last, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var n = parse.GetValue(last);
            if (n < 1) throw new UsageException($"--last must be at least 1, got {n}");
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var s = await client.AskAsync<SupervisorStatus>("supervisor", GetSupervisorStatus.Instance, cancel);

            var weights = new Table().Title($"ensemble weights after {Int(s.TradesSupervised)} supervised trades").AddColumns("model", "seed weight", "weight now");
            foreach (var (model, weight) in s.Weights)
                weights.AddRow(model, Num(s.InitialWeights.GetValueOrDefault(model)), Num(weight));
            Out.Write(weights);

            var decisions = new Table().Title($"latest weight decisions (of {s.WeightHistory.Count})").AddColumns("time", "decision", "weights", "reason");
            foreach (var e in s.WeightHistory.TakeLast(n))
            {
                var (kind, set, reason) = e switch
                {
                    WeightsRebalanced r => ("rebalanced", string.Join(", ", r.Overall.Select(w => $"{w.Key} {Num(w.Value)}")), r.Reason),
                    WeightsRefused r => ("refused", "", $"{r.Reason} (proposed: {r.ProposalReason})"),
                    _ => (e.GetType().Name, "", ""),
                };
                decisions.AddRow(e.Time.ToString("O", CultureInfo.InvariantCulture), kind, Markup.Escape(set), Markup.Escape(reason));
            }
            Out.Write(decisions);

            var alarms = new Table().Title($"latest drift alarms (of {s.Alarms.Count})").AddColumns("time", "model", "severity", "at its trade", "evidence");
            foreach (var a in s.Alarms.TakeLast(n))
                alarms.AddRow(a.Time.ToString("O", CultureInfo.InvariantCulture), a.ModelId, a.Severity.ToString(), Int(a.TradeIndex), Markup.Escape(a.Alarm.Describe()));
            Out.Write(alarms);
            JsonOut.Write(parse.GetValue(json), s);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Performance()
    {
        var (node, json) = (NodeOption(), Json());
        var by = new Option<BreakdownBy>("--by") { Description = "Group the trades by Symbol or by Regime at entry", DefaultValueFactory = _ => BreakdownBy.Symbol };
        var minTrades = new Option<int>("--min-trades") { Description = "Trades a group needs to be judged a model's weakest", DefaultValueFactory = _ => 10 };
        var command = new Command("performance", "Every model's closed trades by symbol or by regime at entry: trades, win rate, average R, Sharpe; each model's weakest group")
        {
            node, by, minTrades, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var n = parse.GetValue(minTrades);
            if (n < 1) throw new UsageException($"--min-trades must be at least 1, got {n}");
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var view = await client.GetAsync<PerformanceView>($"/api/performance?by={parse.GetValue(by)}&minTrades={n}", cancel);
            var table = new Table().Title($"model performance by {view.By.ToString().ToLowerInvariant()} over {view.TradesRead} closed trades")
                .AddColumns("model", view.By.ToString().ToLowerInvariant(), "trades", "win rate", "avg R", "Sharpe", $"weakest (>= {view.MinTrades} trades)");
            foreach (var r in view.Rows)
                table.AddRow(r.Stats.ModelId, Markup.Escape(r.Group), Int(r.Stats.Trades), r.Stats.WinRate.ToString("P1", CultureInfo.InvariantCulture),
                    Num(r.Stats.MeanR), Num(r.Stats.Sharpe), r.Weakest ? "weakest" : "");
            Out.Write(table);
            JsonOut.Write(parse.GetValue(json), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Accuracy()
    {
        var (node, json) = (NodeOption(), Json());
        var (minCalls, weakest) = AccuracyVerb.GroupOptions();
        var everyBar = AccuracyVerb.EveryBarOption();
        var command = new Command("accuracy", "Each model's directional accuracy at the bars the node's journal holds decisions for (or every traded bar), as 'qt accuracy' prints it")
        {
            node, minCalls, weakest, everyBar, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var (calls, shown) = AccuracyVerb.GroupSettings(parse, minCalls, weakest);
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            if (parse.GetValue(everyBar))
            {
                var all = await client.GetAsync<EveryBarAccuracyView>($"/api/accuracy?minCalls={calls}&weakest={shown}&everyBar=true", cancel);
                AccuracyVerb.Print(all);
                JsonOut.Write(parse.GetValue(json), all);
                return all.Agreement.AllSame ? ExitCodes.Ok : ExitCodes.Failure;
            }
            var view = await client.GetAsync<AccuracyView>($"/api/accuracy?minCalls={calls}&weakest={shown}", cancel);
            AccuracyVerb.Print(view);
            JsonOut.Write(parse.GetValue(json), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Trades()
    {
        var (node, json) = (NodeOption(), Json());
        var last = new Option<int>("--last") { Description = "How many of the latest closed trades", DefaultValueFactory = _ => 20 };
        var symbol = new Option<string?>("--symbol") { Description = "Only this symbol's trades" };
        var command = new Command("trades", "The latest closed trades from the journal, each with the decision behind it: votes, ensemble, filter, sizing")
        {
            node, last, symbol, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var n = parse.GetValue(last);
            if (n < 1) throw new UsageException($"--last must be at least 1, got {n}");
            var path = $"/api/trades?last={n}" + (parse.GetValue(symbol) is { } s ? $"&symbol={Uri.EscapeDataString(s)}" : "");
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var view = await client.GetAsync<TradesView>(path, cancel);
            var table = new Table().Title($"latest closed trades ({view.Trades.Count} of {view.Total})")
                .AddColumns("exit", "symbol", "side", "entry -> exit", "pnl", "R", "why it closed", "ensemble", "filter", "votes (weight)", "size");
            foreach (var t in view.Trades)
            {
                var d = t.Decision;
                var votes = string.Join(", ", d.Ensemble.Votes.Select(v => $"{v.ModelId} {v.Action.ToString().ToUpperInvariant()} {Num(v.Confidence)} ({Num(v.Weight)})" +
                    (v.Fallback is null ? "" : $" fallback: {v.Fallback}")));
                table.AddRow(t.ExitTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), t.Symbol, t.Side.ToString().ToLowerInvariant(),
                    $"{Num(t.EntryPrice)} -> {Num(t.ExitPrice)}", Num(t.Pnl), Num(t.RMultiple), Markup.Escape(t.ExitReason),
                    Markup.Escape($"{d.Ensemble.Action.ToString().ToUpperInvariant()} {Num(d.Ensemble.Confidence)}, agreement {Num(d.Ensemble.Agreement)}"),
                    d.Filter.Verdict.ToString(), Markup.Escape(votes), d.Sizing is { } z ? Markup.Escape(z.Sizer) : "-");
            }
            Out.Write(table);
            JsonOut.Write(parse.GetValue(json), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Ess()
    {
        var ess = new Command("ess", "The account's emergency stop: status, manual trigger, manual reset");

        var (node, account, json) = (NodeOption(), Account(), Json());
        var status = new Command("status", "Mode, drawdown, whether trading is on, and the last transitions") { node, account, json };
        status.SetAction(async (parse, cancel) =>
            await PrintEss(new OpsClient(parse.GetValue(node)!, Credentials(parse)), new GetEssStatus(parse.GetValue(account)!), parse.GetValue(json), cancel));
        ess.Subcommands.Add(status);

        ess.Subcommands.Add(EssCommand("trigger", "Force EMERGENCY: every position closes, nothing opens, until a reset",
            (a, reason) => new TriggerEmergency(a, reason, DateTimeOffset.UtcNow)));
        ess.Subcommands.Add(EssCommand("reset", "Release a manual trigger: the account moves to the mode its drawdown supports",
            (a, reason) => new ResetEmergency(a, reason, DateTimeOffset.UtcNow)));
        return ess;
    }

    private static Command EssCommand(string name, string description, Func<string, string, IProtocolMessage> message)
    {
        var (node, account, json) = (NodeOption(), Account(), Json());
        var reason = new Option<string>("--reason") { Description = "Why, kept in the journal with the transition", Required = true };
        var wait = new Option<double>("--wait")
        {
            Description = "Seconds to keep trying while the node refuses connections (starting, or starting again for appended rows); 0 fails at once",
            DefaultValueFactory = _ => 60,
        };
        var command = new Command(name, description) { node, account, reason, wait, json };
        command.SetAction(async (parse, cancel) =>
        {
            var text = parse.GetValue(reason)!;
            if (string.IsNullOrWhiteSpace(text)) throw new UsageException("--reason must say why");
            var seconds = parse.GetValue(wait);
            if (!(seconds >= 0) || double.IsInfinity(seconds)) throw new UsageException($"--wait must be a number of seconds, 0 or more; got {seconds}");
            return await PrintEss(new OpsClient(parse.GetValue(node)!, Credentials(parse), TimeSpan.FromSeconds(seconds)), message(parse.GetValue(account)!, text), parse.GetValue(json), cancel);
        });
        return command;
    }

    private static async Task<int> PrintEss(OpsClient opened, IProtocolMessage message, string? json, CancellationToken cancel)
    {
        using var client = opened;
        var s = await client.AskAsync<EssStatus>("account", message, cancel);
        var grid = new Table().Title($"emergency stop of account {Markup.Escape(s.AccountId)}").AddColumns("mode", "trading", "manual trigger", "drawdown %", "deepest drawdown %", "settled equity", "peak equity", "market time");
        grid.AddRow(s.Mode.Label(), s.TradingEnabled ? "on" : "off", s.ManualLatch ? "latched" : "no", s.Drawdown.ToString("F2", CultureInfo.InvariantCulture),
            s.State is { MaxDrawdownAt: { } at } state ? string.Create(CultureInfo.InvariantCulture, $"{state.MaxDrawdown:F2} at {at:O}") : "0.00",
            Num(s.Equity), Num(s.PeakEquity), s.Clock?.ToString("O", CultureInfo.InvariantCulture) ?? "-");
        Out.Write(grid);
        var transitions = new Table().Title($"last transitions (of {s.Transitions.Count})").AddColumns("time", "from", "to", "drawdown %", "trading", "reason");
        foreach (var t in s.Transitions.TakeLast(10))
            transitions.AddRow(t.Time.ToString("O", CultureInfo.InvariantCulture), t.From.Label(), t.To.Label(), t.Drawdown.ToString("F2", CultureInfo.InvariantCulture),
                t.TradingEnabled ? "on" : "off", Markup.Escape(t.Reason));
        Out.Write(transitions);
        if (s.CommandsWaiting > 0)
            Out.WriteLine($"{s.CommandsWaiting} operator trigger(s) or reset(s) wait for the next bar the node decides");
        JsonOut.Write(json, s);
        return ExitCodes.Ok;
    }

    private static Command Risk()
    {
        var risk = new Command("risk", "Risk limits per emergency-stop mode, held by the cluster's policy store");

        var (node, json) = (NodeOption(), Json());
        var show = new Command("show", "The limits of every mode and the policy's version") { node, json };
        show.SetAction(async (parse, cancel) =>
        {
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            return PrintRisk(await client.AskAsync<RiskPolicyState>("policy", GetRiskPolicy.Instance, cancel), parse.GetValue(json));
        });
        risk.Subcommands.Add(show);
        risk.Subcommands.Add(SetRisk());
        return risk;
    }

    /// <summary>Changes the limits of one mode; options left out keep the mode's current value.</summary>
    private static Command SetRisk()
    {
        var (node, json) = (NodeOption(), Json());
        var mode = new Option<string>("--mode") { Description = "NORMAL, CAUTIOUS or PROTECTIVE (EMERGENCY allows nothing)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why, kept in the policy store's journal", Required = true };
        var maxPosition = new Option<double?>("--max-position") { Description = "Largest position, USD" };
        var leverage = new Option<double?>("--max-leverage") { Description = "Largest leverage" };
        var confidence = new Option<double?>("--min-confidence") { Description = "Smallest ensemble confidence that may open a position, in [0, 1]" };
        var positions = new Option<int?>("--max-open-positions") { Description = "Most positions open at once" };
        var gross = new Option<double?>("--max-gross") { Description = "Largest gross exposure, USD" };
        var correlated = new Option<double?>("--max-correlated") { Description = "Largest exposure of correlated symbols together, USD" };
        var threshold = new Option<double?>("--correlation-threshold") { Description = "Return correlation from which two symbols count together, in [0, 1]" };
        var command = new Command("set", "Change one mode's limits on every node; options left out keep their value")
        {
            node, mode, reason, maxPosition, leverage, confidence, positions, gross, correlated, threshold, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var label = parse.GetValue(mode)!;
            if (!EssModeExtensions.TryParseLabel(label, out var m)) throw new UsageException($"--mode: '{label}' is not a mode; use NORMAL, CAUTIOUS or PROTECTIVE");
            using var client = new OpsClient(parse.GetValue(node)!, Credentials(parse));
            var current = (await client.AskAsync<RiskPolicyState>("policy", GetRiskPolicy.Instance, cancel)).Policy.LimitsFor(m);
            ChangeRiskLimits change;
            try
            {
                change = new ChangeRiskLimits(m, new RiskLimits(
                    parse.GetValue(maxPosition) ?? current.MaxPositionUsd, parse.GetValue(leverage) ?? current.MaxLeverage,
                    parse.GetValue(confidence) ?? current.MinConfidence, parse.GetValue(positions) ?? current.MaxOpenPositions,
                    parse.GetValue(gross) ?? current.MaxGrossExposureUsd, parse.GetValue(correlated) ?? current.MaxCorrelatedExposureUsd,
                    parse.GetValue(threshold) ?? current.CorrelationThreshold), parse.GetValue(reason)!);
            }
            catch (DomainValidationException ex)
            {
                throw new UsageException(ex.Message);
            }
            return PrintRisk(await client.AskAsync<RiskPolicyState>("policy", change, cancel), parse.GetValue(json));
        });
        return command;
    }

    private static int PrintRisk(RiskPolicyState state, string? json)
    {
        var table = new Table().Title($"risk limits per mode (policy version {state.Version})")
            .AddColumns("mode", "max position $", "max leverage", "min confidence", "max open positions", "max gross $", "max correlated $", "correlation threshold");
        foreach (var mode in new[] { EssMode.Normal, EssMode.Cautious, EssMode.Protective, EssMode.Emergency })
        {
            var l = state.Policy.LimitsFor(mode);
            table.AddRow(mode.Label(), Num(l.MaxPositionUsd), Num(l.MaxLeverage), Num(l.MinConfidence), Int(l.MaxOpenPositions), Num(l.MaxGrossExposureUsd),
                Num(l.MaxCorrelatedExposureUsd), Num(l.CorrelationThreshold));
        }
        Out.Write(table);
        JsonOut.Write(json, state);
        return ExitCodes.Ok;
    }

    private static IAnsiConsole Out => WideConsole.ForTables();

    private static string Num(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Int(long x) => x.ToString(CultureInfo.InvariantCulture);
}
