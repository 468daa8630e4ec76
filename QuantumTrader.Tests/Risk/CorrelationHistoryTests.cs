using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Risk;

public sealed class CorrelationHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Bar Bar(string symbol, int hour, double close) => new(symbol, T0.AddHours(hour), close, close, close, close, 1);

    [Fact]
    public void A_decision_sees_the_returns_through_its_time_however_far_ahead_bars_were_observed()
    {
        var history = new CorrelationHistory(window: 60, minOverlap: 2);
        for (var h = 0; h < 10; h++)
        {
            history.Observe(Bar("AAA", h, 100 + h * h));
            history.Observe(Bar("BBB", h, 50 + h));
        }

        var atFive = history.At(T0.AddHours(5));
        Assert.Equal(5, atFive.Series.Single(s => s.Symbol == "AAA").Returns.Length);
        Assert.Equal(T0.AddHours(5), history.At(T0.AddHours(5).AddMinutes(30)).Series[0].LastTime);
        Assert.Equal(9, history.Latest.Series[0].Returns.Length);
        Assert.Empty(history.At(T0.AddHours(-1)).Series);

        // The same figures the one-bar-at-a-time correlation gives after those bars.
        var stepwise = ReturnCorrelation.Empty(60, 2);
        for (var h = 0; h <= 5; h++) stepwise = stepwise.Observe(Bar("AAA", h, 100 + h * h)).Observe(Bar("BBB", h, 50 + h));
        Assert.Equal(stepwise.Correlation("AAA", "BBB"), atFive.Correlation("AAA", "BBB"));
        Assert.Equal(stepwise.Series[0].Returns, atFive.Series[0].Returns);
    }

    [Fact]
    public void A_repeated_bar_changes_nothing_and_only_the_last_window_of_returns_counts()
    {
        var history = new CorrelationHistory(window: 3, minOverlap: 2, capacity: 4);
        Assert.True(history.Observe(Bar("AAA", 0, 100)));
        Assert.True(history.Observe(Bar("AAA", 1, 101)));
        Assert.False(history.Observe(Bar("AAA", 1, 999)));
        Assert.False(history.Observe(Bar("AAA", 0, 999)));
        for (var h = 2; h < 20; h++) history.Observe(Bar("AAA", h, 100 + h));

        var latest = history.Latest.Series.Single();
        Assert.Equal([T0.AddHours(17), T0.AddHours(18), T0.AddHours(19)], latest.Times);
        Assert.Equal(119.0 / 118 - 1, latest.Returns[^1], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CorrelationHistory(window: 60, capacity: 60));
    }

    [Fact]
    public void A_close_arriving_at_or_before_an_asked_time_changes_the_next_answer_and_a_later_one_does_not()
    {
        var history = new CorrelationHistory(window: 60, minOverlap: 2);
        for (var h = 0; h < 6; h++) history.Observe(Bar("AAA", h, 100 + h * h));
        var atFive = history.At(T0.AddHours(5));
        Assert.Single(atFive.Series);

        history.Observe(Bar("AAA", 6, 200));
        Assert.Same(atFive, history.At(T0.AddHours(5)));

        // Another symbol's bar at 5 o'clock arrives after the question was asked: the answer must include it.
        history.Observe(Bar("BBB", 5, 50));
        var again = history.At(T0.AddHours(5));
        Assert.Equal(["AAA", "BBB"], again.Series.Select(s => s.Symbol));
        Assert.Equal(6, history.Latest.Series[0].Returns.Length);
    }

    [Fact]
    public void Closes_dropped_for_capacity_are_not_answered_from_memory()
    {
        var history = new CorrelationHistory(window: 3, minOverlap: 2, capacity: 4);
        for (var h = 0; h < 6; h++) history.Observe(Bar("AAA", h, 100 + h));
        Assert.Single(history.At(T0.AddHours(2)).Series);

        // the eighth close drops the oldest four (hours 0 to 3): nothing at or before hour 2 is kept
        history.Observe(Bar("AAA", 6, 106));
        history.Observe(Bar("AAA", 7, 107));
        Assert.Empty(history.At(T0.AddHours(2)).Series);
    }
}
