using QuantumTrader.Models.Audit;

namespace QuantumTrader.Tests.Learning;

public class ReplayComparisonTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static AuditEntry Entry(int hour, string kind, string source = "symbol-BTCUSDT", string detail = "d", AuditArea area = AuditArea.Money) =>
        new(T0.AddHours(hour), area, kind, source, hour + 1, "BTCUSDT", detail);

    [Fact]
    public void The_same_decisions_compare_identical_whatever_their_journal_rows()
    {
        AuditEntry[] journal = [Entry(1, "order-placed"), Entry(2, "fill"), Entry(3, "trade-closed")];
        var replay = journal.Reverse().Select(e => e with { SequenceNr = 99 }).ToArray();

        var c = ReplayComparison.Of(journal, replay);

        Assert.True(c.Identical);
        Assert.Equal(3, c.Compared);
        Assert.All(c.Kinds, k => Assert.Equal(k.Journal, k.Replay));
    }

    [Fact]
    public void A_decision_missing_from_the_journal_is_where_they_part()
    {
        AuditEntry[] replay = [Entry(1, "order-placed"), Entry(2, "fill"), Entry(3, "trade-closed")];
        AuditEntry[] journal = [replay[0], replay[2]];

        var d = ReplayComparison.Of(journal, replay).FirstDifference!;

        Assert.Equal(replay[2], d.Journal);
        Assert.Equal(replay[1], d.Replay);
    }

    [Fact]
    public void A_different_detail_parts_them_and_settlements_are_left_to_the_audit()
    {
        AuditEntry[] journal = [Entry(1, "trade-closed", detail: "pnl 5"), Entry(1, ReplayComparison.Settlement, "account-paper")];
        AuditEntry[] replay = [Entry(1, "trade-closed", detail: "pnl 6")];

        var c = ReplayComparison.Of(journal, replay);

        Assert.Equal(1, c.Compared);
        Assert.Equal("pnl 5", c.FirstDifference!.Journal!.Detail);
        Assert.Equal("pnl 6", c.FirstDifference.Replay!.Detail);
    }

    [Fact]
    public void Each_entity_is_compared_as_far_as_the_journal_got_and_operator_actions_are_named()
    {
        // Killed run: BTCUSDT committed up to hour 5, the supervisor's write-behind up to hour 2; the replay went on to hour 9.
        AuditEntry[] replay =
        [
            Entry(1, "fill"), Entry(5, "fill"), Entry(9, "fill"),
            Entry(2, "weights-rebalanced", "model-supervisor", area: AuditArea.Models), Entry(4, "weights-rebalanced", "model-supervisor", area: AuditArea.Models),
            Entry(3, "version-registered", "model-registry", area: AuditArea.Models),
        ];
        AuditEntry[] journal = [replay[0], replay[1], replay[3], Entry(2, "risk-limits-changed", "policy-store", area: AuditArea.Risk)];

        var c = ReplayComparison.Of(journal, replay);

        Assert.Equal(T0.AddHours(5), c.Horizon);
        Assert.Equal(3, c.BeyondHorizon);
        Assert.Equal("risk-limits-changed", c.FirstDifference!.Journal!.Kind);
        Assert.Equal("weights-rebalanced", c.FirstDifference.Replay!.Kind);
        Assert.Equal("risk-limits-changed", Assert.Single(c.OperatorActions).Kind);
    }

    [Fact]
    public void An_emergency_stop_trigger_the_replay_gave_again_is_not_listed_as_unrepeated_but_a_limit_change_is()
    {
        var trigger = Entry(9, "emergency-manual-trigger", "account-paper", "venue outage", AuditArea.Risk) with { Subject = "paper" };
        var reset = Entry(9, "emergency-manual-reset", "account-paper", "drill over", AuditArea.Risk) with { Subject = "paper" };
        var limits = Entry(9, "risk-limits-changed", "policy-store", "tighter", AuditArea.Risk);
        AuditEntry[] journal = [Entry(1, "fill"), trigger, reset, limits];

        var c = ReplayComparison.Of(journal, [Entry(1, "fill"), trigger with { SequenceNr = 40 }, reset with { SequenceNr = 41 }]);

        Assert.Equal([limits], c.OperatorActions);
        Assert.Equal([new EssOperatorAction(T0.AddHours(9), "paper", true, "venue outage"), new EssOperatorAction(T0.AddHours(9), "paper", false, "drill over")],
            EssOperatorAction.From(journal));
    }

    [Fact]
    public void A_command_the_replay_gives_as_another_operator_parts_them_and_the_action_keeps_its_operator()
    {
        var trigger = Entry(9, "emergency-manual-trigger", "account-paper", "venue outage", AuditArea.Risk) with { Subject = "paper", Operator = "alice" };
        AuditEntry[] journal = [Entry(1, "fill"), trigger];

        Assert.True(ReplayComparison.Of(journal, [Entry(1, "fill"), trigger with { SequenceNr = 40 }]).Identical);
        var d = ReplayComparison.Of(journal, [Entry(1, "fill"), trigger with { Operator = null }]).FirstDifference!;
        Assert.Equal(("alice", null), (d.Journal!.Operator, d.Replay!.Operator));
        Assert.Equal("alice", Assert.Single(EssOperatorAction.From(journal)).Operator);
    }
}
