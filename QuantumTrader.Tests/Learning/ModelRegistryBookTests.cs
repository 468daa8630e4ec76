using QuantumTrader.Models;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class ModelRegistryBookTests
{
    private static readonly DateTimeOffset T0 = LearningTrades.Start;
    private static readonly IReadOnlyDictionary<string, double> Metrics = new Dictionary<string, double> { ["auc"] = 0.55 };

    private static ModelRegistryBook Do(ModelRegistryBook book, RegistryCommand command)
    {
        var result = book.Process(command);
        Assert.True(result.Succeeded, result.Error);
        return result.Events.Aggregate(book, (b, e) => b.Apply(e));
    }

    /// <summary>xgb v1 champion since T0 − 2 days, v2 promoted over it at T0.</summary>
    private static ModelRegistryBook Promoted()
    {
        var book = ModelRegistryBook.Empty;
        foreach (var v in new[] { "xgb-v1", "xgb-v2" })
            book = Do(book, new RegisterVersion(ModelSlots.Xgb, v, new TrainingRange(T0.AddDays(-30), T0.AddDays(-3)), Metrics, $"/models/{v}.json", 1000, T0.AddDays(-3)));
        book = Do(book, new PromoteVersion(ModelSlots.Xgb, "xgb-v1", "first", T0.AddDays(-2)));
        Assert.Null(book.Watching(ModelSlots.Xgb));
        return Do(book, new PromoteVersion(ModelSlots.Xgb, "xgb-v2", "better auc", T0));
    }

    private static (ModelRegistryBook Book, List<IReadOnlyList<IDomainEvent>> PerTrade) Feed(ModelRegistryBook book, IEnumerable<Models.Execution.ClosedTrade> trades)
    {
        var perTrade = new List<IReadOnlyList<IDomainEvent>>();
        foreach (var t in trades)
        {
            var (next, events) = book.Feed(t);
            book = next;
            perTrade.Add(events);
        }
        return (book, perTrade);
    }

    [Theory]
    [InlineData("cto", "alice", "cto")]
    [InlineData("", "alice", "alice")]
    [InlineData("  ", "alice", "alice")]
    [InlineData("", null, "")]
    public void An_approval_that_names_nobody_is_the_operators_own(string approvedBy, string? operatorName, string approver) =>
        Assert.Equal(approver, ApproveCleanup.ApproverOf(approvedBy, operatorName));

    [Fact]
    public void A_promotion_over_a_champion_opens_a_24_hour_breaker_that_rolls_back_to_it()
    {
        var result = Promoted().Process(new PromoteVersion(ModelSlots.Xgb, "xgb-v1", "again", T0.AddHours(1)));
        var book = Promoted();
        var breaker = book.Watching(ModelSlots.Xgb)!;
        Assert.Equal("xgb-v2", breaker.NewVersion);
        Assert.Equal("xgb-v1", breaker.PreviousVersion);
        Assert.Equal(T0, breaker.OpenedAt);
        Assert.Equal(T0.AddHours(24), breaker.MonitorUntil);

        // Promoting again replaces the breaker: the old one is closed with the reason, a new one watches v1.
        Assert.True(result.Succeeded);
        var closed = Assert.Single(result.Events.OfType<CircuitBreakerClosed>());
        Assert.Equal("replaced by the promotion of xgb-v1", closed.Reason);
        Assert.Equal("xgb-v1", Assert.Single(result.Events.OfType<CircuitBreakerOpened>()).Breaker.NewVersion);
    }

    [Fact]
    public void Ten_losing_trades_after_the_promotion_trip_on_the_tenth_roll_back_and_mark_the_new_version_degraded()
    {
        var (book, perTrade) = Feed(Promoted(), Enumerable.Range(1, 10).Select(i => LearningTrades.BothBuy(i, -1, T0)));

        Assert.All(perTrade.Take(9), events => Assert.IsType<CircuitBreakerTradeRecorded>(Assert.Single(events)));
        var last = perTrade[9];
        Assert.Equal([typeof(CircuitBreakerTradeRecorded), typeof(CircuitBreakerTripped), typeof(VersionRolledBack)], last.Select(e => e.GetType()));
        var trip = ((CircuitBreakerTripped)last[1]).Trip;
        Assert.Equal(10, trip.Trades);
        Assert.Equal(-1, trip.AverageR, 12);
        Assert.Equal(0, trip.WinRate);
        Assert.Equal("circuit breaker: xgb-v2 after 10 trades: average R -1 < -0.3, win rate 0% < 35%", trip.Reason);
        var rollback = (VersionRolledBack)last[2];
        Assert.Equal(("xgb-v1", "xgb-v2", true), (rollback.Version, rollback.FromVersion, rollback.MarkedDegraded));

        Assert.Equal("xgb-v1", book.Registry.Champion(ModelSlots.Xgb)!.Version);
        Assert.Equal(ModelVersionStatus.Degraded, book.Registry.Find(ModelSlots.Xgb, "xgb-v2")!.Status);
        Assert.Equal(BreakerStatus.Tripped, book.Breakers[ModelSlots.Xgb].Status);
        Assert.Empty(book.Feed(LearningTrades.BothBuy(11, -1, T0)).Events);
    }

    [Fact]
    public void A_trade_is_counted_once_and_trades_before_the_promotion_or_without_the_slots_vote_not_at_all()
    {
        var book = Promoted();
        var (after, perTrade) = Feed(book,
        [
            LearningTrades.BothBuy(-1, -1, T0),
            LearningTrades.BothBuy(1, -1, T0),
            LearningTrades.BothBuy(1, -1, T0),
            LearningTrades.Long(2, -1, [(ModelSlots.Lgbm, TradeAction.Buy), (ModelSlots.Xgb, TradeAction.Hold)], T0),
        ]);

        Assert.Equal([0, 1, 0, 0], perTrade.Select(e => e.Count));
        Assert.Equal(1, after.Breakers[ModelSlots.Xgb].Trades);
        Assert.Equal(["TEST-0001"], after.BreakerTrades[ModelSlots.Xgb]);
    }

    [Fact]
    public void A_trade_at_the_end_of_the_window_closes_the_breaker_without_a_trip()
    {
        var (book, perTrade) = Feed(Promoted(),
            [LearningTrades.BothBuy(23, -1, T0), LearningTrades.Long(24, 1, [(ModelSlots.Lgbm, TradeAction.Buy)], T0)]);

        var closed = Assert.IsType<CircuitBreakerClosed>(Assert.Single(perTrade[1]));
        Assert.StartsWith("window ended at ", closed.Reason);
        Assert.Contains("after 1 trades (average R -1, win rate 0%)", closed.Reason);
        Assert.Equal(BreakerStatus.Closed, book.Breakers[ModelSlots.Xgb].Status);
        Assert.Equal("xgb-v2", book.Registry.Champion(ModelSlots.Xgb)!.Version);
    }

    [Fact]
    public void The_rollback_target_cannot_be_approved_for_deletion_while_the_breaker_watches()
    {
        var book = Promoted();
        var refused = book.Process(new ApproveCleanup(ModelSlots.Xgb, "xgb-v1", "ops", T0.AddHours(1)));
        Assert.False(refused.Succeeded);
        Assert.Equal($"version xgb/xgb-v1 is what the circuit breaker on xgb-v2 rolls back to until {T0.AddHours(24):O}", refused.Error);

        var (closed, _) = book.Feed(LearningTrades.Long(30, 1, [(ModelSlots.Lgbm, TradeAction.Buy)], T0));
        Assert.True(closed.Process(new ApproveCleanup(ModelSlots.Xgb, "xgb-v1", "ops", T0.AddHours(31))).Succeeded);
    }

    [Fact]
    public void The_champion_at_a_time_comes_with_the_event_that_made_it_champion()
    {
        var (book, _) = Feed(Promoted(), Enumerable.Range(1, 10).Select(i => LearningTrades.BothBuy(i, -1, T0)));

        Assert.Null(book.ChampionAt(ModelSlots.Xgb, T0.AddDays(-2).AddTicks(-1)));
        Assert.Equal("first", Assert.IsType<VersionPromoted>(book.ChampionAt(ModelSlots.Xgb, T0.AddDays(-1))!.Cause).Reason);
        var during = book.ChampionAt(ModelSlots.Xgb, T0.AddHours(5))!;
        Assert.Equal(("xgb-v2", T0), (during.Version, during.Since));
        var after = book.ChampionAt(ModelSlots.Xgb, T0.AddHours(10))!;
        Assert.Equal("xgb-v1", after.Version);
        Assert.StartsWith("circuit breaker: xgb-v2", Assert.IsType<VersionRolledBack>(after.Cause).Reason);
    }

    [Fact]
    public void An_operator_rollback_closes_the_breaker_of_the_version_it_replaces()
    {
        var result = Promoted().Process(new RollBackVersion(ModelSlots.Xgb, null, "looks wrong", false, T0.AddHours(2)));
        Assert.True(result.Succeeded);
        var closed = Assert.Single(result.Events.OfType<CircuitBreakerClosed>());
        Assert.Equal(("xgb-v2", "rolled back to xgb-v1: looks wrong"), (closed.Version, closed.Reason));
    }
}
