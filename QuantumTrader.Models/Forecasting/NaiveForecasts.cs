namespace QuantumTrader.Models.Forecasting;

/// <summary>The errors of one naive forecast on the validation and on the test months, in the units of the series it was given.</summary>
public sealed record NaiveForecastScore(string Forecast, double ValidationMse, double ValidationMae, double TestMse, double TestMae);

/// <summary>
/// Forecasts that learn nothing, scored on the windows the models are scored on (a forecast from every row of the period
/// whose horizon ends inside it): the yardstick a learned forecast has to beat, and a measure of how the validation months
/// differ from the test months.
/// <list type="bullet">
/// <item><c>zero</c>: the scaling's mean (0 in standardised units).</item>
/// <item><c>last</c>: the last value repeated.</item>
/// <item><c>mean-2w</c>: the mean of the last two weeks.</item>
/// <item><c>daily</c>: the last day repeated.</item>
/// </list>
/// </summary>
public static class NaiveForecasts
{
    public static readonly IReadOnlyList<string> Names = ["zero", "last", "mean-2w", "daily"];

    public static IReadOnlyList<NaiveForecastScore> Score(ChannelSeries scaled, EttSplit split, int horizon, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(scaled);
        ArgumentNullException.ThrowIfNull(split);
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "must be positive");
        if (interval <= TimeSpan.Zero || TimeSpan.FromDays(1).Ticks % interval.Ticks != 0)
            throw new ArgumentException($"interval {interval} does not divide a day", nameof(interval));
        var day = (int)(TimeSpan.FromDays(1).Ticks / interval.Ticks);
        var twoWeeks = 14 * day;
        if (split.TrainEnd < twoWeeks) throw new ArgumentException($"the training months have {split.TrainEnd} rows, fewer than the {twoWeeks} of two weeks");
        if (scaled.Length < split.TestEnd) throw new ArgumentException($"the series has {scaled.Length} rows, the split needs {split.TestEnd}");
        return Names.Select(name =>
        {
            var (vMse, vMae) = Errors(scaled, split.TrainEnd, split.ValidationEnd, horizon, name, day, twoWeeks);
            var (tMse, tMae) = Errors(scaled, split.ValidationEnd, split.TestEnd, horizon, name, day, twoWeeks);
            return new NaiveForecastScore(name, vMse, vMae, tMse, tMae);
        }).ToArray();
    }

    /// <summary>Mean squared and absolute error over every forecast made at a row in [start, end - horizon] of every channel.</summary>
    private static (double Mse, double Mae) Errors(ChannelSeries s, int start, int end, int horizon, string name, int day, int twoWeeks)
    {
        if (end - start < horizon) throw new ArgumentException($"a period of {end - start} rows is shorter than the horizon {horizon}");
        double squared = 0, absolute = 0;
        long count = 0;
        for (var c = 0; c < s.ChannelCount; c++)
        {
            // prefix[i] = sum of rows [0, i) of the channel, for the two-week mean
            var prefix = new double[end + 1];
            for (var i = 0; i < end; i++) prefix[i + 1] = prefix[i] + s[i, c];
            for (var t = start; t + horizon <= end; t++)
            {
                var level = name switch
                {
                    "zero" => 0.0,
                    "last" => s[t - 1, c],
                    "mean-2w" => (prefix[t] - prefix[t - twoWeeks]) / twoWeeks,
                    _ => double.NaN,
                };
                for (var h = 0; h < horizon; h++)
                {
                    var forecast = name == "daily" ? s[t - day + h % day, c] : level;
                    var error = s[t + h, c] - forecast;
                    squared += error * error;
                    absolute += Math.Abs(error);
                }
                count += horizon;
            }
        }
        return (squared / count, absolute / count);
    }
}
