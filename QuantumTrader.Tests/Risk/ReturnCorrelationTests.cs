using System.Text.Json;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Tests.Risk;

public class ReturnCorrelationTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Closes whose simple returns are exactly <paramref name="returns"/>, starting from 100.</summary>
    private static ReturnCorrelation Add(ReturnCorrelation corr, string symbol, double[] returns, int skipIndex = -1)
    {
        var close = 100.0;
        corr = corr.Observe(symbol, T0, close);
        for (var i = 0; i < returns.Length; i++)
        {
            close *= 1 + returns[i];
            if (i != skipIndex)
                corr = corr.Observe(symbol, T0.AddHours(i + 1), close);
        }
        return corr;
    }

    [Fact]
    public void Pearson_of_shared_returns_matches_a_hand_computation()
    {
        // Deviations ±0.015, ±0.005 in a swapped middle: sxy = 0.0004, sxx = syy = 0.0005, rho = 0.8.
        var corr = Add(Add(ReturnCorrelation.Empty(10, 3), "AAA", [0.01, 0.02, 0.03, 0.04]), "BBB", [0.01, 0.03, 0.02, 0.04]);
        Assert.Equal(0.8, corr.Correlation("AAA", "BBB")!.Value, 9);
        Assert.Equal(0.8, corr.Correlation("BBB", "AAA")!.Value, 9);
        Assert.Equal(1.0, corr.Correlation("AAA", "AAA"));
    }

    [Fact]
    public void Returns_are_matched_by_time()
    {
        // BBB misses hour 2, so its hour-3 return spans two hours and its times are 1, 3, 4: AAA's 0.02 has no partner.
        var corr = Add(Add(ReturnCorrelation.Empty(10, 3), "AAA", [0.01, 0.02, 0.03, 0.04]), "BBB", [0.01, 0.03, 0.02, 0.04], skipIndex: 1);
        var bbb = corr.Series.Single(s => s.Symbol == "BBB");
        Assert.Equal([T0.AddHours(1), T0.AddHours(3), T0.AddHours(4)], bbb.Times);
        Assert.Equal(1.03 * 1.02 - 1, bbb.Returns[1], 12);

        // Pairs (0.01,0.01), (0.03,0.0506), (0.04,0.04) by hand.
        double[] x = [0.01, 0.03, 0.04];
        double[] y = [0.01, 1.03 * 1.02 - 1, 0.04];
        double mx = x.Average(), my = y.Average();
        var sxy = x.Select((v, i) => (v - mx) * (y[i] - my)).Sum();
        var sxx = x.Sum(v => (v - mx) * (v - mx));
        var syy = y.Sum(v => (v - my) * (v - my));
        Assert.Equal(sxy / Math.Sqrt(sxx * syy), corr.Correlation("AAA", "BBB")!.Value, 9);
    }

    [Fact]
    public void Too_little_shared_history_or_a_flat_series_is_undefined()
    {
        var corr = Add(Add(ReturnCorrelation.Empty(10, 5), "AAA", [0.01, 0.02, 0.03, 0.04]), "BBB", [0.01, 0.03, 0.02, 0.04]);
        Assert.Null(corr.Correlation("AAA", "BBB"));
        Assert.Null(corr.Correlation("AAA", "ZZZ"));

        var flat = Add(Add(ReturnCorrelation.Empty(10, 3), "AAA", [0.01, 0.02, 0.03, 0.04]), "FLAT", [0, 0, 0, 0]);
        Assert.Null(flat.Correlation("AAA", "FLAT"));
    }

    [Fact]
    public void Only_the_last_window_returns_are_kept()
    {
        var corr = Add(ReturnCorrelation.Empty(3, 2), "AAA", [0.01, 0.02, 0.03, 0.04, 0.05]);
        var s = Assert.Single(corr.Series);
        Assert.Equal(3, s.Returns.Length);
        Assert.Equal(0.03, s.Returns[0], 12);
        Assert.Equal(0.05, s.Returns[2], 12);
        Assert.Equal(T0.AddHours(5), s.LastTime);
    }

    [Fact]
    public void Matrix_is_symmetric_in_symbol_order()
    {
        var corr = Add(Add(Add(ReturnCorrelation.Empty(10, 3), "AAA", [0.01, 0.02, 0.03, 0.04]), "BBB", [0.01, 0.03, 0.02, 0.04]), "CCC", [0.04, 0.03, 0.02, 0.01]);
        Assert.Equal(["AAA", "BBB", "CCC"], corr.Symbols);
        var m = corr.Matrix();
        Assert.Equal(1.0, m[0][0]);
        Assert.Equal(0.8, m[0][1]!.Value, 9);
        Assert.Equal(-1.0, m[0][2]!.Value, 9);
        Assert.Equal(m[1][2], m[2][1]);
    }

    [Fact]
    public void Bars_feed_it_and_state_round_trips_through_json()
    {
        var corr = ReturnCorrelation.Empty(10, 3)
            .Observe(new Bar("BTCUSDT", T0, 1, 1, 1, 100, 5))
            .Observe(new Bar("BTCUSDT", T0.AddHours(1), 1, 1, 1, 101, 5))
            .Observe(new Bar("ETHUSDT", T0, 1, 1, 1, 50, 5));
        var json = JsonSerializer.Serialize(corr);
        var back = JsonSerializer.Deserialize<ReturnCorrelation>(json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back));
        Assert.Equal(0.01, back.Series[0].Returns[0], 12);
    }

    [Fact]
    public void Stale_or_bad_closes_are_refused()
    {
        var corr = ReturnCorrelation.Empty(10, 3).Observe("BTCUSDT", T0.AddHours(1), 100);
        var ex = Assert.Throws<DomainValidationException>(() => corr.Observe("BTCUSDT", T0.AddHours(1), 101));
        Assert.Equal("ReturnCorrelation.time: must be later than the last BTCUSDT close at 2024-03-01T01:00:00.0000000+00:00 (2024-03-01T01:00:00.0000000+00:00)", ex.Message);
        Assert.Throws<DomainValidationException>(() => corr.Observe("BTCUSDT", T0.AddHours(2), 0));
        Assert.Throws<DomainValidationException>(() => ReturnCorrelation.Empty(10, 11));
        Assert.Throws<DomainValidationException>(() => ReturnCorrelation.Empty(1, 1));
    }
}
