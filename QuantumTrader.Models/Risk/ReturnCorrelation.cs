using System.Text.Json.Serialization;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>Recent simple returns of one symbol, each stamped with the time of the close that ended it (oldest first).</summary>
public sealed record ReturnSeries
{
    public ReturnSeries(string symbol, DateTimeOffset lastTime, double lastClose, DateTimeOffset[] times, double[] returns)
    {
        const string T = nameof(ReturnSeries);
        Symbol = Guard.Symbol(T, nameof(Symbol), symbol);
        LastTime = lastTime;
        LastClose = Guard.Positive(T, nameof(LastClose), lastClose);
        Times = Guard.NotNull(T, nameof(Times), times);
        Returns = Guard.NotNull(T, nameof(Returns), returns);
        Guard.That(times.Length == returns.Length, T, nameof(Returns), "must have one return per time", returns.Length);
        foreach (var r in returns)
            Guard.Finite(T, nameof(Returns), r);
    }

    public string Symbol { get; }
    public DateTimeOffset LastTime { get; }
    public double LastClose { get; }
    public DateTimeOffset[] Times { get; }
    public double[] Returns { get; }
}

/// <summary>
/// Rolling Pearson correlation of recent returns between symbols. Each symbol keeps its last Window returns;
/// two symbols are compared on the returns stamped with the same time, so feeds that arrive out of step still
/// line up. A correlation is undefined (null) with fewer than MinOverlap shared returns or a flat series.
/// </summary>
public sealed record ReturnCorrelation
{
    public ReturnCorrelation(int window, int minOverlap, IReadOnlyList<ReturnSeries> series)
    {
        const string T = nameof(ReturnCorrelation);
        Window = Guard.AtLeast(T, nameof(Window), window, 2);
        MinOverlap = Guard.AtLeast(T, nameof(MinOverlap), minOverlap, 2);
        Guard.That(minOverlap <= window, T, nameof(MinOverlap), "cannot exceed Window", minOverlap);
        Guard.NotNull(T, nameof(Series), series);
        foreach (var s in series)
            Guard.NotNull(T, nameof(Series), s);
        var duplicate = series.GroupBy(s => s.Symbol, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Guard.That(duplicate is null, T, nameof(Series), "has more than one series for a symbol", duplicate?.Key);
        Series = series.ToArray();
    }

    public static ReturnCorrelation Empty(int window = 60, int minOverlap = 20) => new(window, minOverlap, []);

    public int Window { get; }
    public int MinOverlap { get; }
    public IReadOnlyList<ReturnSeries> Series { get; }

    public ReturnCorrelation Observe(Bar bar)
    {
        Guard.NotNull(nameof(ReturnCorrelation), "bar", bar);
        return Observe(bar.Symbol, bar.Time, bar.Close);
    }

    /// <summary>Adds a close; the first close of a symbol only sets its reference price. Times must increase per symbol.</summary>
    public ReturnCorrelation Observe(string symbol, DateTimeOffset time, double close)
    {
        const string T = nameof(ReturnCorrelation);
        Guard.Symbol(T, "symbol", symbol);
        Guard.Positive(T, "close", close);
        var index = IndexOf(symbol);
        var updated = Series.ToArray();
        if (index < 0)
        {
            return new ReturnCorrelation(Window, MinOverlap, [.. updated, new ReturnSeries(symbol, time, close, [], [])]);
        }

        var old = updated[index];
        if (time <= old.LastTime)
            throw new DomainValidationException(T, "time", $"must be later than the last {symbol} close at {old.LastTime:O}", time);
        var keep = Math.Min(old.Returns.Length, Window - 1);
        updated[index] = new ReturnSeries(symbol, time, close,
            [.. old.Times[^keep..], time],
            [.. old.Returns[^keep..], close / old.LastClose - 1.0]);
        return new ReturnCorrelation(Window, MinOverlap, updated);
    }

    [JsonIgnore]
    public IReadOnlyList<string> Symbols => Series.Select(s => s.Symbol).ToArray();

    /// <summary>Pearson correlation of the shared-time returns of <paramref name="a"/> and <paramref name="b"/>; null when undefined.</summary>
    public double? Correlation(string a, string b)
    {
        var ia = IndexOf(a);
        var ib = IndexOf(b);
        if (ia < 0 || ib < 0)
            return null;
        if (ia == ib)
            return Series[ia].Returns.Length >= MinOverlap ? 1.0 : null;

        var sb = Series[ib];
        var byTime = new Dictionary<DateTimeOffset, double>(sb.Times.Length);
        for (var i = 0; i < sb.Times.Length; i++)
            byTime[sb.Times[i]] = sb.Returns[i];

        var sa = Series[ia];
        var xs = new List<double>(sa.Times.Length);
        var ys = new List<double>(sa.Times.Length);
        for (var i = 0; i < sa.Times.Length; i++)
        {
            if (byTime.TryGetValue(sa.Times[i], out var y))
            {
                xs.Add(sa.Returns[i]);
                ys.Add(y);
            }
        }
        return xs.Count < MinOverlap ? null : Pearson(xs, ys);
    }

    /// <summary>The full matrix in the order of <see cref="Symbols"/>; null cells are undefined.</summary>
    public double?[][] Matrix()
    {
        var symbols = Symbols;
        return symbols.Select(a => symbols.Select(b => Correlation(a, b)).ToArray()).ToArray();
    }

    private int IndexOf(string symbol)
    {
        for (var i = 0; i < Series.Count; i++)
        {
            if (string.Equals(Series[i].Symbol, symbol, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    private static double? Pearson(List<double> xs, List<double> ys)
    {
        var n = xs.Count;
        var mx = xs.Average();
        var my = ys.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = xs[i] - mx;
            var dy = ys[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx <= 0 || syy <= 0)
            return null;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0);
    }
}
