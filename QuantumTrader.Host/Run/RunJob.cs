using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuantumTrader.Actors.Alerts;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Replay;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Host.Ops;
using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Host.Run;

/// <summary>What the run reports while it works; the console shows a progress bar, tests collect the calls.</summary>
public interface IRunObserver
{
    void Info(string message);
    void BadRow(BadRow row);

    /// <summary>A symbol's bars skip an interval; the bars on both sides are decided as they come.</summary>
    void Gap(DataGap gap) => Info($"gap: {gap}");

    void Progress(long done, long total);

    /// <summary>Runs once the node is up and every symbol has recovered; the replay (and its clock) starts when it completes.</summary>
    Task BeforeReplayAsync(CancellationToken cancel) => Task.CompletedTask;

    /// <summary>Runs after the replay with the node (and its ops API) still up; the node stops when it completes.</summary>
    Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => Task.CompletedTask;
}

/// <summary>
/// The main job: replay the data through a single-node cluster of sharded, journaled entities and paper-trade it.
/// Same data, settings and seed give the same trades; an interrupted run resumes from the journal when started again.
/// </summary>
public static class RunJob
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    public static async Task<RunSummary> ExecuteAsync(RunSettings settings, IRunObserver observer, CancellationToken cancel)
    {
        // A following node reads its files again at every start: each bad row and gap is reported once, and counted every time.
        var once = new DataReportsOnce(observer);
        while (true)
        {
            var (summary, grew) = await RunOnceAsync(settings, once, cancel);
            if (!grew) return summary;
            observer.Info("the data grew: the node stops and resumes from the journal with the new rows");
        }
    }

    private sealed class DataReportsOnce(IRunObserver inner) : IRunObserver
    {
        private readonly HashSet<BadRow> _reported = [];
        private readonly HashSet<DataGap> _gaps = [];

        public void Info(string message) => inner.Info(message);
        public void BadRow(BadRow row)
        {
            if (_reported.Add(row)) inner.BadRow(row);
        }
        public void Gap(DataGap gap)
        {
            if (_gaps.Add(gap)) inner.Gap(gap);
        }
        public void Progress(long done, long total) => inner.Progress(done, total);
        public Task BeforeReplayAsync(CancellationToken cancel) => inner.BeforeReplayAsync(cancel);
        public Task AfterReplayAsync(RunSummary summary, CancellationToken cancel) => inner.AfterReplayAsync(summary, cancel);
    }

    /// <summary>One start: replay, summary, serving; true when it stopped because the data grew (follow mode).</summary>
    private static async Task<(RunSummary Summary, bool Grew)> RunOnceAsync(RunSettings settings, IRunObserver observer, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        using var stateLock = StateLock.Acquire(settings.StateDirectory);
        var data = ReplayData.Load(settings.Data, settings.Format, settings.OnBadRow, observer.BadRow, settings.FollowEvery is null ? null
            : row => observer.Info($"follow: {row.File}:{row.Line} is still being written (no newline yet); it is read once complete"));
        if (settings.DataUntil is { } until) data = data.Until(until);
        if (data.Bars.Count == 0) throw new Cli.UsageException($"no valid bars in {string.Join(", ", data.Files)}");
        foreach (var gap in data.Gaps) observer.Gap(gap);
        observer.Info($"{data.Bars.Count} bars of {string.Join(", ", data.Symbols)} from {data.Files.Count} file(s); {data.Rejected.Count} row(s) rejected; "
            + $"{data.Gaps.Count} gap(s), {data.Gaps.Sum(g => g.MissingBars)} bar(s) missing");

        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), observer.Info);
        var plan = ModelBootstrap.Prepare(data, settings, serving, observer, await RegistryJournal.DeletedArtifactsAsync(settings.StateDirectory));
        if (RecordedRun.RecordOrCompare(settings) is { Count: > 0 } changed)
            observer.Info($"this start changes {string.Join(", ", changed)} from {RecordedRun.PathIn(settings.StateDirectory)}: what it decides follows the new settings, and 'qt replay' runs this start with them");
        RecordedStart.Append(settings.StateDirectory, new RecordedStart(RecordedRun.Of(settings), data.LastBars, DateTimeOffset.UtcNow));

        var rules = new SymbolRules(new ExecutionOptions(FeeBps: settings.FeeBps, SlippageBps: settings.SlippageBps), filter: settings.SignalFilter);
        var node = new NodeSettings
        {
            StateDirectory = settings.StateDirectory, SnapshotEvery = settings.SnapshotEvery,
            Alerts = settings.OpsUrl is null ? null
                : new AlertSettings(settings.AlertRoutes, $"{Environment.MachineName}:{Path.GetFullPath(settings.StateDirectory)}"),
        };
        SqliteJournal.Prepare(node);

        var services = SizingRun.Services(settings, serving, rules).WithRiskGate(new KnownSymbols(data.Symbols)) with { Ess = settings.Ess };
        services.Clock.Deciding(data.Bars[^1].Time);
        services.EssHandover.Open();
        using var host = BuildHost(node, services);
        await host.StartAsync(cancel);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var registry = host.Services.GetRequiredService<ActorRegistry>();
            var symbols = await registry.GetAsync<SymbolRegion>(cancel);
            var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            await using var ops = settings.OpsUrl is { } url ? await OpsApi.StartAsync(OpsEndpoint.Open(url, settings.OpsAccess, settings.OpsTlsCertificate, settings.OpsTlsKey), system, registry, services, node, cancel) : null;
            if (ops is not null) observer.Info($"ops API and dashboard at {ops.Url}");
            if (node.Alerts is not null)
                foreach (var gap in data.Gaps)
                    await registry.Get<AlertFeedActor>().Ask<ObservationJournaled>(new JournalObservation(gap), AskTimeout, cancel);

            var ledger = new TradeLedger(settings.StartingEquity);
            var known = await JournalTrades.ReadAsync(journal, system.Materializer());
            foreach (var t in known) ledger.Add(t);
            if (known.Count > 0) observer.Info($"resuming: the journal already holds {known.Count} closed trade(s)");
            var book = new AccountBook(ledger);
            await AccountDriver.LoadPositionsAsync(journal, data.Symbols, book, system.Materializer());
            var account = await AccountDriver.StartAsync(system, await registry.GetAsync<AccountRegion>(cancel), services.AccountId, book, services.EssHandover,
                settings.EssActions, cancel);
            var learning = await LearningDriver.StartAsync(registry, serving, settings, plan, data.Bars, ledger.Trades.ToArray(), observer, cancel);
            var sizing = await SizingRun.StartAsync(services, registry, symbols, data.Symbols, ledger.Trades.ToArray(), observer, cancel);
            using var retraining = settings.Retrain is { } retrain
                ? await RetrainingDriver.StartAsync(registry, serving, settings, retrain, data, plan, observer, cancel)
                : null;
            // Every symbol entity starts and recovers from the journal now, side by side, not on its first bar.
            var recovered = await Task.WhenAll(data.Symbols.Select(s => symbols.Ask<SymbolStatus>(new GetSymbolStatus(s), AskTimeout, cancel)));
            retraining?.Resumes(DecidedBefore(data, recovered), DecidedByAll(data, recovered));
            account.Resumes(DecidedBefore(data, recovered));
            var policy = await registry.Get<PolicyStoreSingleton>().Ask<RiskPolicyState>(GetRiskPolicy.Instance, AskTimeout, cancel);
            await registry.Get<RiskCoordinatorKey>().Ask<RiskPosture>(policy, AskTimeout, cancel);
            await observer.BeforeReplayAsync(cancel);

            var replayClock = Stopwatch.StartNew();
            var replayCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var replayGcPause = GC.GetTotalPauseDuration();
            var replayAllocated = GC.GetTotalAllocatedBytes();
            var counters = await Replay(data, plan, settings.MaxBatch, symbols, account, learning, sizing, retraining, services.Risk, observer, system, cancel);
            learning.Finish();
            foreach (var symbol in data.Symbols)
                await symbols.Ask<SymbolFlushed>(new FlushSymbol(symbol), AskTimeout, cancel);
            var ess = await account.FinishAsync(data.Bars[^1].Time, cancel);
            foreach (var command in settings.OperatorCommands)
                await RepeatAsync(command, registry, cancel);
            services.Clock.Decided(data.Bars[^1].Time);
            var replaySeconds = replayClock.Elapsed.TotalSeconds;
            var replayCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - replayCpu).TotalSeconds;
            replayGcPause = GC.GetTotalPauseDuration() - replayGcPause;
            replayAllocated = GC.GetTotalAllocatedBytes() - replayAllocated;
            cancel.ThrowIfCancellationRequested();

            var feed = await registry.GetAsync<TradeFeedSingleton>(cancel);
            await WaitForFeed(feed, ledger.Count, observer, cancel);
            var summary = await RiskReport.AttachAsync(
                await learning.SummarizeAsync(
                    await Summarize(data, serving, registry, journal, ledger, counters, system, clock.Elapsed, replaySeconds, cancel), cancel)
                with
                {
                    Sizing = await sizing.SummarizeAsync(cancel), ReplayCpuSeconds = replayCpuSeconds, Gaps = data.Gaps,
                    ReplayGcPauseSeconds = replayGcPause.TotalSeconds, ReplayAllocatedMegabytes = replayAllocated / 1e6,
                    Retraining = retraining is null ? RetrainingSummary.Off
                        : retraining.Summarize(await (await registry.GetAsync<ModelRegistrySingleton>(cancel)).Ask<ModelRegistryView>(GetModelRegistry.Instance, AskTimeout, cancel)),
                    ReplayBatches = counters.Batches, BarsDecidedAgain = counters.DecidedAgain, BatchesDecidedAgain = counters.BatchesDecidedAgain,
                },
                ess, journal, system.Materializer());
            if (settings.TradesOut is { } tradesOut) TradeCsv.Write(tradesOut, ledger.Trades);
            Cli.JsonOut.Write(settings.SummaryJson, summary);
            if (settings.FollowEvery is not { } every)
            {
                await observer.AfterReplayAsync(summary, cancel);
                return (summary, false);
            }
            using var grown = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var quiet = new DataQuiet(settings.StaleAfter ?? 3 * DataFeed.BarInterval(data.Bars), data.Bars[^1].Time,
                settings.Data.Select(Path.GetFullPath).ToArray(), node.Alerts is null ? null : registry.Get<AlertFeedActor>());
            var watch = WatchAsync(data, settings.Data, every, grown, observer, quiet);
            await observer.AfterReplayAsync(summary, grown.Token);
            var grew = grown.IsCancellationRequested && !cancel.IsCancellationRequested;
            await grown.CancelAsync();
            await watch;
            return (summary, grew);
        }
        finally
        {
            foreach (var waiting in services.EssHandover.Close())
                waiting.Answer.TrySetException(new InvalidOperationException(
                    "the node's start stopped before it gave this command to the account; nothing was journaled: give it again"));
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The latest bar any symbol had decided before this start, by the bars it reports processed; null when none had.</summary>
    private static DateTimeOffset? DecidedBefore(ReplayData data, IReadOnlyList<SymbolStatus> recovered) =>
        LastDecided(data, recovered).Max(t => t);

    /// <summary>The latest bar every symbol had decided before this start; null when one had decided none.</summary>
    private static DateTimeOffset? DecidedByAll(ReplayData data, IReadOnlyList<SymbolStatus> recovered)
    {
        var each = LastDecided(data, recovered).ToArray();
        return each.Length == 0 || each.Any(t => t is null) ? null : each.Min();
    }

    private static IEnumerable<DateTimeOffset?> LastDecided(ReplayData data, IReadOnlyList<SymbolStatus> recovered) =>
        recovered.Select(status =>
        {
            var bars = data.Bars.Where(b => b.Symbol == status.Symbol).ToArray();
            return status.LastSeq > 0 && bars.Length > 0 ? bars[(int)Math.Min(status.LastSeq, bars.Length) - 1].Time : (DateTimeOffset?)null;
        }).ToArray();

    /// <summary>Gives an operator's journaled command again, dated as the journal dates it.</summary>
    private static Task RepeatAsync(IDomainEvent command, ActorRegistry registry, CancellationToken cancel)
    {
        Task Registry(OperatorMessage message) =>
            registry.Get<ModelRegistrySingleton>().Ask<ModelRegistryReply>(message.By(((RegistryEvent)command).Operator), AskTimeout, cancel);
        return command switch
        {
            RiskLimitsChanged l => registry.Get<PolicyStoreSingleton>().Ask<RiskPolicyState>(new RepeatRiskLimitsChange(l), AskTimeout, cancel),
            RetrainingRequested r => Registry(new RequestModelRetraining(r.Slot, r.Reason, r.Time)),
            VersionPromoted p => Registry(new PromoteModelVersion(p.Slot, p.Version, p.Reason, p.Time)),
            VersionRolledBack b => Registry(new RollBackModelVersion(b.Slot, b.Version, b.Reason, b.MarkedDegraded, b.Time)),
            AbTestStarted a => Registry(new StartModelAbTest(a.Slot, a.Version, a.Settings, a.Reason, a.Time)),
            AbTestConcluded { StoppedBecause: { } reason } c => Registry(new StopModelAbTest(c.Slot, reason, c.Time)),
            VersionMarkedImportant i => Registry(new MarkModelImportant(i.Slot, i.Version, i.Important, i.Time)),
            CleanupApproved c => Registry(new ApproveModelCleanup(c.Slot, c.Version, c.ApprovedBy, c.Time)),
            PromotionDeclined d => Registry(new DeclineModelPromotion(d.Slot, d.Version, d.Reason, d.Time)),
            _ => throw new InvalidOperationException($"a replay cannot repeat {command.GetType().Name}"),
        };
    }

    public static IHost BuildHost(NodeSettings node, NodeServices services, Action<AkkaConfigurationBuilder>? configure = null) =>
        new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddAkka(node.ActorSystemName, (builder, _) =>
            {
                builder.WithQuantumTraderNode(node, services);
                configure?.Invoke(builder);
            }))
            .Build();

    private sealed record Counters(long Replayed, long AlreadyProcessed, long Batches, long DecidedAgain, long BatchesDecidedAgain);

    /// <summary>
    /// Sends every bar through the symbols. With retraining the replay stops at each of its checks until the check is done,
    /// so a promotion serves from the check's time on, as it would live.
    /// </summary>
    private static async Task<Counters> Replay(
        ReplayData data, TradingPlan plan, int maxBatch, IActorRef symbols, AccountDriver account, LearningDriver learning, SizingRun sizing,
        RetrainingDriver? retraining, RiskBoard risk, IRunObserver observer, ActorSystem system, CancellationToken cancel)
    {
        var seqs = new Dictionary<string, long>(StringComparer.Ordinal);
        var total = data.Bars.Count;
        var groups = SameTime(data.Bars.Select(bar =>
        {
            var seq = seqs[bar.Symbol] = seqs.GetValueOrDefault(bar.Symbol) + 1;
            return new BarToDecide(seq, bar, plan.TradesAt(bar));
        })).ToArray();

        var reported = 0L;
        var before = 0L;
        var host = new ReplayHost(account, learning, sizing, retraining, risk, n =>
        {
            n += before;
            if (n - reported < 250 && n != total) return;
            reported = n;
            observer.Progress(n, total);
        }, cancel);

        var checks = retraining?.Checks() ?? [];
        var sum = new Counters(0, 0, 0, 0, 0);
        var next = 0;
        for (var k = 0; k <= checks.Count; k++)
        {
            var end = k < checks.Count ? checks[k] : DateTimeOffset.MaxValue;
            var from = next;
            while (next < groups.Length && groups[next].Time < end) next++;
            var counts = await ReplaySegment(groups[from..next], maxBatch, symbols, host, system, cancel);
            before += groups[from..next].Sum(g => g.Bars.Count);
            // The symbols count replayed and already processed bars since they started; the driver counts its own batches.
            sum = new Counters(Math.Max(sum.Replayed, counts.Replayed), Math.Max(sum.AlreadyProcessed, counts.AlreadyProcessed), sum.Batches + counts.Batches,
                sum.DecidedAgain + counts.DecidedAgain, sum.BatchesDecidedAgain + counts.BatchesDecidedAgain);
            if (k < checks.Count) await retraining!.CheckAsync(end, cancel);
        }
        if (retraining is not null) await retraining.ServeLatestAsync(cancel);
        if (sum.AlreadyProcessed > 0)
            observer.Info($"{sum.AlreadyProcessed} bar(s) were already processed before this start; {sum.Replayed} re-aligned with the journal");
        return sum;
    }

    private static async Task<Counters> ReplaySegment(
        ReplayDriver.Group[] groups, int maxBatch, IActorRef symbols, ReplayHost host, ActorSystem system, CancellationToken cancel)
    {
        if (groups.Length == 0) return new Counters(0, 0, 0, 0, 0);
        var done = new TaskCompletionSource<ReplayCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = system.ActorOf(ReplayDriver.PropsFor(symbols, host, done, AskTimeout, maxBatch));
        var killSwitch = Source.From(groups)
            .Grouped(256)
            .Select(batch => batch.ToArray())
            .ViaMaterialized(KillSwitches.Single<ReplayDriver.Group[]>(), Keep.Right)
            .To(Sink.ActorRefWithAck<ReplayDriver.Group[]>(driver, new ReplayDriver.Started(), new ReplayDriver.Ack(),
                new ReplayDriver.Completed(), ex => new ReplayDriver.Failed(ex)))
            .Run(system.Materializer());
        ReplayCounts counts;
        await using (cancel.Register(() => { killSwitch.Shutdown(); done.TrySetCanceled(); }))
            counts = await done.Task;
        return new Counters(counts.Replayed, counts.AlreadyProcessed, counts.Batches, counts.DecidedAgain, counts.BatchesDecidedAgain);
    }

    private static IEnumerable<ReplayDriver.Group> SameTime(IEnumerable<BarToDecide> bars)
    {
        var group = new List<BarToDecide>();
        foreach (var bar in bars)
        {
            if (group.Count > 0 && group[0].Bar.Time != bar.Bar.Time)
            {
                yield return new ReplayDriver.Group(group[0].Bar.Time, group.ToArray());
                group.Clear();
            }
            group.Add(bar);
        }
        if (group.Count > 0) yield return new ReplayDriver.Group(group[0].Bar.Time, group.ToArray());
    }

    /// <summary>
    /// Checks the data every <paramref name="every"/> and cancels <paramref name="grown"/> once complete rows were appended;
    /// data it cannot read is reported and checked again.
    /// </summary>
    private static async Task WatchAsync(
        ReplayData data, IReadOnlyList<string> paths, TimeSpan every, CancellationTokenSource grown, IRunObserver observer, DataQuiet quiet)
    {
        var since = Stopwatch.StartNew();
        var reported = false;
        try
        {
            while (true)
            {
                await Task.Delay(every, grown.Token);
                bool grew;
                try
                {
                    grew = data.Grew(paths);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MarketDataException)
                {
                    observer.Info($"follow: cannot read the data ({ex.Message}); checking again in {every.TotalSeconds:0.#} s");
                    continue;
                }
                if (!grew)
                {
                    if (!reported && quiet.Journal is { } feed && quiet.After is { } limit && since.Elapsed >= limit)
                    {
                        reported = true;
                        observer.Info($"follow: no new complete row for {since.Elapsed.TotalSeconds:0.#} s (limit {limit.TotalSeconds:0.#} s); alerting");
                        await feed.Ask<ObservationJournaled>(new JournalObservation(
                            new DataStaleObserved(quiet.LastBar, since.Elapsed.TotalMinutes, limit.TotalMinutes, quiet.Paths)), AskTimeout, grown.Token);
                    }
                    continue;
                }
                if (reported && quiet.Journal is { } resumed)
                    await resumed.Ask<ObservationJournaled>(new JournalObservation(new DataResumed(quiet.LastBar, since.Elapsed.TotalMinutes, quiet.Paths)),
                        AskTimeout, grown.Token);
                await grown.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>When a following node reports its data quiet (<see cref="After"/>; null: never) and where it journals that (null: a run, no alert feed).</summary>
    private sealed record DataQuiet(TimeSpan? After, DateTimeOffset LastBar, IReadOnlyList<string> Paths, IActorRef? Journal);

    private static async Task WaitForFeed(IActorRef feed, int trades, IRunObserver observer, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await feed.Ask<TradeFeedStatus>(GetTradeFeedStatus.Instance, AskTimeout, cancel);
            if (status.TradesDelivered >= trades) return;
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                observer.Info($"the trade feed delivered {status.TradesDelivered} of {trades} closed trades so far; it goes on at the next start");
                return;
            }
            await Task.Delay(50, cancel);
        }
    }

    private static async Task<RunSummary> Summarize(
        ReplayData data, EnsembleServing serving, ActorRegistry registry, SqlReadJournal journal, TradeLedger ledger, Counters counters,
        ActorSystem system, TimeSpan elapsed, double replaySeconds, CancellationToken cancel)
    {
        var symbols = await registry.GetAsync<SymbolRegion>(cancel);
        var models = await registry.GetAsync<ModelRegion>(cancel);
        var statuses = new List<SymbolStatus>();
        foreach (var symbol in data.Symbols)
            statuses.Add(await symbols.Ask<SymbolStatus>(new GetSymbolStatus(symbol), AskTimeout, cancel));

        var health = serving.Health().ToDictionary(h => h.ModelId);
        var modelSummaries = new List<ModelSummary>();
        foreach (var id in serving.ModelIds)
        {
            var p = await models.Ask<ModelPerformanceReport>(new GetModelPerformance(id), AskTimeout, cancel);
            var h = health[id];
            modelSummaries.Add(new ModelSummary(id, h.Version, serving.EffectiveWeightOf(id), p.Trades, p.WinRate, p.AverageR, h.Failures, h.Timeouts));
        }

        var materializer = system.Materializer();
        var ids = await journal.CurrentPersistenceIds().RunAggregate(new List<string>(), (l, id) => { l.Add(id); return l; }, materializer);
        long events = 0;
        foreach (var id in ids)
            events += await journal.CurrentEventsByPersistenceId(id, 0, long.MaxValue)
                .RunAggregate(0L, (n, env) => n + JournalEvents.Count(env.Event), materializer);

        var s = ledger.Summarize();
        var barsPerSymbol = data.Bars.GroupBy(b => b.Symbol).ToDictionary(g => g.Key, g => (long)g.Count());
        return new RunSummary(
            data.Bars.Count, data.Rejected.Count, statuses.Sum(x => x.TradesOpened), s.Trades, statuses.Count(x => x.Position is not null),
            s.NetPnl, s.WinRate, s.AverageR, s.Sharpe, s.MaxDrawdownPercent, s.FinalEquity, events,
            counters.Replayed, counters.AlreadyProcessed, statuses.Sum(x => x.SignalsRejected), statuses.Sum(x => x.Divergences),
            elapsed.TotalSeconds, replaySeconds, data.Bars.Count / Math.Max(replaySeconds, 1e-9), modelSummaries,
            statuses.Select(x => new SymbolSummary(x.Symbol, barsPerSymbol[x.Symbol], x.TradesOpened, x.TradesClosed, x.SignalsRejected,
                x.RealizedPnl, x.Regime, x.Position is not null)).ToArray(),
            data.Rejected.Select(r => new RejectedRow(r.File, r.Line, r.Field, r.Reason)).ToArray());
    }
}
