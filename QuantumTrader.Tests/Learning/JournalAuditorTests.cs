using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

public class JournalAuditorTests
{
    private const string Account = "account-paper";
    private const string Feed = "projection-trade-feed";

    /// <summary>Trade n: xgb voted with it, lgbm against it, nhits held; pnl 10 x n.</summary>
    private static ClosedTrade Trade(int n)
    {
        var t = LearningTrades.Long(n, 1.0, [(ModelSlots.Xgb, TradeAction.Buy), (ModelSlots.Lgbm, TradeAction.Sell), (ModelSlots.Nhits, TradeAction.Hold)]);
        return t with { EntryTime = t.ExitTime.AddHours(-1), Pnl = 10 * n };
    }

    /// <summary>What a run journals for the trades: entry fill and close in the symbol's rows, settlement, delivery, outcomes, supervision.</summary>
    private static JournalAuditor Consistent(params ClosedTrade[] trades)
    {
        var auditor = new JournalAuditor();
        var symbol = "symbol-" + trades[0].Symbol;
        long seq = 0, accountSeq = 0, feedSeq = 0, xgbSeq = 0, lgbmSeq = 0, supervisorSeq = 0;
        var equity = 10_000.0;
        foreach (var t in trades)
        {
            auditor.Row(symbol, ++seq);
            auditor.Symbol(symbol, seq, new FillExecuted(t.Symbol, seq, t.EntryTime,
                new Fill(t.Symbol, t.EntryTime, TradeAction.Buy, t.EntryPrice, t.EntryPrice, t.Quantity, 0.1, FillReasons.Entry)));
            auditor.Row(symbol, ++seq);
            auditor.Symbol(symbol, seq, new TradeClosed(t.Symbol, seq, t.ExitTime, t));
            equity += t.Pnl;
            auditor.Row(Account, ++accountSeq);
            auditor.Settled(Account, accountSeq, t.TradeId, t.Symbol, t.ExitTime, t.Pnl, equity);
            auditor.Row(Account, ++accountSeq);
            auditor.Record(Account, accountSeq, new EssTradesSettled("paper", t.ExitTime, [new EssTrade(t.TradeId, t.Symbol, t.EntryTime, t.ExitTime, t.Pnl)]));
            auditor.Row("model-perf-xgb", ++xgbSeq);
            auditor.OutcomesRecorded(ModelSlots.Xgb, [t.TradeId]);
            auditor.Row("model-perf-lgbm", ++lgbmSeq);
            auditor.OutcomesRecorded(ModelSlots.Lgbm, [t.TradeId]);
            auditor.Row(Feed, ++feedSeq);
            auditor.Delivered([t.TradeId]);
            auditor.Row("model-supervisor", ++supervisorSeq);
            auditor.Record("model-supervisor", supervisorSeq, new TradeSupervised(t.TradeId, t.Symbol, t.ExitTime, null, []));
        }
        return auditor;
    }

    private static AuditReport Report(JournalAuditor auditor, Func<ModelVersionRecord, string?>? artifacts = null) =>
        auditor.Report(artifacts ?? (_ => null), _ => true);

    private static AuditCheck CheckOf(AuditReport report, string name) => report.Checks.Single(c => c.Name == name);

    [Fact]
    public void A_consistent_journal_passes_every_check_and_explains_each_trade()
    {
        var report = Report(Consistent(Trade(1), Trade(2)));

        Assert.True(report.Passed);
        Assert.All(report.Checks, c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        Assert.Equal(10_000, report.StartingEquity);
        Assert.Equal(10_030, report.FinalEquity);
        var closed = report.Trail.Where(e => e.Kind == "trade-closed").ToArray();
        Assert.Equal(["TEST-0001", "TEST-0002"], closed.Select(e => e.Detail.Split(' ')[0]));
        Assert.Contains("xgb Buy", closed[0].Detail);
        Assert.Contains("lgbm Sell", closed[0].Detail);
        Assert.Equal(2, report.Kinds.Single(k => k.Kind == "trade-settled").Count);
    }

    [Fact]
    public void Marks_of_open_positions_pass_once_each_in_time_order_and_fail_when_a_bar_is_marked_again()
    {
        var auditor = Consistent(Trade(1));
        var t0 = Trade(1).ExitTime;
        auditor.Row(Account, 3);
        auditor.Record(Account, 3, new EssTradesSettled("paper", t0.AddHours(3), [], [new EssMark(t0.AddHours(1), -5), new EssMark(t0.AddHours(2), -8)]));
        var passed = CheckOf(Report(auditor), "emergency-stop-marks");
        Assert.Equal((CheckOutcome.Passed, "2 mark(s) of open positions, each bar once and in time order"), (passed.Outcome, passed.Detail));

        auditor.Row(Account, 4);
        auditor.Record(Account, 4, new EssTradesSettled("paper", t0.AddHours(4), [], [new EssMark(t0.AddHours(2), -8), new EssMark(t0.AddHours(3), -9)]));
        var failed = CheckOf(Report(auditor), "emergency-stop-marks");
        Assert.Equal(CheckOutcome.Failed, failed.Outcome);
        Assert.Contains($"paper: mark at {t0.AddHours(2):O} after one at {t0.AddHours(2):O}", failed.Detail);
    }

    [Fact]
    public void A_missing_journal_row_is_named_by_entity_and_number()
    {
        var auditor = Consistent(Trade(1));
        auditor.Row(Account, 4);

        var check = CheckOf(Report(auditor), "journal-sequence");
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains("account-paper: #3 missing", check.Detail);
    }

    [Fact]
    public void A_delivered_trade_the_account_never_settled_fails_and_an_undelivered_one_is_pending()
    {
        var auditor = Consistent(Trade(1));
        var lost = Trade(2);
        auditor.Row("symbol-" + lost.Symbol, 3);
        auditor.Symbol("symbol-" + lost.Symbol, 3, new FillExecuted(lost.Symbol, 3, lost.EntryTime,
            new Fill(lost.Symbol, lost.EntryTime, TradeAction.Buy, lost.EntryPrice, lost.EntryPrice, lost.Quantity, 0.1, FillReasons.Entry)));
        auditor.Row("symbol-" + lost.Symbol, 4);
        auditor.Symbol("symbol-" + lost.Symbol, 4, new TradeClosed(lost.Symbol, 4, lost.ExitTime, lost));

        var pending = Report(auditor);
        Assert.Equal(CheckOutcome.Pending, CheckOf(pending, "settlements").Outcome);
        Assert.Equal(CheckOutcome.Pending, CheckOf(pending, "trades-delivered").Outcome);
        Assert.True(pending.Passed);

        auditor.Delivered([lost.TradeId]);
        var failed = Report(auditor);
        Assert.Equal(CheckOutcome.Failed, CheckOf(failed, "settlements").Outcome);
        Assert.Contains("TEST-0002 delivered by the trade feed but never settled", CheckOf(failed, "settlements").Detail);
        Assert.Contains("xgb: TEST-0002 delivered but not recorded", CheckOf(failed, "model-outcomes").Detail);
        Assert.DoesNotContain("nhits", CheckOf(failed, "model-outcomes").Detail);
        Assert.False(failed.Passed);
    }

    [Fact]
    public void A_settlement_that_does_not_match_its_trade_or_the_equity_before_it_fails()
    {
        var auditor = Consistent(Trade(1));
        auditor.Row(Account, 3);
        auditor.Settled(Account, 3, "TEST-0001", Trade(1).Symbol, Trade(1).ExitTime, 10, 10_050);

        var detail = CheckOf(Report(auditor), "settlements").Detail;
        Assert.Contains("TEST-0001 settled twice", detail);
        Assert.Contains("equity 10010 + pnl 10 is not the journaled 10050", detail);
    }

    [Fact]
    public void Each_operator_command_is_listed_with_the_operator_who_gave_it_and_the_nodes_own_decisions_with_none()
    {
        var auditor = Consistent(Trade(1));
        var t0 = LearningTrades.Start;
        var record = new ModelVersionRecord("xgb", "v1", t0, new TrainingRange(t0.AddDays(-30), t0), new Dictionary<string, double>(), "/models/xgb/v1.json", 100);
        auditor.Record("model-registry", 1, new VersionRegistered(record, t0));
        auditor.Record("model-registry", 2, new VersionPromoted("xgb", "v1", null, "first version of the slot", t0));
        auditor.Record("model-registry", 3, new RetrainingRequested("xgb", "v1", "new regime", t0.AddHours(1)) { Operator = "alice" });
        auditor.Record(Account, 2, new EssManualTrigger("paper", "venue outage", t0.AddHours(2)) { Operator = "bob" });
        auditor.Record("risk-policy-store", 1, new RiskLimitsChanged(EssMode.Cautious, RiskPolicy.Default.LimitsFor(EssMode.Cautious),
            new RiskLimits(100, 1, 0.6, 2, 500, 300, 0.7), "tighter", t0.AddHours(3)) { Operator = "carol" });

        var trail = Report(auditor).Trail;

        Assert.Equal([("version-registered", null), ("version-promoted", null), ("retraining-requested", "alice"), ("emergency-manual-trigger", "bob"),
            ("risk-limits-changed", "carol")], trail.Where(e => e.Area != AuditArea.Money).Select(e => (e.Kind, e.Operator)));
        Assert.Equal("alice", ((RetrainingRequested)Assert.Single(Report(auditor).OperatorCommands, c => c.Journaled is RetrainingRequested).Journaled).Operator);
    }

    [Fact]
    public void Registry_events_about_unknown_versions_and_artifacts_that_do_not_open_fail()
    {
        var auditor = Consistent(Trade(1));
        var t0 = LearningTrades.Start;
        var record = new ModelVersionRecord("xgb", "v1", t0, new TrainingRange(t0.AddDays(-30), t0), new Dictionary<string, double>(), "/models/xgb/v1.json", 100);
        auditor.Record("model-registry", 1, new VersionRegistered(record, t0));
        auditor.Record("model-registry", 2, new VersionPromoted("xgb", "v1", null, "first version of the slot", t0));
        auditor.Record("model-registry", 3, new VersionPromoted("xgb", "v9", "v1", "operator", t0));

        var report = Report(auditor, v => v.Version == "v1" ? "ONNX model is corrupt" : null);
        Assert.Contains("VersionPromoted of xgb/v9 (row model-registry #3) names a version never registered", CheckOf(report, "registry").Detail);
        Assert.Equal("1 of 1 do not open: xgb/v1: ONNX model is corrupt", CheckOf(report, "artifacts").Detail);
        Assert.Equal(["version-registered", "version-promoted"], report.Trail.Where(e => e.Area == AuditArea.Models).Select(e => e.Kind));
    }

    [Fact]
    public void A_deleted_version_is_not_opened_and_a_weight_set_that_does_not_sum_to_one_fails()
    {
        var auditor = Consistent(Trade(1));
        var t0 = LearningTrades.Start;
        var record = new ModelVersionRecord("lgbm", "v1", t0, new TrainingRange(t0, t0), new Dictionary<string, double>(), "/gone", 100);
        auditor.Record("model-registry", 1, new VersionRegistered(record, t0));
        auditor.Record("model-registry", 2, new CleanupApproved("lgbm", "v1", "ops", t0));
        auditor.Record("model-registry", 3, new VersionDeleted("lgbm", "v1", 100, t0));
        var weights = new Dictionary<string, double> { ["xgb"] = 0.7, ["lgbm"] = 0.7 };
        auditor.Record("model-supervisor", 9, new WeightsRebalanced(weights, new Dictionary<string, IReadOnlyDictionary<string, double>>(), weights, "test", t0));

        var report = Report(auditor, _ => "must not be opened");
        Assert.Equal(CheckOutcome.Passed, CheckOf(report, "artifacts").Outcome);
        Assert.Contains("1 deleted", CheckOf(report, "artifacts").Detail);
        Assert.Equal(CheckOutcome.Failed, CheckOf(report, "weights").Outcome);
    }

    [Fact]
    public void A_trade_is_explained_by_what_served_then_and_every_step_from_its_decision_to_its_settlement()
    {
        var auditor = new JournalAuditor();
        var t = Trade(6);
        t = t with { EntryTime = t.ExitTime.AddHours(-3), ExitReason = FillReasons.StopLoss, Decision = t.Decision with { DecidedAt = t.ExitTime.AddHours(-4) } };
        var decided = t.Decision.DecidedAt;
        var sym = "symbol-" + t.Symbol;
        var range = new TrainingRange(decided.AddDays(-30), decided.AddDays(-1));
        ModelVersionRecord Version(string slot, string version) => new(slot, version, decided, range, new Dictionary<string, double>(), "/m/" + version, 1);
        RegistryEvent[] registry =
        [
            new VersionRegistered(Version("xgb", "x1"), decided.AddDays(-1)),
            new VersionPromoted("xgb", "x1", null, "first version of the slot", decided.AddDays(-1)),
            new VersionRegistered(Version("lgbm", "l1"), decided.AddDays(-1)),
            new VersionPromoted("lgbm", "l1", null, "first version of the slot", decided.AddDays(-1)),
            new VersionRegistered(Version("lgbm", "l2"), decided.AddHours(-5)),
            // Shares at the edges make the split certain: every lgbm decision to its challenger, every nhits one to its champion.
            new AbTestStarted("lgbm", "l2", "l1", AbTestSettings.Seed with { Share = 1.0 }, "approved by the gate", decided.AddHours(-5)),
            new VersionRegistered(Version("nhits", "n1"), decided.AddDays(-1)),
            new VersionPromoted("nhits", "n1", null, "first version of the slot", decided.AddDays(-1)),
            new VersionRegistered(Version("nhits", "n2"), decided.AddHours(-5)),
            new AbTestStarted("nhits", "n2", "n1", AbTestSettings.Seed with { Share = 1e-12 }, "approved by the gate", decided.AddHours(-5)),
            new VersionRegistered(Version("xgb", "x2"), decided.AddHours(1)),
            new VersionPromoted("xgb", "x2", "x1", "operator", decided.AddHours(1)),
        ];
        foreach (var (e, i) in registry.Select((e, i) => (e, i))) auditor.Record("model-registry", i + 1, e);
        auditor.Record(Account, 1, new EmergencyTriggered("paper", decided.AddHours(-2), EssMode.Normal, EssMode.Cautious, -0.06, true, "drawdown 6%", false));
        auditor.Symbol(sym, 1, new RegimeChanged(t.Symbol, 1, decided.AddHours(-3), MarketRegime.Ranging, MarketRegime.TrendingUp, 1.2, 0.5, 0.01));
        var open = new PendingOrder(t.Symbol, decided, OrderPurpose.Open, TradeAction.Buy, t.Quantity, 100, 200, t.Decision);
        auditor.Symbol(sym, 2, new OrderPlaced(t.Symbol, 2, decided, open));
        auditor.Symbol(sym, 3, new FillExecuted(t.Symbol, 3, t.EntryTime, new Fill(t.Symbol, t.EntryTime, TradeAction.Buy, t.EntryPrice, t.EntryPrice, t.Quantity, 0.1, FillReasons.Entry)));
        auditor.Symbol(sym, 4, new FillExecuted(t.Symbol, 4, t.ExitTime, new Fill(t.Symbol, t.ExitTime, TradeAction.Sell, t.ExitPrice, t.ExitPrice, t.Quantity, 0.1, FillReasons.StopLoss)));
        auditor.Symbol(sym, 4, new TradeClosed(t.Symbol, 4, t.ExitTime, t));
        var next = t.ExitTime.AddHours(2);
        auditor.Symbol(sym, 5, new FillExecuted(t.Symbol, 5, next, new Fill(t.Symbol, next, TradeAction.Buy, t.EntryPrice, t.EntryPrice, t.Quantity, 0.1, FillReasons.Entry)));
        auditor.Settled(Account, 2, t.TradeId, t.Symbol, t.ExitTime, t.Pnl, 10_060);

        var x = auditor.Report(_ => null, _ => true).Explain(t.TradeId)!;

        Assert.Equal([new ServedVersion("lgbm", "l1", "l2", 1.0, "l2"), new ServedVersion("nhits", "n1", "n2", 1e-12, "n1"), new ServedVersion("xgb", "x1", null, null, "x1")],
            x.Served);
        Assert.Equal(("CAUTIOUS", "TrendingUp"), (x.EmergencyMode, x.Regime));
        Assert.Equal(["order-placed", "fill", "fill", "trade-closed", "trade-settled"], x.Story.Select(e => e.Kind));
        // The order holds distances from a fill price not known yet, and says so.
        Assert.StartsWith(FormattableString.Invariant($"open Buy {t.Quantity:0.######} (stop 100 below the fill, target 200 above) on ensemble Buy"), x.Story[0].Detail);
        Assert.Equal(t.Decision.FeatureNames, x.Features.Select(f => f.Name));
        Assert.Null(auditor.Report(_ => null, _ => true).Explain("NO-SUCH-TRADE"));
    }

    [Fact]
    public void A_short_order_places_its_stop_above_the_fill_and_its_target_below()
    {
        var auditor = new JournalAuditor();
        var t = Trade(2);
        var order = new PendingOrder(t.Symbol, t.Decision.DecidedAt, OrderPurpose.Open, TradeAction.Sell, 0.5, 3, 6, t.Decision);
        auditor.Symbol("symbol-" + t.Symbol, 1, new OrderPlaced(t.Symbol, 1, t.Decision.DecidedAt, order));

        var placed = Report(auditor).Trail.Single(e => e.Kind == "order-placed");
        Assert.StartsWith("open Sell 0.5 (stop 3 above the fill, target 6 below) on ensemble", placed.Detail);
    }

    [Fact]
    public void An_ab_trade_counted_on_the_arm_its_decision_did_not_go_to_fails()
    {
        var t = Trade(1);
        var auditor = Consistent(t);
        var at = t.Decision.DecidedAt.AddDays(-1);
        var range = new TrainingRange(at.AddDays(-30), at);
        auditor.Record("model-registry", 1, new VersionRegistered(new ModelVersionRecord("xgb", "x1", at, range, new Dictionary<string, double>(), "/m/x1", 1), at));
        auditor.Record("model-registry", 2, new VersionPromoted("xgb", "x1", null, "first version of the slot", at));
        auditor.Record("model-registry", 3, new VersionRegistered(new ModelVersionRecord("xgb", "x2", at, range, new Dictionary<string, double>(), "/m/x2", 1), at));
        auditor.Record("model-registry", 4, new AbTestStarted("xgb", "x2", "x1", AbTestSettings.Seed with { Share = 1.0 }, "approved by the gate", at));
        auditor.Record("model-registry", 5, new AbTestTradeRecorded("xgb", "x2", t.TradeId, ToChallenger: true, 1.0, t.ExitTime));
        Assert.Equal(CheckOutcome.Passed, CheckOf(Report(auditor), "ab-arms").Outcome);

        auditor.Record("model-registry", 6, new AbTestTradeRecorded("xgb", "x2", t.TradeId, ToChallenger: false, 1.0, t.ExitTime));
        var check = CheckOf(Report(auditor), "ab-arms");
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains("xgb/x2: TEST-0001 counted on the champion's arm, but its decision went to the other", check.Detail);
    }
}

