using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>Count, mean and sum of squared deviations (Welford), as plain data.</summary>
public sealed record RunningStats(long Count, double Mean, double M2)
{
    public static readonly RunningStats Empty = new(0, 0.0, 0.0);

    public static RunningStats Of(IEnumerable<double> values)
    {
        var s = Empty;
        foreach (var v in values) s = s.Add(v);
        return s;
    }

    public RunningStats Add(double x)
    {
        var n = Count + 1;
        var delta = x - Mean;
        var mean = Mean + delta / n;
        return new RunningStats(n, mean, M2 + delta * (x - mean));
    }

    /// <summary>Sample standard deviation (n − 1); zero below two values.</summary>
    [JsonIgnore] public double StdDev => Count > 1 ? Math.Sqrt(Math.Max(0.0, M2) / (Count - 1)) : 0.0;
}
