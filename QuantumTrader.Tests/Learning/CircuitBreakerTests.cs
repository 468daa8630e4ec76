using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class CircuitBreakerTests
{
    private static readonly DateTimeOffset Promoted = new(2025, 12, 3, 14, 30, 22, TimeSpan.Zero);

    private static CircuitBreakerState Open() => CircuitBreakerState.Open("xgb", "v20251203", "v20251201", Promoted);

    private static (CircuitBreakerState State, List<(int Index, BreakerTrip Trip)> Trips) Feed(CircuitBreakerState s, IEnumerable<double> rs, int minutesApart = 30)
    {
        var trips = new List<(int, BreakerTrip)>();
        var i = 0;
        foreach (var r in rs)
        {
            var (next, trip) = s.Apply(r, Promoted.AddMinutes(minutesApart * (i + 1)));
            s = next;
            if (trip is not null) trips.Add((i, trip));
            i++;
        }

        return (s, trips);
    }

    [Fact]
    public void Opens_a_24_hour_window_with_the_seed_thresholds()
    {
        var s = Open();
        Assert.Equal(Promoted.AddHours(24), s.MonitorUntil);
        Assert.Equal((10, -0.3, 0.35, BreakerStatus.Monitoring), (s.MinTrades, s.MinAverageR, s.MinWinRate, s.Status));
    }

    [Fact]
    public void Trips_on_the_tenth_bad_trade_and_not_before()
    {
        var (s, trips) = Feed(Open(), Enumerable.Repeat(-0.5, 12));

        var (index, trip) = Assert.Single(trips);
        Assert.Equal(9, index);
        Assert.Equal((10, -0.5, 0.0), (trip.Trades, trip.AverageR, trip.WinRate));
        Assert.Equal(Promoted.AddMinutes(300), trip.Time);
        Assert.Equal("circuit breaker: v20251203 after 10 trades: average R -0.5 < -0.3, win rate 0% < 35%", trip.Reason);
        Assert.Equal(BreakerStatus.Tripped, s.Status);
        Assert.Equal(10, s.Trades);
    }

    [Fact]
    public void Trips_on_win_rate_alone_and_not_on_an_average_of_exactly_minus_point_three()
    {
        // 3 wins of +2 and 7 losses of -1: average -0.1, win rate 30% → trips on win rate only.
        var (_, lowWinRate) = Feed(Open(), [2, -1, -1, 2, -1, -1, 2, -1, -1, -1]);
        var trip = Assert.Single(lowWinRate).Trip;
        Assert.Equal(0.3, trip.WinRate, 12);
        Assert.Equal("circuit breaker: v20251203 after 10 trades: win rate 30% < 35%", trip.Reason);

        // 4 wins of +0.5 and 6 losses of -0.833…: average exactly -0.3, win rate 40% → holds.
        var (held, none) = Feed(Open(), [0.5, 0.5, 0.5, 0.5, -5.0 / 6, -5.0 / 6, -5.0 / 6, -5.0 / 6, -5.0 / 6, -5.0 / 6]);
        Assert.Empty(none);
        Assert.Equal(-0.3, held.AverageR, 12);
        Assert.Equal(BreakerStatus.Monitoring, held.Status);
    }

    [Fact]
    public void Closes_without_a_trip_when_the_window_ends_and_ignores_trades_from_before_the_promotion()
    {
        var s = Open();
        (s, var early) = s.Apply(-3, Promoted.AddMinutes(-1));
        Assert.Null(early);
        Assert.Equal(0, s.Trades);

        (s, var trips) = Feed(s, Enumerable.Repeat(-1.0, 5), minutesApart: 60);
        Assert.Empty(trips);
        Assert.Equal(BreakerStatus.Monitoring, s.AdvanceTo(Promoted.AddHours(24).AddTicks(-1)).Status);
        Assert.Equal(BreakerStatus.Closed, s.AdvanceTo(Promoted.AddHours(24)).Status);

        var (late, lateTrip) = s.Apply(-1, Promoted.AddHours(25));
        Assert.Null(lateTrip);
        Assert.Equal(BreakerStatus.Closed, late.Status);
        Assert.Equal(5, late.Trades);
    }

    [Fact]
    public void Mid_window_state_survives_a_json_round_trip_and_trips_at_the_same_trade()
    {
        double[] rs = [1, -1, -1, -0.5, -1, 0.5, -1, -1, -1, -1, -1];
        var (midway, _) = Feed(Open(), rs.Take(6));

        var json = JsonSerializer.Serialize(midway);
        var restored = JsonSerializer.Deserialize<CircuitBreakerState>(json)!;
        Assert.Equal(midway, restored);

        BreakerTrip? tripAfterRestart = null;
        var index = 6;
        foreach (var r in rs.Skip(6))
        {
            (restored, var trip) = restored.Apply(r, Promoted.AddMinutes(30 * (index + 1)));
            if (trip is not null && tripAfterRestart is null) tripAfterRestart = trip;
            index++;
        }

        var (_, uninterrupted) = Feed(Open(), rs);
        Assert.Equal(uninterrupted.Single().Trip, tripAfterRestart);
        Assert.Equal(10, tripAfterRestart!.Trades);
        Assert.Equal(JsonSerializer.Serialize(restored), JsonSerializer.Serialize(Feed(Open(), rs).State));
    }

    [Fact]
    public void A_trip_rolls_the_registry_back_to_the_previous_champion_and_degrades_the_new_version()
    {
        var t0 = ModelRegistryTests.T0;
        var registry = ModelRegistryState.Empty;
        registry = ModelRegistryTests.Run(registry, ModelRegistryTests.Register("v1", t0));
        registry = ModelRegistryTests.Run(registry, ModelRegistryTests.Register("v2", t0.AddDays(1)));
        registry = ModelRegistryTests.Run(registry, new PromoteVersion("xgb", "v1", "first", t0.AddDays(2)));
        var promotion = registry.Process(new PromoteVersion("xgb", "v2", "A/B win", t0.AddDays(3)));
        registry = registry.Apply(promotion.Events.Single());

        Assert.Null(CircuitBreakerState.OpenFor((VersionPromoted)registry.History[2]));
        var breaker = CircuitBreakerState.OpenFor((VersionPromoted)promotion.Events.Single())!;
        BreakerTrip? trip = null;
        for (var i = 0; i < 10; i++) (breaker, trip) = breaker.Apply(-0.4, t0.AddDays(3).AddHours(i + 1));

        registry = ModelRegistryTests.Run(registry, trip!.ToRollBack());

        Assert.Equal("v1", registry.Champion("xgb")!.Version);
        Assert.Equal(ModelVersionStatus.Degraded, registry.Find("xgb", "v2")!.Status);
        var rolledBack = Assert.IsType<VersionRolledBack>(registry.History[^1]);
        Assert.Equal(trip.Reason, rolledBack.Reason);
    }
}
