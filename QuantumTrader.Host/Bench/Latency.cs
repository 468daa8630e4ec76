using System.Diagnostics;

namespace QuantumTrader.Host.Bench;

public sealed record LatencyFigures(int Samples, double P50Micros, double P99Micros, double MeanMicros);

/// <summary>Times each call separately and reports percentiles in microseconds.</summary>
public static class Latency
{
    public static LatencyFigures Measure(int samples, int warmup, Action<int> call)
    {
        for (var i = 0; i < warmup; i++) call(i);
        var micros = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(i);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(micros);
        return new LatencyFigures(samples, Percentile(micros, 0.50), Percentile(micros, 0.99), micros.Average());
    }

    public static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
