using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// A model's live results as R-multiples: Count is every trade ever applied, Recent the last Window of them (oldest first).
/// A win is R &gt; 0; anything else, breakeven included, is a loss for the streak, so a circuit breaker never misses one.
/// The statistics are computed from Recent and are not serialized (one source of truth).
/// </summary>
public sealed record LivePerformance(int Window, int Count, double[] Recent, int ConsecutiveLosses)
{
    public const int DefaultWindow = 50;

    public static LivePerformance Start(int window = DefaultWindow)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "live performance window must be at least 1");
        return new LivePerformance(window, 0, [], 0);
    }

    public LivePerformance Apply(double r)
    {
        if (!double.IsFinite(r)) throw new ArgumentOutOfRangeException(nameof(r), r, "R-multiple must be a finite number");
        var skip = Math.Max(0, Recent.Length + 1 - Window);
        return this with
        {
            Count = Count + 1,
            Recent = [.. Recent.Skip(skip), r],
            ConsecutiveLosses = r > 0 ? 0 : ConsecutiveLosses + 1,
        };
    }

    [JsonIgnore]
    public int Samples => Recent.Length;

    [JsonIgnore]
    public double WinRate => Recent.Length == 0 ? 0.0 : Recent.Count(r => r > 0) / (double)Recent.Length;

    [JsonIgnore]
    public double AverageR => Recent.Length == 0 ? 0.0 : Recent.Average();

    /// <summary>Mean R over the sample standard deviation of R; 0 with fewer than 2 trades or no dispersion.</summary>
    [JsonIgnore]
    public double Sharpe
    {
        get
        {
            if (Recent.Length < 2) return 0.0;
            var mean = Recent.Average();
            var variance = Recent.Sum(r => (r - mean) * (r - mean)) / (Recent.Length - 1);
            return variance > 0 ? mean / Math.Sqrt(variance) : 0.0;
        }
    }

    /// <summary>Largest fall of cumulative R from its running peak over the window, starting from 0; a positive number of R.</summary>
    [JsonIgnore]
    public double MaxDrawdown
    {
        get
        {
            double cumulative = 0, peak = 0, worst = 0;
            foreach (var r in Recent)
            {
                cumulative += r;
                peak = Math.Max(peak, cumulative);
                worst = Math.Max(worst, peak - cumulative);
            }
            return worst;
        }
    }
}
