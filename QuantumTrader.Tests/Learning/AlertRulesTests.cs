using QuantumTrader.Models;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning;

/// <summary>Which journaled decisions the auditor marks as alerts, and how urgent each is.</summary>
public class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = LearningTrades.Start;

    private static IDomainEvent Ess(EssTransition t) => (IDomainEvent)t.ToEvent("paper");

    [Fact]
    public void The_emergency_stop_alerts_by_how_far_it_tightened_and_a_recovery_is_for_the_record()
    {
        var auditor = new JournalAuditor();
        auditor.Record("account-paper", 1, Ess(new EssTransition(T0, EssMode.Normal, EssMode.Cautious, -2.02, true,
            "drawdown -2.02% is below the CAUTIOUS threshold -2.00%", false)));
        auditor.Record("account-paper", 2, Ess(new EssTransition(T0.AddHours(1), EssMode.Cautious, EssMode.Emergency, -10.5, false,
            "drawdown -10.50% is below the EMERGENCY threshold -10.00%", false)));
        auditor.Record("account-paper", 3, Ess(new EssTransition(T0.AddHours(9), EssMode.Emergency, EssMode.Protective, -9.2, true,
            "recovered", false)));

        Assert.Equal([AlertSeverity.Warning, AlertSeverity.Critical, AlertSeverity.Info], auditor.Trail.Select(e => e.Severity));
        Assert.StartsWith("NORMAL -> CAUTIOUS at drawdown -2.02%: ", auditor.Trail[0].Detail);
    }

    [Fact]
    public void A_drift_alarm_is_a_warning_a_drift_warning_and_a_crash_regime_are_info_and_fills_are_no_alerts()
    {
        var auditor = new JournalAuditor();
        var alarm = new DriftAlarm("page-hinkley", [new DriftBreach("mean-R drop", 22.5, 21)], [new DriftFigure("mean R", -0.4)]);
        auditor.Record("model-supervisor", 1, new ModelDriftDetected(ModelSlots.Xgb, 40, T0, DriftSeverity.Drift, alarm));
        auditor.Record("model-supervisor", 2, new ModelDriftDetected(ModelSlots.Xgb, 41, T0, DriftSeverity.Warning, alarm with { Detector = "consecutive-losses" }));
        auditor.Symbol("symbol-BTCUSDT", 1, new RegimeChanged("BTCUSDT", 1, T0, MarketRegime.Ranging, MarketRegime.Crash, 3.1, 2.0, -0.09));
        auditor.Symbol("symbol-BTCUSDT", 2, new RegimeChanged("BTCUSDT", 2, T0.AddHours(1), MarketRegime.Crash, MarketRegime.HighVolatility, 3.4, 2.2, -0.01));
        auditor.Symbol("symbol-BTCUSDT", 3, new FillExecuted("BTCUSDT", 3, T0.AddHours(2),
            new Fill("BTCUSDT", T0.AddHours(2), TradeAction.Buy, 100, 100, 1, 0.1, FillReasons.Entry)));

        Assert.Equal(
            [("drift-alarm", AlertSeverity.Warning), ("drift-warning", AlertSeverity.Info), ("regime-changed", AlertSeverity.Info),
                ("regime-changed", (AlertSeverity?)null), ("fill", null)],
            auditor.Trail.Select(e => (e.Kind, e.Severity)));
    }

    [Fact]
    public void A_tripped_circuit_breaker_is_critical_its_rollback_a_warning_and_registering_a_version_no_alert()
    {
        var book = ModelRegistryBook.Empty;
        var events = new List<IDomainEvent>();
        void Do(RegistryCommand c)
        {
            var result = book.Process(c);
            events.AddRange(result.Events);
            book = result.Events.Aggregate(book, (b, e) => b.Apply(e));
        }
        var range = new TrainingRange(T0.AddDays(-30), T0.AddDays(-1));
        var metrics = new Dictionary<string, double> { ["accuracy"] = 0.54 };
        foreach (var v in new[] { "xgb-v1", "xgb-v2" })
            Do(new RegisterVersion(ModelSlots.Xgb, v, range, metrics, $"/state/models/xgb/{v}.json", 70_000, T0.AddDays(-1)));
        Do(new PromoteVersion(ModelSlots.Xgb, "xgb-v1", "first version of the slot", T0.AddDays(-1)));
        Do(new PromoteVersion(ModelSlots.Xgb, "xgb-v2", "operator", T0));
        for (var i = 1; i <= 10; i++)
        {
            var (next, fed) = book.Feed(LearningTrades.BothBuy(i, -1, T0));
            book = next;
            events.AddRange(fed);
        }

        var auditor = new JournalAuditor();
        foreach (var (e, i) in events.Select((e, i) => (e, i))) auditor.Record("model-registry", i + 1, e);

        AlertSeverity? Of(string kind) => auditor.Trail.First(e => e.Kind == kind).Severity;
        Assert.Equal(AlertSeverity.Critical, Of("breaker-tripped"));
        Assert.Equal(AlertSeverity.Warning, Of("version-rolled-back"));
        Assert.Equal(AlertSeverity.Info, Of("version-promoted"));
        Assert.Null(Of("version-registered"));
        Assert.Null(Of("breaker-opened"));
    }

    [Fact]
    public void Quiet_data_and_missing_bars_are_warnings_the_datas_return_info_and_a_replay_compares_none()
    {
        var auditor = new JournalAuditor();
        auditor.Record("alert-feed", 1, new DataStaleObserved(T0, 190.5, 180, ["/data/BTCUSDT-1h.csv"]));
        auditor.Record("alert-feed", 2, new DataResumed(T0, 0.5, ["/data/BTCUSDT-1h.csv"]));
        auditor.Record("alert-feed", 3, new DataGap("BTCUSDT", T0, T0.AddHours(4), 3, "BTCUSDT-1h.csv", 3817));

        Assert.Equal([("data-stale", AlertSeverity.Warning), ("data-resumed", AlertSeverity.Info), ("data-gap", AlertSeverity.Warning)],
            auditor.Trail.Select(e => (e.Kind, (AlertSeverity?)e.Severity)));
        Assert.StartsWith("no new complete row for 190.5 min of wall time (limit 180 min) in /data/BTCUSDT-1h.csv", auditor.Trail[0].Detail);
        Assert.StartsWith("new rows after 30 s without any", auditor.Trail[1].Detail);
        Assert.Equal(("BTCUSDT", T0.AddHours(4)), (auditor.Trail[2].Subject, auditor.Trail[2].Time));
        Assert.StartsWith("no bar for 3 interval(s) after ", auditor.Trail[2].Detail);
        Assert.Contains("(BTCUSDT-1h.csv:3817)", auditor.Trail[2].Detail);
        Assert.True(ReplayComparison.Of(auditor.Trail, []).Identical);
    }

    [Fact]
    public void Alerts_are_numbered_in_trail_order_counting_only_decisions_with_a_severity()
    {
        AuditEntry E(int hour, string kind, AlertSeverity? severity) =>
            new AuditEntry(T0.AddHours(hour), AuditArea.Risk, kind, "account-paper", hour, "paper", "d") { Severity = severity };
        AuditEntry[] trail = [E(1, "fill", null), E(2, "emergency-triggered", AlertSeverity.Warning), E(3, "fill", null), E(4, "emergency-recovered", AlertSeverity.Info)];

        Assert.Equal([(1L, "emergency-triggered"), (2L, "emergency-recovered")], Alert.Numbered(trail).Select(a => (a.Number, a.Entry.Kind)));
        Assert.Equal([(8L, AlertSeverity.Info)], Alert.Numbered(trail.Skip(3), after: 7).Select(a => (a.Number, a.Severity)));
    }

    [Fact]
    public void The_bar_interval_is_the_median_gap_between_a_symbols_bars()
    {
        Bar B(string symbol, int minutes) => new(symbol, T0.AddMinutes(minutes), 1, 1, 1, 1, 1);
        Assert.Equal(TimeSpan.FromHours(1), DataFeed.BarInterval([B("A", 0), B("A", 60), B("A", 120), B("A", 300), B("B", 30), B("B", 90)]));
        Assert.Null(DataFeed.BarInterval([B("A", 0), B("B", 60)]));
    }

    [Theory]
    [InlineData("warning", true, AlertSeverity.Warning)]
    [InlineData("CRITICAL", true, AlertSeverity.Critical)]
    [InlineData("Info", true, AlertSeverity.Info)]
    [InlineData("2", false, AlertSeverity.Info)]
    [InlineData("loud", false, AlertSeverity.Info)]
    [InlineData(null, false, AlertSeverity.Info)]
    public void A_least_severity_is_read_by_name_only(string? text, bool read, AlertSeverity expected)
    {
        Assert.Equal(read, AlertRules.TryParse(text, out var severity));
        if (read) Assert.Equal(expected, severity);
    }
}
