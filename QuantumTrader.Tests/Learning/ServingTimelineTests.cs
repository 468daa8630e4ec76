using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

/// <summary>Which version served a bar, as a replay serves it: checks from their own bar on, anything else from the next bar.</summary>
public class ServingTimelineTests
{
    private static readonly DateTimeOffset T0 = ModelRegistryTests.T0;
    private static readonly FeatureSet Set = new("test", ["x"]);

    private static ModelInput Bar(string symbol, DateTimeOffset time) => new(symbol, new FeatureVector(Set, time, [0.0], IsWarm: true), [1.0]);

    /// <summary>v1 promoted at T0, v2 and v3 registered.</summary>
    private static ModelRegistryState Registry()
    {
        var s = ModelRegistryState.Empty;
        foreach (var (v, day) in new[] { ("v1", 0), ("v2", 1), ("v3", 2) }) s = ModelRegistryTests.Run(s, ModelRegistryTests.Register(v, T0.AddDays(day)));
        return ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v1", "first version of the slot", T0));
    }

    [Fact]
    public void A_promotion_at_a_check_serves_that_bar_and_one_at_any_other_bar_serves_from_the_next()
    {
        var atCheck = T0.AddDays(3);
        var atTrade = T0.AddDays(5);
        var s = ModelRegistryTests.Run(Registry(), new PromoteVersion("xgb", "v2", "won at the check", atCheck));
        s = ModelRegistryTests.Run(s, new PromoteVersion("xgb", "v3", "won when a trade closed", atTrade));
        var timeline = new ServingTimeline(s, [atCheck]);

        Assert.Equal("v1", timeline.VersionAt("xgb", Bar("BTC", atCheck.AddHours(-1))));
        Assert.Equal("v2", timeline.VersionAt("xgb", Bar("BTC", atCheck)));
        Assert.Equal("v2", timeline.VersionAt("xgb", Bar("BTC", atTrade)));
        Assert.Equal("v3", timeline.VersionAt("xgb", Bar("BTC", atTrade.AddHours(1))));

        // The same registry read as if no check had run then: the promotion counts from the next bar.
        Assert.Equal("v1", new ServingTimeline(s, []).VersionAt("xgb", Bar("BTC", atCheck)));
    }

    [Fact]
    public void Before_its_first_promotion_a_slot_serves_the_version_promoted_first_and_a_slot_never_promoted_serves_none()
    {
        var s = ModelRegistryTests.Run(Registry(), ModelRegistryTests.Register("l1", T0, slot: "lgbm"));
        var timeline = new ServingTimeline(s, []);

        Assert.Equal("v1", timeline.VersionAt("xgb", Bar("BTC", T0.AddHours(-20))));
        Assert.Null(timeline.VersionAt("lgbm", Bar("BTC", T0.AddDays(1))));
    }

    [Fact]
    public void Under_an_ab_test_each_bar_goes_to_the_arm_the_split_chooses_until_the_test_stops()
    {
        var start = T0.AddDays(3);
        var stop = T0.AddDays(10);
        var book = ModelRegistryBook.Empty with { Registry = Registry() };
        foreach (RegistryCommand command in new RegistryCommand[] { new StartAbTest("xgb", "v2", AbTestSettings.Seed, "try it", start), new StopAbTest("xgb", "enough", stop) })
        {
            var result = book.Process(command);
            Assert.True(result.Succeeded, result.Error);
            book = result.Events.Aggregate(book, (b, e) => b.Apply(e));
        }
        var timeline = new ServingTimeline(book.Registry, [start]);

        var during = Enumerable.Range(0, 7 * 24).Select(h => Bar(h % 2 == 0 ? "BTC" : "ETH", start.AddHours(h))).ToArray();
        var versions = during.Select(b => timeline.VersionAt("xgb", b)).ToArray();
        for (var i = 0; i < during.Length; i++)
            Assert.Equal(AbSplit.ToChallenger("xgb", "v2", during[i].Symbol, during[i].Features.Time, AbTestSettings.Seed.Share) ? "v2" : "v1", versions[i]);
        Assert.Contains("v2", versions);
        Assert.Contains("v1", versions);
        Assert.All(Enumerable.Range(1, 48).Select(h => timeline.VersionAt("xgb", Bar("BTC", stop.AddHours(h)))), v => Assert.Equal("v1", v));
    }

    [Fact]
    public void Checks_fall_every_interval_after_trading_starts_up_to_the_last_bar()
    {
        Assert.Equal([T0.AddDays(1), T0.AddDays(2), T0.AddDays(3)], ServingTimeline.Checks(T0, T0.AddDays(3).AddHours(5), TimeSpan.FromDays(1)));
        Assert.Empty(ServingTimeline.Checks(T0, T0.AddHours(23), TimeSpan.FromDays(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServingTimeline.Checks(T0, T0.AddDays(1), TimeSpan.Zero));
    }
}
