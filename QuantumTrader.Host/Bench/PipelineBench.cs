using System.Diagnostics;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using QuantumTrader.Actors.Bench;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Bench;

public sealed record ModelLatency(string Id, string Version, int Samples, double P50Micros, double P99Micros, double MeanMicros);

/// <summary>One replay of the data on a fresh journal.</summary>
/// <param name="JitWaitSeconds">How long the run waited, before its replay clock started, for the runtime to stop compiling the node's start-up code.</param>
public sealed record PipelineRun(
    double ReplaySeconds, double BarsPerSecond, double ReplayCpuSeconds, double GcPauseSeconds, double AllocatedMegabytes, long Batches, long BarsDecidedAgain,
    int TradesClosed, double NetPnl, double JitWaitSeconds);

public sealed record PipelineBenchResult(
    IReadOnlyList<string> ServedSlots, long Bars, int MaxBatch, bool WaitedForJit, PipelineRun FirstRun, IReadOnlyList<PipelineRun> WarmupRuns,
    IReadOnlyList<PipelineRun> MeasuredRuns, double BarsPerSecond,
    double ReplayCpuSeconds, double BarsPerCpuSecond, bool SameTradesEveryRun, double PureCascadeBarsPerSecond, int TradesClosed, long EventsInJournal,
    int JournalBatchEvents, double EventsPerSecondBatched, int JournalSequentialEvents, double EventsPerSecondSequential,
    IReadOnlyList<ModelLatency> Models);

/// <summary>
/// Throughput of the whole cascade: full runs of the data, each on a fresh SQLite journal, in one process. The first run
/// trains the models and pays for loading and compiling the code; the warm-up runs after it reuse the trained models
/// while the runtime recompiles the hot code with its profile (all three reported apart); the measured runs after those
/// give the steady state a running node has. Unless told otherwise, every run's replay clock starts once the runtime has
/// stopped compiling (no method compiled for 200 ms, at most 10 s): a new actor system per run brings start-up code that
/// would otherwise be compiled on the CPUs the replay runs on, which a node that keeps running pays once. Then the
/// journal's write rate, and the ONNX Runtime latency of one single-row prediction per tree model.
/// </summary>
public static class PipelineBench
{
    public static async Task<PipelineBenchResult> RunAsync(
        IReadOnlyList<string> data, IReadOnlySet<string> slots, int samples, int warmupRuns, int measuredRuns, int maxBatch, bool waitForJit,
        Action<string> progress, CancellationToken cancel)
    {
        var states = new List<string>();
        string NewState()
        {
            var dir = Path.Combine(Path.GetTempPath(), "qt-bench-" + Guid.NewGuid().ToString("N")[..8]);
            states.Add(dir);
            return dir;
        }
        try
        {
            var served = ModelSlots.All.Where(slots.Contains).ToArray();
            var settings = new RunSettings { Data = data, StateDirectory = NewState(), Models = [string.Join(',', served)], MaxBatch = maxBatch };
            progress("first run on a fresh journal (trains the models) ...");
            var first = await RunAsync(settings, waitForJit, progress, cancel);
            var runs = new List<(PipelineRun Run, RunSummary Summary)>();
            var total = warmupRuns + measuredRuns;
            for (var i = 1; i <= total; i++)
            {
                progress($"{(i <= warmupRuns ? "warm-up" : "measured")} run {i} of {total} on a fresh journal with the trained models ...");
                var next = settings with { StateDirectory = NewState() };
                CopyDirectory(Path.Combine(settings.StateDirectory, "models"), Path.Combine(next.StateDirectory, "models"));
                runs.Add(await RunAsync(next, waitForJit, progress, cancel));
                Directory.Delete(next.StateDirectory, true);
            }
            var measured = runs.Count > warmupRuns ? runs.Skip(warmupRuns).ToList() : [first];
            var median = measured.OrderBy(r => r.Run.BarsPerSecond).ElementAt(measured.Count / 2);
            var same = runs.All(r => r.Run.TradesClosed == first.Run.TradesClosed && r.Run.NetPnl.Equals(first.Run.NetPnl));

            progress("journal write rate ...");
            var (batched, batchedRate, sequential, sequentialRate) = await JournalRate(NewState(), cancel);

            progress("the same cascade without actors or journal ...");
            var pure = PureCascade(data, settings.StateDirectory, settings);

            progress("ONNX Runtime single-row latency ...");
            var rows = FeatureRows(data);
            var models = new List<ModelLatency>();
            var treeSidecars = new[] { ModelSlots.Xgb, ModelSlots.Lgbm }.Where(slots.Contains)
                .SelectMany(slot => Directory.GetFiles(Path.Combine(settings.StateDirectory, "models", slot), "*.json"));
            foreach (var sidecar in treeSidecars.Order(StringComparer.Ordinal))
            {
                using var predictor = OnnxTreePredictor.Open(sidecar);
                var x = rows.Select(r => r.Values.Select(v => (float)v).ToArray()).ToArray();
                var figures = Latency.Measure(samples, 2_000, i => predictor.ProbabilityUp(x[i % x.Length]));
                models.Add(new ModelLatency(predictor.ModelId, predictor.Version, figures.Samples, figures.P50Micros, figures.P99Micros, figures.MeanMicros));
            }
            var summary = median.Summary;
            return new PipelineBenchResult(served, summary.Bars, maxBatch, waitForJit, first.Run, runs.Take(warmupRuns).Select(r => r.Run).ToArray(),
                runs.Skip(warmupRuns).Select(r => r.Run).ToArray(), median.Run.BarsPerSecond,
                median.Run.ReplayCpuSeconds, summary.Bars / Math.Max(median.Run.ReplayCpuSeconds, 1e-9), same, pure, summary.TradesClosed,
                summary.EventsPersisted, batched, batchedRate, sequential, sequentialRate, models);
        }
        finally
        {
            foreach (var dir in states)
                try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static async Task<(PipelineRun Run, RunSummary Summary)> RunAsync(RunSettings settings, bool waitForJit, Action<string> progress, CancellationToken cancel)
    {
        var observer = new QuietObserver(progress) { WaitForJit = waitForJit };
        var s = await RunJob.ExecuteAsync(settings, observer, cancel);
        return (new PipelineRun(s.ReplaySeconds, s.BarsPerSecond, s.ReplayCpuSeconds, s.ReplayGcPauseSeconds, s.ReplayAllocatedMegabytes,
            s.ReplayBatches, s.BarsDecidedAgain, s.TradesClosed, s.NetPnl, observer.JitWaitSeconds), s);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Bars/s of <see cref="SymbolState.Process"/> alone with the run's served models: the ceiling the actors add to.</summary>
    private static double PureCascade(IReadOnlyList<string> data, string state, RunSettings settings)
    {
        var replay = ReplayData.Load(data, Models.Market.DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
        var plan = ModelBootstrap.Prepare(replay, settings with { StateDirectory = state }, serving, new QuietObserver(_ => { }), new HashSet<(string, string)>());
        var rules = new SymbolRules();
        var services = NodeServices.Default(serving, rules);
        var states = new Dictionary<string, SymbolState>();
        var seqs = new Dictionary<string, long>();
        var clock = Stopwatch.StartNew();
        foreach (var bar in replay.Bars)
        {
            var st = states.TryGetValue(bar.Symbol, out var known) ? known : SymbolState.Start(bar.Symbol, rules);
            var seq = seqs[bar.Symbol] = seqs.GetValueOrDefault(bar.Symbol) + 1;
            var context = new BarContext(PortfolioView.Of(settings.StartingEquity), plan.TradesAt(bar), serving.Weights, serving.PredictAll, services.Sizing, services.Gate);
            var (observed, events) = st.Process(bar, seq, context, rules);
            states[bar.Symbol] = observed.ApplyAll(events);
        }
        return replay.Bars.Count / clock.Elapsed.TotalSeconds;
    }

    private static IReadOnlyList<FeatureVector> FeatureRows(IReadOnlyList<string> data)
    {
        var replay = ReplayData.Load(data, Models.Market.DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        return replay.Bars.GroupBy(b => b.Symbol)
            .SelectMany(g => { var c = new FeatureCalculator(g.Key); return g.Select(c.Next).ToArray(); })
            .Where(r => r.IsWarm).ToArray();
    }

    private static async Task<(int, double, int, double)> JournalRate(string state, CancellationToken cancel)
    {
        const int batchEvents = 20_000, sequentialEvents = 2_000;
        var node = new NodeSettings { StateDirectory = state };
        SqliteJournal.Prepare(node);
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
        using var host = RunJob.BuildHost(node, NodeServices.Default(serving, new SymbolRules()));
        await host.StartAsync(cancel);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var writer = system.ActorOf(Props.Create(() => new JournalBenchActor("rate")));
            await writer.Ask<JournalBenchActor.Written>(new JournalBenchActor.WriteOne(-1), TimeSpan.FromSeconds(30), cancel);

            var clock = Stopwatch.StartNew();
            for (var i = 0; i < batchEvents / 100; i++)
                await writer.Ask<JournalBenchActor.Written>(new JournalBenchActor.WriteBatch(100), TimeSpan.FromSeconds(60), cancel);
            var batchedRate = batchEvents / clock.Elapsed.TotalSeconds;

            clock.Restart();
            for (var i = 0; i < sequentialEvents; i++)
                await writer.Ask<JournalBenchActor.Written>(new JournalBenchActor.WriteOne(i), TimeSpan.FromSeconds(60), cancel);
            var sequentialRate = sequentialEvents / clock.Elapsed.TotalSeconds;
            return (batchEvents, batchedRate, sequentialEvents, sequentialRate);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private sealed class QuietObserver(Action<string> progress) : IRunObserver
    {
        public bool WaitForJit { get; init; }
        public double JitWaitSeconds { get; private set; }

        public async Task BeforeReplayAsync(CancellationToken cancel)
        {
            if (!WaitForJit) return;
            var clock = Stopwatch.StartNew();
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200, cancel);
                var now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (now == compiled) break;
                compiled = now;
            }
            JitWaitSeconds = clock.Elapsed.TotalSeconds;
        }

        public void Info(string message) => progress(message);
        public void BadRow(Models.Market.BadRow row) { }
        public void Progress(long done, long total)
        {
            if (done == total) progress($"replayed {done} bars");
        }
    }
}
