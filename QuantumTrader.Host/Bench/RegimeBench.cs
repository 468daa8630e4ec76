using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Host.Bench;

public sealed record RegimeBenchResult(
    int RegimeChanges, long Bars, int Symbols, double P50Millis, double P99Millis, double MeanMillis, double MaxMillis, double GoalMillis, bool GoalMet);

/// <summary>
/// Latency of the regime reaction, in process, on a real node with its SQLite journal: from sending the bar that changes
/// a symbol's regime to the moment the regime coordinator has the new overlay in force for the risk gate (the board's
/// stamp). Bars come from a seeded random walk whose volatility switches in blocks, so regimes change often.
/// </summary>
public static class RegimeBench
{
    public const double GoalMillis = 10;

    public static async Task<RegimeBenchResult> RunAsync(int changes, int seed, Action<string> progress, CancellationToken cancel)
    {
        if (changes < 1) throw new Cli.UsageException($"--changes must be >= 1, got {changes}");
        string[] symbols = ["REGIMEA", "REGIMEB"];
        var state = Path.Combine(Path.GetTempPath(), "qt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var node = new NodeSettings { StateDirectory = state };
            SqliteJournal.Prepare(node);
            var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
            var services = NodeServices.Default(serving, new SymbolRules()).WithRiskGate(new KnownSymbols(symbols));
            using var host = RunJob.BuildHost(node, services);
            await host.StartAsync(cancel);
            try
            {
                var region = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<SymbolRegion>(cancel);
                progress($"injecting bars until {changes} regime changes were applied ...");
                var latencies = new List<double>(changes);
                var walks = symbols.Select((s, i) => new VolatilityWalk(s, seed + i)).ToArray();
                long bars = 0;
                for (var seq = 1L; latencies.Count < changes; seq++)
                {
                    foreach (var walk in walks)
                    {
                        var bar = walk.Next();
                        var sent = Stopwatch.GetTimestamp();
                        await region.Ask<BarProcessed>(new ProcessBar(walk.Symbol, seq, bar, PortfolioView.Of(10_000), false), TimeSpan.FromSeconds(30), cancel);
                        bars++;
                        if (services.Risk.LastApplied(walk.Symbol) is { } applied && applied.Seq == seq)
                            latencies.Add(Stopwatch.GetElapsedTime(sent, applied.Timestamp).TotalMilliseconds);
                    }
                }
                var sorted = latencies.Order().ToArray();
                var p99 = Latency.Percentile(sorted, 0.99);
                return new RegimeBenchResult(sorted.Length, bars, symbols.Length, Latency.Percentile(sorted, 0.50), p99, sorted.Average(), sorted[^1],
                    GoalMillis, p99 < GoalMillis);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            try { Directory.Delete(state, true); } catch (IOException) { }
        }
    }

    /// <summary>Hourly bars of a random walk whose volatility jumps between calm, normal and wild every 3 to 24 bars, with rare crashes.</summary>
    private sealed class VolatilityWalk(string symbol, int seed)
    {
        private static readonly double[] Volatilities = [0.002, 0.01, 0.035];
        private readonly Random _random = new(seed);
        private DateTimeOffset _time = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private double _close = 100;
        private double _volatility = 0.01;
        private int _blockLeft;

        public string Symbol { get; } = symbol;

        public Bar Next()
        {
            if (_blockLeft-- <= 0)
            {
                _volatility = Volatilities[_random.Next(Volatilities.Length)];
                _blockLeft = _random.Next(3, 25);
            }
            var move = _random.NextDouble() < 0.01 ? -0.07 : _volatility * Gaussian();
            var open = _close;
            _close = Math.Max(1, open * (1 + move));
            var wick = 1 + Math.Abs(Gaussian()) * _volatility / 2;
            var bar = new Bar(Symbol, _time, open, Math.Max(open, _close) * wick, Math.Min(open, _close) / wick, _close, 1_000);
            _time = _time.AddHours(1);
            return bar;
        }

        private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
