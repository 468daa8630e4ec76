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

public sealed record PipelineBenchResult(
    IReadOnlyList<string> ServedSlots, long Bars, double ReplaySeconds, double BarsPerSecond, double ReplayCpuSeconds, double BarsPerCpuSecond,
    double PureCascadeBarsPerSecond, int TradesClosed, long EventsInJournal,
    int JournalBatchEvents, double EventsPerSecondBatched, int JournalSequentialEvents, double EventsPerSecondSequential,
    IReadOnlyList<ModelLatency> Models);

/// <summary>
/// Throughput of the whole cascade (a full run on a fresh SQLite journal), the journal's write rate, and the ONNX Runtime
/// latency of one single-row prediction per tree model.
/// </summary>
public static class PipelineBench
{
    public static async Task<PipelineBenchResult> RunAsync(
        IReadOnlyList<string> data, IReadOnlySet<string> slots, int samples, Action<string> progress, CancellationToken cancel)
    {
        var state = Path.Combine(Path.GetTempPath(), "qt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            progress("full run on a fresh journal ...");
            var served = ModelSlots.All.Where(slots.Contains).ToArray();
            var settings = new RunSettings { Data = data, StateDirectory = state, Models = [string.Join(',', served)] };
            var summary = await RunJob.ExecuteAsync(settings, new QuietObserver(progress), cancel);

            progress("journal write rate ...");
            var (batched, batchedRate, sequential, sequentialRate) = await JournalRate(state, cancel);

            progress("the same cascade without actors or journal ...");
            var pure = PureCascade(data, state, settings);

            progress("ONNX Runtime single-row latency ...");
            var rows = FeatureRows(data);
            var models = new List<ModelLatency>();
            var treeSidecars = new[] { ModelSlots.Xgb, ModelSlots.Lgbm }.Where(slots.Contains)
                .SelectMany(slot => Directory.GetFiles(Path.Combine(state, "models", slot), "*.json"));
            foreach (var sidecar in treeSidecars.Order(StringComparer.Ordinal))
            {
                using var predictor = OnnxTreePredictor.Open(sidecar);
                var x = rows.Select(r => r.Values.Select(v => (float)v).ToArray()).ToArray();
                var figures = Latency.Measure(samples, 2_000, i => predictor.ProbabilityUp(x[i % x.Length]));
                models.Add(new ModelLatency(predictor.ModelId, predictor.Version, figures.Samples, figures.P50Micros, figures.P99Micros, figures.MeanMicros));
            }
            return new PipelineBenchResult(served, summary.Bars, summary.ReplaySeconds, summary.BarsPerSecond, summary.ReplayCpuSeconds,
                summary.Bars / Math.Max(summary.ReplayCpuSeconds, 1e-9), pure, summary.TradesClosed, summary.EventsPersisted,
                batched, batchedRate, sequential, sequentialRate, models);
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    /// <summary>Bars/s of <see cref="SymbolState.Process"/> alone with the run's served models: the ceiling the actors add to.</summary>
    private static double PureCascade(IReadOnlyList<string> data, string state, RunSettings settings)
    {
        var replay = ReplayData.Load(data, Models.Market.DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
        var plan = ModelBootstrap.Prepare(replay, settings with { StateDirectory = state }, serving, new QuietObserver(_ => { }));
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
        public void Info(string message) => progress(message);
        public void BadRow(Models.Market.BadRow row) { }
        public void Progress(long done, long total)
        {
            if (done == total) progress($"replayed {done} bars");
        }
    }
}
