using QuantumTrader.Models.Forecasting;

namespace QuantumTrader.Tests.Forecasting;

public class NaiveForecastsTests
{
    private static readonly EttSplit Split = new(400, 500, 600);

    private static ChannelSeries Series(Func<int, int, double> value)
    {
        var channels = EttDataset.Channels;
        var values = new float[600 * channels.Count];
        for (var t = 0; t < 600; t++)
            for (var c = 0; c < channels.Count; c++) values[t * channels.Count + c] = (float)value(t, c);
        return new ChannelSeries(channels, values);
    }

    private static NaiveForecastScore Of(IReadOnlyList<NaiveForecastScore> scores, string name) => scores.Single(s => s.Forecast == name);

    [Fact]
    public void A_level_shift_at_the_test_months_costs_the_last_value_only_on_the_first_test_window()
    {
        var scores = NaiveForecasts.Score(Series((t, _) => t < 500 ? 1 : 3), Split, horizon: 10, TimeSpan.FromHours(1));
        Assert.Equal(NaiveForecasts.Names, scores.Select(s => s.Forecast));
        // 91 test windows (rows 500..590); only the one at row 500 still sees the old level 1 against targets of 3
        Assert.Equal(4.0 / 91, Of(scores, "last").TestMse, 12);
        Assert.Equal(2.0 / 91, Of(scores, "last").TestMae, 12);
        Assert.Equal(0, Of(scores, "last").ValidationMse);
        Assert.Equal(9, Of(scores, "zero").TestMse, 12);
        Assert.Equal(1, Of(scores, "zero").ValidationMse, 12);
        // the two-week mean at row t averages rows [t - 336, t): (500 - (t - 336)) ones and the rest threes
        var mean = Of(scores, "mean-2w");
        Assert.Equal(0, mean.ValidationMse, 12);
        Assert.True(mean.TestMse > Of(scores, "last").TestMse);
    }

    [Fact]
    public void A_daily_cycle_is_forecast_exactly_by_the_last_day_and_not_by_the_last_value()
    {
        var scores = NaiveForecasts.Score(Series((t, c) => Math.Sin(2 * Math.PI * t / 24) * (c + 1)), Split, horizon: 48, TimeSpan.FromHours(1));
        Assert.Equal(0, Of(scores, "daily").TestMse, 9);
        Assert.Equal(0, Of(scores, "daily").ValidationMae, 6);
        Assert.True(Of(scores, "last").TestMse > 1);
        // a zero-mean cycle: the two-week mean is 0 as well
        Assert.Equal(Of(scores, "zero").TestMse, Of(scores, "mean-2w").TestMse, 6);
    }

    [Fact]
    public void Refuses_what_it_cannot_score()
    {
        var series = Series((_, _) => 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => NaiveForecasts.Score(series, Split, 0, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => NaiveForecasts.Score(series, Split, 10, TimeSpan.FromMinutes(7)));
        Assert.Throws<ArgumentException>(() => NaiveForecasts.Score(series, Split, 101, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => NaiveForecasts.Score(series, new EttSplit(300, 500, 600), 10, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentException>(() => NaiveForecasts.Score(series, new EttSplit(400, 500, 700), 10, TimeSpan.FromHours(1)));
    }
}
