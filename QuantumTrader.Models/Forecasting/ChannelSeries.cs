namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// A multivariate series sampled at a fixed interval: <see cref="Values"/> holds the rows one after the other
/// (row t, channel c is at t * Channels.Count + c), which is the layout a [T, C] float tensor is built from.
/// </summary>
public sealed class ChannelSeries
{
    public ChannelSeries(IReadOnlyList<string> channels, float[] values)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(values);
        if (channels.Count == 0) throw new ArgumentException("a series needs at least one channel", nameof(channels));
        if (values.Length % channels.Count != 0)
            throw new ArgumentException($"{values.Length} values do not fill whole rows of {channels.Count} channels", nameof(values));
        Channels = channels;
        Values = values;
    }

    public IReadOnlyList<string> Channels { get; }
    public float[] Values { get; }
    public int ChannelCount => Channels.Count;
    public int Length => Values.Length / Channels.Count;
    public float this[int row, int channel] => Values[row * Channels.Count + channel];

    public static ChannelSeries Univariate(string channel, IReadOnlyList<double> values)
    {
        var v = new float[values.Count];
        for (var i = 0; i < v.Length; i++) v[i] = (float)values[i];
        return new ChannelSeries([channel], v);
    }

    /// <summary>Rows [range.Start, range.End) as a new series.</summary>
    public ChannelSeries Slice(RowRange range)
    {
        range.EnsureWithin(Length);
        var c = ChannelCount;
        return new ChannelSeries(Channels, Values.AsSpan(range.Start * c, range.Length * c).ToArray());
    }
}

/// <summary>Rows [Start, End) of a series; every window of lookback + horizon consecutive rows inside it is one sample (stride 1).</summary>
public sealed record RowRange(int Start, int End)
{
    public int Length => End - Start;

    public int WindowCount(int lookback, int horizon) => Math.Max(0, Length - lookback - horizon + 1);

    /// <summary>Windows whose look-back fits and whose horizon holds at least its first row, possibly not all of it.</summary>
    public int PartialWindowCount(int lookback) => Math.Max(0, Length - lookback);

    public void EnsureWithin(int rows)
    {
        if (Start < 0 || End < Start || End > rows)
            throw new ArgumentOutOfRangeException(nameof(RowRange), $"rows [{Start}, {End}) are not inside a series of {rows} rows");
    }
}

/// <summary>Per-channel standardisation fitted on training rows only, so validation and test rows never leak into it.</summary>
public sealed record ChannelScaling(double[] Mean, double[] Std)
{
    public static ChannelScaling Identity(int channels) =>
        new(new double[channels], Enumerable.Repeat(1.0, channels).ToArray());

    /// <summary>Population mean and standard deviation of each channel over the rows; a constant channel gets std 1 so it maps to 0 instead of dividing by zero.</summary>
    public static ChannelScaling Fit(ChannelSeries series, RowRange rows) => Fit(series, [rows]);

    /// <summary>As <see cref="Fit(ChannelSeries, RowRange)"/> over the union of the ranges (a row in two ranges counts twice).</summary>
    public static ChannelScaling Fit(ChannelSeries series, IReadOnlyList<RowRange> ranges)
    {
        foreach (var r in ranges) r.EnsureWithin(series.Length);
        var count = ranges.Sum(r => r.Length);
        if (count == 0) throw new ArgumentException("cannot fit a scaling on zero rows", nameof(ranges));
        var c = series.ChannelCount;
        var mean = new double[c];
        var std = new double[c];
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0;
            foreach (var rows in ranges)
                for (var t = rows.Start; t < rows.End; t++) sum += series[t, ch];
            var m = sum / count;
            double ss = 0;
            foreach (var rows in ranges)
                for (var t = rows.Start; t < rows.End; t++) { var d = series[t, ch] - m; ss += d * d; }
            var s = Math.Sqrt(ss / count);
            mean[ch] = m;
            std[ch] = s > 1e-12 ? s : 1.0;
        }
        return new ChannelScaling(mean, std);
    }

    public ChannelSeries Apply(ChannelSeries series)
    {
        EnsureChannels(series.ChannelCount);
        var c = series.ChannelCount;
        var v = new float[series.Values.Length];
        for (var i = 0; i < v.Length; i++) v[i] = (float)((series.Values[i] - Mean[i % c]) / Std[i % c]);
        return new ChannelSeries(series.Channels, v);
    }

    public double Scale(double value, int channel) => (value - Mean[channel]) / Std[channel];

    public double Unscale(double value, int channel) => value * Std[channel] + Mean[channel];

    public bool Equals(ChannelScaling? other) =>
        other is not null && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(Mean.Length, Mean.Length > 0 ? Mean[0] : 0, Std.Length > 0 ? Std[0] : 0);

    public void EnsureChannels(int channels)
    {
        if (Mean.Length != channels || Std.Length != channels)
            throw new ArgumentException($"scaling has {Mean.Length} channels, the series has {channels}");
    }
}
