using System.Diagnostics;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Bench;

/// <summary>
/// Milliseconds, so they read against the 5 ms goal directly: wall clock, and the calling thread's CPU time (null where that clock
/// is unavailable), which leaves out the time spent waiting for a core.
/// </summary>
public sealed record DecisionLatency(int Samples, double P50Ms, double P99Ms, double MeanMs, double? CpuP50Ms, double? CpuP99Ms);

public sealed record DecisionModelLatency(string Id, string Version, double P50Ms, double P99Ms, double MeanMs);

/// <summary>
/// <see cref="Sequential"/>: <see cref="BatchSymbols"/> symbols decided one after the other; <see cref="Batched"/>: the same decisions with every
/// model scoring all the symbols in one call.
/// </summary>
public sealed record DecisionBenchResult(
    IReadOnlyList<string> Models, DecisionLatency OneSymbol, int BatchSymbols, DecisionLatency Sequential, double SequentialPerSymbolMeanMs,
    DecisionLatency Batched, double BatchedPerSymbolMeanMs, IReadOnlyList<DecisionModelLatency> PerModel, double GoalP99Ms, bool OneSymbolMeetsGoal, int Trades, int ProcessorCount, double? LoadAverage);

/// <summary>
/// Latency of one full decision as a symbol entity makes it, without the journal: <see cref="SymbolState.Process"/> on the next bar
/// (features, the served models' predictions, the weighted vote, the signal filter, bias guard, sizing and the broker), then
/// <see cref="SymbolState.ApplyAll"/> of its events. Measured for one symbol bar after bar, and for one bar of each of <see cref="BatchSymbols"/>
/// symbols (symbols beyond the data's own are its series under other names, each starting at another bar): decided one after the other, and
/// batched, where every symbol's model input is built first (<see cref="SymbolState.InputFor"/>, so the features are computed twice), each model
/// scores them all in one call (<see cref="EnsembleServing.PredictAll(IReadOnlyList{ModelInput})"/>) and each symbol's cascade then runs on its
/// predictions. The models are the ones <c>run</c> serves, trained or loaded by <see cref="ModelBootstrap"/>.
/// </summary>
public static class DecisionBench
{
    public const int BatchSymbols = 10;
    public const double GoalP99Ms = 5.0;
    public const int WarmupDecisions = 2000;

    public static DecisionBenchResult Run(RunSettings settings, int samples, Action<string> progress)
    {
        if (samples < 10) throw new Cli.UsageException($"--samples must be at least 10, got {samples}");
        var data = ReplayData.Load(settings.Data, settings.Format, BadRowPolicy.Skip, _ => { });
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), progress);
        var plan = ModelBootstrap.Prepare(data, settings, serving, new ProgressObserver(progress), new HashSet<(string, string)>());
        var rules = new SymbolRules(new Models.Execution.ExecutionOptions(FeeBps: settings.FeeBps, SlippageBps: settings.SlippageBps));
        var services = NodeServices.Default(serving, rules, settings.StartingEquity);

        var bySymbol = data.Bars.GroupBy(b => b.Symbol).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        var warmup = Math.Min(200, samples);
        Lane[] NewLanes()
        {
            var lanes = new Lane[BatchSymbols];
            for (var i = 0; i < lanes.Length; i++)
            {
                var source = bySymbol[i % bySymbol.Length];
                var name = i < bySymbol.Length ? source[0].Symbol : $"{source[0].Symbol}-{i}";
                var first = Array.FindIndex(source, b => plan.TradesAt(b)) + i / bySymbol.Length * 25;
                // the first lane decides alone and then with the others, so every lane keeps that many bars in hand
                if (first < 0 || source.Length - first < 2 * (warmup + samples))
                    throw new Cli.UsageException($"{source[0].Symbol}: {source.Length - Math.Max(first, 0)} bars after training are too few for 2 x ({warmup} warm-up and {samples} timed decisions); lower --samples");
                lanes[i] = new Lane(name, source, first, rules, services);
            }
            return lanes;
        }
        var lanes = NewLanes();

        // the JIT promotes hot methods to optimised code only after many calls: a throwaway lane runs the whole cascade first
        progress($"warming up: {WarmupDecisions} untimed decisions ...");
        var first0 = Array.FindIndex(bySymbol[0], b => plan.TradesAt(b));
        var throwaway = new Lane(bySymbol[0][0].Symbol, bySymbol[0], first0, rules, services);
        for (var i = 0; i < Math.Min(WarmupDecisions, bySymbol[0].Length - first0); i++) throwaway.Next();

        progress($"one symbol: {samples} decisions after {warmup} untimed ...");
        var one = lanes[0];
        for (var i = 0; i < warmup; i++) one.Next();
        var single = Measure(samples, () => one.Next());

        progress($"{BatchSymbols} symbols one after the other: {samples} bars after {warmup} untimed ...");
        for (var i = 0; i < warmup; i++) foreach (var lane in lanes.Skip(1)) lane.Next();
        var sequential = Measure(samples, () => { foreach (var lane in lanes) lane.Next(); });

        progress($"{BatchSymbols} symbols batched: {samples} bars after {warmup} untimed ...");
        var batchLanes = NewLanes();
        for (var i = 0; i < warmup; i++) DecideBatched(batchLanes, serving);
        var batched = Measure(samples, () => DecideBatched(batchLanes, serving));

        progress("each model alone on the same inputs ...");
        var perModel = PerModel(serving, lanes[1].Inputs(samples));
        var trades = lanes.Sum(l => l.State.TradesOpened);
        return new DecisionBenchResult(serving.ModelIds, single, BatchSymbols, sequential, sequential.MeanMs / BatchSymbols, batched, batched.MeanMs / BatchSymbols,
            perModel, GoalP99Ms, single.P99Ms <= GoalP99Ms, trades, Environment.ProcessorCount, ThreadCpuClock.LoadAverage());
    }

    /// <summary>One bar of every lane: all the lanes' model inputs scored together, then each lane's cascade on its own predictions.</summary>
    private static void DecideBatched(Lane[] lanes, EnsembleServing serving)
    {
        var inputs = new List<ModelInput>(lanes.Length);
        var owners = new List<int>(lanes.Length);
        for (var i = 0; i < lanes.Length; i++)
            if (lanes[i].NextInput() is { } input)
            {
                inputs.Add(input);
                owners.Add(i);
            }
        var predictions = serving.PredictAll(inputs);
        var byLane = new IReadOnlyList<Prediction>?[lanes.Length];
        for (var k = 0; k < owners.Count; k++) byLane[owners[k]] = predictions[k];
        for (var i = 0; i < lanes.Length; i++) lanes[i].Next(byLane[i]);
    }

    private static DecisionLatency Measure(int samples, Action call)
    {
        var wall = new double[samples];
        var cpu = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var cpuStart = ThreadCpuClock.NowMicros();
            var start = Stopwatch.GetTimestamp();
            call();
            wall[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            cpu[i] = ThreadCpuClock.NowMicros() - cpuStart ?? 0;
        }
        var mean = wall.Average();
        Array.Sort(wall);
        Array.Sort(cpu);
        return new DecisionLatency(samples, Latency.Percentile(wall, 0.50) / 1000, Latency.Percentile(wall, 0.99) / 1000, mean / 1000,
            ThreadCpuClock.Available ? Latency.Percentile(cpu, 0.50) / 1000 : null, ThreadCpuClock.Available ? Latency.Percentile(cpu, 0.99) / 1000 : null);
    }

    private static IReadOnlyList<DecisionModelLatency> PerModel(EnsembleServing serving, IReadOnlyList<ModelInput> inputs)
    {
        var result = new List<DecisionModelLatency>();
        foreach (var id in serving.ModelIds)
        {
            var predictor = serving.PredictorOf(id)!;
            var figures = Latency.Measure(inputs.Count, Math.Min(100, inputs.Count), i => predictor.Predict(inputs[i]));
            result.Add(new DecisionModelLatency(id, predictor.Version, figures.P50Micros / 1000, figures.P99Micros / 1000, figures.MeanMicros / 1000));
        }
        return result;
    }

    /// <summary>One symbol's state and its next bar; every decision's events are folded in, as the entity does after persisting them.</summary>
    private sealed class Lane
    {
        private readonly Bar[] _bars;
        private readonly SymbolRules _rules;
        private readonly NodeServices _services;
        private readonly string _symbol;
        private int _next;

        public Lane(string symbol, Bar[] source, int tradeFrom, SymbolRules rules, NodeServices services)
        {
            _symbol = symbol;
            _bars = source;
            _rules = rules;
            _services = services;
            State = SymbolState.Start(symbol, rules, brokerEquity: services.StartingEquity);
            while (_next < tradeFrom) Step(trading: false);
        }

        public SymbolState State { get; private set; }

        public void Next() => Step(trading: true);

        /// <summary>The model input the next bar's decision will use; null while the features are not warm.</summary>
        public ModelInput? NextInput() => State.InputFor(_bars[_next] with { Symbol = _symbol }, _rules);

        /// <summary>The next bar's decision on predictions made beforehand for <see cref="NextInput"/>.</summary>
        public void Next(IReadOnlyList<Prediction>? predictions)
        {
            var bar = _bars[_next++] with { Symbol = _symbol };
            var context = Context(trading: true, null) with
            {
                Predict = input => input.Features.Time == bar.Time && predictions is not null
                    ? predictions
                    : throw new InvalidOperationException($"{_symbol} at {bar.Time:O}: the cascade asked for predictions the batch did not make"),
            };
            var (observed, events) = State.Process(bar, State.LastSeq + 1, context, _rules);
            State = observed.ApplyAll(events);
        }

        /// <summary>The model inputs of the next bars, for timing the models alone; the lane itself does not move.</summary>
        public IReadOnlyList<ModelInput> Inputs(int count)
        {
            var inputs = new List<ModelInput>(count);
            var state = State;
            var context = Context(trading: true, inputs);
            for (var i = 0; i < count && _next + i < _bars.Length; i++)
            {
                var (observed, _) = state.Process(_bars[_next + i] with { Symbol = _symbol }, state.LastSeq + 1, context, _rules);
                state = observed;
            }
            return inputs;
        }

        private void Step(bool trading)
        {
            var bar = _bars[_next++] with { Symbol = _symbol };
            var (observed, events) = State.Process(bar, State.LastSeq + 1, Context(trading, null), _rules);
            State = observed.ApplyAll(events);
        }

        private BarContext Context(bool trading, List<ModelInput>? capture) => new(
            PortfolioView.Of(_services.StartingEquity), trading, _services.Serving.Weights,
            capture is null ? _services.Serving.PredictAll : input => { capture.Add(input); return []; },
            _services.Sizing, _services.Gate);
    }

    private sealed class ProgressObserver(Action<string> progress) : IRunObserver
    {
        public void Info(string message) => progress(message);
        public void BadRow(BadRow row) { }
        public void Progress(long done, long total) { }
    }
}
