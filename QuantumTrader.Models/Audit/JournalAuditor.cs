using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Models.Audit;

public enum AuditArea { Money, Risk, Models }

/// <summary>Pending: not wrong, not finished (a trade the trade feed has not delivered yet); a later start completes it.</summary>
public enum CheckOutcome { Passed, Pending, Failed }

/// <summary>One journaled decision that changed money, risk or the models, with why; Source and SequenceNr locate its journal row.</summary>
public sealed record AuditEntry(DateTimeOffset Time, AuditArea Area, string Kind, string Source, long SequenceNr, string Subject, string Detail)
{
    /// <summary>How urgently operators are told about this decision (<see cref="AlertRules"/>); null when it is not an alert.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AlertSeverity? Severity { get; init; }

    /// <summary>When an operator gave the command, by the wall clock (<see cref="Learning.RegistryEvent.GivenAt"/>); null otherwise. A replay gives it later, so it is not compared.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? GivenAt { get; init; }

    /// <summary>The operator who gave the command (<see cref="OperatorAccess"/>); null for the node's own decisions and older journals.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Operator { get; init; }
}

public sealed record AuditCheck(string Name, CheckOutcome Outcome, string Detail);

public sealed record AuditKindCount(AuditArea Area, string Kind, int Count, DateTimeOffset First, DateTimeOffset Last);

/// <summary>
/// What served a slot when a trade's entry was decided: the champion, an A/B challenger with its share of decisions, and
/// <see cref="Voted"/>, the one of them whose vote the decision record holds (the A/B split is a function of the bar).
/// </summary>
public sealed record ServedVersion(string Slot, string? Champion, string? Challenger, double? ChallengerShare, string? Voted);

public sealed record FeatureValue(string Name, double Value);

/// <summary>
/// One trade as the journal tells it: its decision record's features, what served each model slot, the emergency-stop
/// mode and the symbol's regime when the entry was decided, and every journaled step from the entry order to the settlement.
/// </summary>
public sealed record TradeExplanation(
    ClosedTrade Trade, IReadOnlyList<FeatureValue> Features, IReadOnlyList<ServedVersion> Served, string EmergencyMode, string? Regime,
    IReadOnlyList<AuditEntry> Story);

public sealed record AuditReport(int Rows, int Entities, IReadOnlyList<AuditCheck> Checks, IReadOnlyList<AuditEntry> Trail, double? StartingEquity, double? FinalEquity)
{
    /// <summary>The story of one closed trade, or null when the journal closed no such trade.</summary>
    [JsonIgnore] public Func<string, TradeExplanation?> Explain { get; init; } = _ => null;

    /// <summary>The operators' limit changes and retraining requests, in journal order, as journaled (a replay repeats them).</summary>
    [JsonIgnore] public IReadOnlyList<OperatorCommand> OperatorCommands { get; init; } = [];

    public bool Passed => Checks.All(c => c.Outcome != CheckOutcome.Failed);

    public IReadOnlyList<AuditKindCount> Kinds => Trail.GroupBy(e => (e.Area, e.Kind))
        .Select(g => new AuditKindCount(g.Key.Area, g.Key.Kind, g.Count(), g.Min(e => e.Time), g.Max(e => e.Time)))
        .OrderBy(k => k.Area).ThenBy(k => k.Kind, StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Reads a journal's events in journal order and answers two questions: what was decided and why (the trail), and
/// whether anything was lost or is inconsistent (the checks). Numbers are compared as they were journaled; a check that
/// fails names what is missing, so an operator can find the row.
/// </summary>
public sealed class JournalAuditor
{
    /// <summary>The trail kind of a drift check whose features or regimes newly drifted (seed 004), a warning.</summary>
    public const string MarketDrift = "market-drift";

    /// <summary>The trail kind of a drift check where only a model's calls newly changed pattern, for the record.</summary>
    public const string PredictionDrift = "prediction-drift";

    private const double MoneyTolerance = 1e-6;
    private const int Shown = 5;

    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string Symbol, DriftKind Kind)>> _drifted = new(StringComparer.Ordinal);
    private readonly List<string> _gaps = [];
    private readonly List<AuditEntry> _trail = [];
    private int _rows;

    private readonly Dictionary<string, ClosedTrade> _closed = new(StringComparer.Ordinal);
    private readonly List<string> _closedTwice = [];
    private readonly Dictionary<string, int> _entryFills = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _closes = new(StringComparer.Ordinal);

    private readonly List<(string TradeId, double Pnl, double EquityAfter)> _settlements = [];
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _supervised = new(StringComparer.Ordinal);
    private readonly List<string> _supervisedTwice = [];
    private readonly HashSet<string> _essSeen = new(StringComparer.Ordinal);
    private readonly List<string> _essTwice = [];
    private readonly Dictionary<string, DateTimeOffset> _lastMark = new(StringComparer.Ordinal);
    private readonly List<string> _markProblems = [];
    private int _marks;
    private readonly Dictionary<string, HashSet<string>> _outcomes = new(StringComparer.Ordinal);
    private readonly List<string> _outcomesTwice = [];

    private readonly List<string> _weightProblems = [];
    private int _weightSets;
    private ModelRegistryState _registry = ModelRegistryState.Empty;
    private readonly List<string> _registryProblems = [];
    private readonly List<SizingPolicyUpdated> _policies = [];
    private readonly List<OperatorCommand> _commands = [];
    private readonly List<(SymbolEvent Event, AuditEntry Entry)> _symbolSteps = [];
    private readonly List<(string TradeId, AuditEntry Entry)> _settlementSteps = [];
    private readonly List<IEssModeChanged> _essChanges = [];
    private readonly List<AbTestTradeRecorded> _abTrades = [];

    /// <summary>The decisions read so far, in journal order.</summary>
    public IReadOnlyList<AuditEntry> Trail => _trail;

    /// <summary>Every journal row, in journal order: a persistence id's sequence numbers must run 1, 2, 3... without a gap.</summary>
    public void Row(string persistenceId, long sequenceNr)
    {
        _rows++;
        var last = _lastSequence.GetValueOrDefault(persistenceId);
        if (sequenceNr != last + 1)
            _gaps.Add(sequenceNr > last + 1
                ? $"{persistenceId}: {Range(last + 1, sequenceNr - 1)} missing"
                : $"{persistenceId}: #{sequenceNr} after #{last}");
        _lastSequence[persistenceId] = Math.Max(last, sequenceNr);
    }

    private static string Range(long from, long to) => from == to ? $"#{from}" : $"#{from}..#{to}";

    public void Symbol(string source, long sequenceNr, SymbolEvent e)
    {
        var before = _trail.Count;
        SymbolEntry(source, sequenceNr, e);
        if (_trail.Count > before) _symbolSteps.Add((e, _trail[^1]));
    }

    private void SymbolEntry(string source, long sequenceNr, SymbolEvent e)
    {
        switch (e)
        {
            case OrderPlaced o:
                Add(o.Time, AuditArea.Money, "order-placed", source, sequenceNr, o.Symbol, DescribeOrder(o.Order));
                break;
            case FillExecuted f:
                if (f.Fill.Reason == FillReasons.Entry) _entryFills[f.Symbol] = _entryFills.GetValueOrDefault(f.Symbol) + 1;
                Add(f.Time, AuditArea.Money, "fill", source, sequenceNr, f.Symbol,
                    Text($"{f.Fill.Direction} {f.Fill.Quantity:0.######} at {f.Fill.Price:0.####} (market {f.Fill.ReferencePrice:0.####}, fee {f.Fill.Fee:0.####}): {f.Fill.Reason}"));
                break;
            case TradeClosed c:
                if (!_closed.TryAdd(c.Trade.TradeId, c.Trade)) _closedTwice.Add(c.Trade.TradeId);
                _closes[c.Symbol] = _closes.GetValueOrDefault(c.Symbol) + 1;
                Add(c.Time, AuditArea.Money, "trade-closed", source, sequenceNr, c.Symbol,
                    Text($"{c.Trade.TradeId} {c.Trade.Side} {c.Trade.EntryTime:yyyy-MM-dd HH:mm} .. {c.Trade.ExitTime:yyyy-MM-dd HH:mm}: pnl {c.Trade.Pnl:0.00}, R {c.Trade.RMultiple:0.00}, exit {c.Trade.ExitReason}; entered on {Verdict(c.Trade.Decision)}"));
                break;
            case SignalRejected r:
                Add(r.Time, AuditArea.Money, "signal-rejected", source, sequenceNr, r.Symbol, $"{r.Action} refused by {r.Stage}: {r.Reason}");
                break;
            case RegimeChanged g:
                Add(g.Time, AuditArea.Risk, "regime-changed", source, sequenceNr, g.Symbol,
                    Text($"{g.From} -> {g.To} (ATR {g.AtrPercent:0.###}%, realised volatility {g.RealisedVolatility:0.####}, 5-bar return {g.Return5:0.####})"),
                    AlertRules.Regime(g.To));
                break;
        }
    }

    /// <summary>The account settled a closed trade: equity moved by its PnL.</summary>
    public void Settled(string source, long sequenceNr, string tradeId, string symbol, DateTimeOffset time, double pnl, double equityAfter)
    {
        _settlements.Add((tradeId, pnl, equityAfter));
        Add(time, AuditArea.Money, "trade-settled", source, sequenceNr, symbol, Text($"{tradeId}: pnl {pnl:0.00}, equity {equityAfter:0.00}"));
        _settlementSteps.Add((tradeId, _trail[^1]));
    }

    /// <summary>The trade feed delivered these closed trades to the models, the account, the supervisor and the circuit breakers.</summary>
    public void Delivered(IEnumerable<string> tradeIds) => _delivered.UnionWith(tradeIds);

    /// <summary>A model's live performance took these trades' outcomes.</summary>
    public void OutcomesRecorded(string modelId, IEnumerable<string> tradeIds)
    {
        if (!_outcomes.TryGetValue(modelId, out var seen)) _outcomes[modelId] = seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in tradeIds)
            if (!seen.Add(id)) _outcomesTwice.Add($"{modelId}: {id}");
    }

    /// <summary>An event of the supervisor, the registry, the account's emergency stop, the policy store or the sizing learner.</summary>
    public void Record(string source, long sequenceNr, IDomainEvent e)
    {
        switch (e)
        {
            case TradeSupervised t:
                if (!_supervised.Add(t.TradeId)) _supervisedTwice.Add(t.TradeId);
                break;
            case EssTradesSettled s:
                foreach (var t in s.Trades)
                    if (!_essSeen.Add(t.TradeId)) _essTwice.Add(t.TradeId);
                foreach (var m in s.Marks)
                {
                    _marks++;
                    if (_lastMark.TryGetValue(s.AccountId, out var last) && m.Time <= last)
                        _markProblems.Add($"{s.AccountId}: mark at {m.Time:O} after one at {last:O}");
                    _lastMark[s.AccountId] = m.Time;
                }
                break;
            case AbTestTradeRecorded a:
                _abTrades.Add(a);
                break;
            case ModelDriftDetected d:
                Add(d.Time, AuditArea.Models, "drift-" + (d.Severity == DriftSeverity.Drift ? "alarm" : "warning"), source, sequenceNr, d.ModelId,
                    $"after trade {d.TradeIndex}: {d.Alarm.Describe()}");
                break;
            case WeightsRebalanced w:
                _weightSets++;
                CheckWeights(w);
                Add(w.Time, AuditArea.Models, "weights-rebalanced", source, sequenceNr, "ensemble", $"{Weights(w.Overall)} (was {Weights(w.PreviousOverall)}): {w.Reason}");
                break;
            case WeightsRefused w:
                Add(w.Time, AuditArea.Models, "weights-refused", source, sequenceNr, "ensemble", $"{w.Reason}; proposed for: {w.ProposalReason}");
                break;
            case RegistryEvent r:
                Registry(source, sequenceNr, r);
                break;
            case CircuitBreakerOpened o:
                Add(o.Breaker.OpenedAt, AuditArea.Models, "breaker-opened", source, sequenceNr, $"{o.Breaker.Slot}/{o.Breaker.NewVersion}",
                    $"watching the promotion of {o.Breaker.NewVersion} over {o.Breaker.PreviousVersion}");
                break;
            case CircuitBreakerTripped t:
                Add(t.Trip.Time, AuditArea.Models, "breaker-tripped", source, sequenceNr, $"{t.Trip.Slot}/{t.Trip.NewVersion}",
                    Text($"{t.Trip.Reason} after {t.Trip.Trades} trades (average R {t.Trip.AverageR:0.###}, win rate {t.Trip.WinRate:0.###}); ") +
                    (t.RollbackRefused is { } refused ? $"rollback refused: {refused}" : $"rolled back to {t.Trip.PreviousVersion}"));
                break;
            case CircuitBreakerClosed c:
                Add(c.Time, AuditArea.Models, "breaker-closed", source, sequenceNr, $"{c.Slot}/{c.Version}", c.Reason);
                break;
            case EmergencyTriggered t:
                _essChanges.Add(t);
                Add(t.Time, AuditArea.Risk, "emergency-triggered", source, sequenceNr, t.AccountId,
                    Text($"{t.OldMode.Label()} -> {t.NewMode.Label()} at drawdown {t.Drawdown:0.00}%{(t.Manual ? " (operator)" : "")}: {t.Reason}"),
                    AlertRules.Tightened(t.NewMode));
                break;
            case EmergencyRecovered r:
                _essChanges.Add(r);
                Add(r.Time, AuditArea.Risk, "emergency-recovered", source, sequenceNr, r.AccountId,
                    Text($"{r.OldMode.Label()} -> {r.NewMode.Label()} at drawdown {r.Drawdown:0.00}%{(r.Manual ? " (operator)" : "")}: {r.Reason}"));
                break;
            case EssManualTrigger m:
                Add(m.Time, AuditArea.Risk, "emergency-manual-trigger", source, sequenceNr, m.AccountId, m.Reason, by: m.Operator);
                break;
            case EssManualReset m:
                Add(m.Time, AuditArea.Risk, "emergency-manual-reset", source, sequenceNr, m.AccountId, m.Reason, by: m.Operator);
                break;
            case RiskLimitsChanged l:
                _commands.Add(new OperatorCommand(l.Time, l));
                Add(l.Time, AuditArea.Risk, "risk-limits-changed", source, sequenceNr, l.Mode.Label(), $"{l.Previous} -> {l.Current}: {l.Reason}", by: l.Operator);
                break;
            case ServingFailuresObserved f:
                Add(f.Time, AuditArea.Models, ReplayComparison.ModelFailing, source, sequenceNr, $"{f.ModelId}/{f.Version}",
                    $"{f.Failures} failure(s) and {f.Timeouts} timeout(s) since the last look, each vote a fallback HOLD; the last: {f.LastError}");
                break;
            case DataStaleObserved d:
                Add(d.LastBar, AuditArea.Risk, ReplayComparison.DataStale, source, sequenceNr, "data",
                    $"no new complete row for {Duration(d.QuietMinutes)} of wall time (limit {Duration(d.StaleAfterMinutes)}) in {string.Join(", ", d.Paths)}: the node decides nothing new until rows come");
                break;
            case DataGap g:
                Add(g.Before, AuditArea.Risk, ReplayComparison.DataGap, source, sequenceNr, g.Symbol,
                    $"no bar for {g.MissingBars} interval(s) after {g.After.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({g.File}:{g.Line}): the bars on both sides were decided as consecutive");
                break;
            case DataResumed d:
                Add(d.LastBar, AuditArea.Risk, ReplayComparison.DataResumed, source, sequenceNr, "data",
                    $"new rows after {Duration(d.QuietMinutes)} without any in {string.Join(", ", d.Paths)}");
                break;
            case SizingPolicyUpdated p:
                _policies.Add(p);
                Add(p.Time, AuditArea.Models, "sizing-policy-updated", source, sequenceNr, "sizing",
                    Text($"policy v{p.Version} from {p.Experiences} experiences (mean reward {p.MeanReward:0.####}, KL {p.ApproxKl:0.####}) at {p.Checkpoint}"));
                break;
        }
    }

    private void Registry(string source, long sequenceNr, RegistryEvent r)
    {
        var subject = $"{r.Slot}/{r.Version}";
        if (r is not VersionRegistered && r is not RetrainingRequested && _registry.Find(r.Slot, r.Version) is null)
        {
            _registryProblems.Add($"{r.GetType().Name} of {subject} (row {source} #{sequenceNr}) names a version never registered");
            return;
        }
        if (r is VersionRegistered reg && _registry.Find(r.Slot, r.Version) is not null)
        {
            _registryProblems.Add($"{subject} registered twice (row {source} #{sequenceNr})");
            return;
        }
        if (r is VersionPromoted or VersionRolledBack && _registry.Find(r.Slot, r.Version)!.Deleted)
            _registryProblems.Add($"{subject} made champion after its artifact was deleted (row {source} #{sequenceNr})");
        _registry = _registry.Apply(r);
        if (r is RetrainingRequested or VersionPromoted { ByOperator: true } or VersionRolledBack { ByOperator: true } or AbTestStarted { ByOperator: true }
            or AbTestConcluded { StoppedBecause: not null } or VersionMarkedImportant or CleanupApproved or PromotionDeclined)
            _commands.Add(new OperatorCommand(r.Time, r, r.GivenAt));

        var (kind, detail) = r switch
        {
            VersionRegistered v => ("version-registered", Text($"trained on {v.Record.TrainingData.From:yyyy-MM-dd} .. {v.Record.TrainingData.To:yyyy-MM-dd}; {Metrics(v.Record.Metrics)}")),
            ShadowTestStarted s => ("shadow-test-started", $"beside champion {s.Champion}: {s.Trigger}"),
            PromotionGateDecided d => ("promotion-gate", d.Report.Summary),
            AbTestStarted a => ("ab-test-started", Text($"{a.Settings.Share:P0} of decisions against {a.Champion}: {a.Reason}")),
            AbTestConcluded c => ("ab-test-concluded", Text($"{(c.Switch ? "switch" : "keep champion")} after {c.ChallengerArm.Trades} challenger / {c.ChampionArm.Trades} champion trades: {c.Verdict}")),
            VersionPromoted p => ("version-promoted", $"replacing {p.PreviousChampion ?? "nothing"}: {p.Reason}"),
            VersionRolledBack b => ("version-rolled-back", $"from {b.FromVersion}{(b.MarkedDegraded ? " (marked degraded)" : "")}: {b.Reason}"),
            VersionMarkedDegraded d => ("version-degraded", d.Reason),
            VersionMarkedImportant i => ("version-important", i.Important ? "kept whatever the cleanup rules say" : "no longer kept"),
            CleanupApproved c => ("cleanup-approved", $"by {c.ApprovedBy}"),
            VersionDeleted d => ("version-deleted", $"{d.BytesFreed} bytes freed"),
            PromotionAwaitingReview a => ("promotion-awaiting-review", $"switch from {a.Champion}? awaits an operator's promote or decline: {a.Recommendation}"),
            PromotionDeclined d => ("promotion-declined", $"the champion stays: {d.Reason}"),
            RetrainingRequested q => ("retraining-requested", q.Reason),
            ErrorsRecorded e => ("errors-recorded", $"{e.Errors.Count} wrong calls of the champion kept for error replay"),
            MarketDriftChecked m => (DriftKindOf(m), m.Summary),
            PromotionReviewOverdue o => ("promotion-review-overdue",
                Text($"switch from the champion? awaits an operator's promote or decline since {o.Since:yyyy-MM-dd HH:mm} ({(o.Time - o.Since).TotalHours:0} h); {o.Slot} is not retrained until then")),
            _ => ("registry", r.GetType().Name),
        };
        Add(r.Time, AuditArea.Models, kind, source, sequenceNr, subject, detail, givenAt: r.GivenAt, by: r.Operator);
    }

    /// <summary>
    /// The trail kind of a drift check. Drift that holds is journaled at every check and alerted once: "market-drift"
    /// when a symbol's features or regimes newly drifted (the market left what the model learned from), "prediction-drift"
    /// when only a model's calls newly changed pattern, "market-drift-checked" otherwise.
    /// </summary>
    private string DriftKindOf(MarketDriftChecked check)
    {
        var drifted = check.Measures.Where(m => m.Detected).Select(m => (m.Symbol, m.Kind)).ToHashSet();
        var before = _drifted.GetValueOrDefault(check.Slot) ?? [];
        _drifted[check.Slot] = drifted;
        var fresh = drifted.Except(before).ToArray();
        return fresh.Any(d => d.Kind != DriftKind.Prediction) ? MarketDrift : fresh.Length > 0 ? PredictionDrift : "market-drift-checked";
    }

    private void CheckWeights(WeightsRebalanced w)
    {
        if (WeightRebalancer.Validate(w.Overall) is { } overall) _weightProblems.Add(Text($"{w.Time:yyyy-MM-dd HH:mm} overall: {overall}"));
        foreach (var (regime, set) in w.ByRegime)
            if (WeightRebalancer.Validate(set) is { } problem) _weightProblems.Add(Text($"{w.Time:yyyy-MM-dd HH:mm} regime {regime}: {problem}"));
    }

    /// <summary>The story of closed trade <paramref name="tradeId"/>, or null when the journal closed no such trade.</summary>
    public TradeExplanation? Explain(string tradeId)
    {
        if (!_closed.TryGetValue(tradeId, out var trade)) return null;
        var decidedAt = trade.Decision.DecidedAt;
        var history = _registry.History;
        var served = _registry.Versions.Select(v => v.Slot).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(slot =>
        {
            var test = AbTestAt(history, slot, decidedAt);
            var champion = ModelRegistryState.ChampionAt(history, slot, decidedAt);
            var voted = test is not null && AbSplit.ToChallenger(slot, test.Version, trade.Symbol, decidedAt, test.Settings.Share) ? test.Version : champion;
            return new ServedVersion(slot, champion, test?.Version, test?.Settings.Share, voted);
        }).ToArray();
        var mode = _essChanges.LastOrDefault(c => c.Time <= decidedAt)?.NewMode ?? EssMode.Normal;
        var regime = _symbolSteps.Select(s => s.Event).OfType<RegimeChanged>().LastOrDefault(r => r.Symbol == trade.Symbol && r.Time <= decidedAt)?.To.ToString();
        var story = _symbolSteps.Where(s => s.Event.Symbol == trade.Symbol && Belongs(s.Event, trade)).Select(s => s.Entry)
            .Concat(_settlementSteps.Where(s => s.TradeId == tradeId).Select(s => s.Entry))
            .OrderBy(e => e.Time).ToArray();
        var features = trade.Decision.FeatureNames.Zip(trade.Decision.FeatureValues, (n, v) => new FeatureValue(n, v)).ToArray();
        return new TradeExplanation(trade, features, served, mode.Label(), regime, story);
    }

    /// <summary>The entry order, its fill, the exit order, the exit fill and the close of <paramref name="trade"/>.</summary>
    private static bool Belongs(SymbolEvent e, ClosedTrade trade) => e switch
    {
        OrderPlaced o => o.Order.Purpose == OrderPurpose.Open
            ? o.Order.DecidedAt == trade.Decision.DecidedAt
            : o.Order.DecidedAt >= trade.EntryTime && o.Order.DecidedAt < trade.ExitTime,
        FillExecuted f => f.Fill.Reason == FillReasons.Entry ? f.Time == trade.EntryTime : f.Time == trade.ExitTime && f.Fill.Reason == trade.ExitReason,
        TradeClosed c => c.Trade.TradeId == trade.TradeId,
        _ => false,
    };

    private static AbTestStarted? AbTestAt(IReadOnlyList<RegistryEvent> history, string slot, DateTimeOffset time)
    {
        AbTestStarted? running = null;
        foreach (var e in history.Where(e => e.Slot == slot && e.Time <= time))
        {
            if (e is AbTestStarted a) running = a;
            else if (e is AbTestConcluded or VersionPromoted or VersionRolledBack) running = null;
        }
        return running;
    }

    /// <summary>
    /// The checks over everything read. <paramref name="artifactProblem"/> opens a kept version's artifact (null when it
    /// opens); <paramref name="checkpointExists"/> tells whether a sizing policy checkpoint is on disk.
    /// </summary>
    public AuditReport Report(Func<ModelVersionRecord, string?> artifactProblem, Func<string, bool> checkpointExists)
    {
        var checks = new List<AuditCheck>
        {
            Check("journal-sequence", _gaps, $"{_lastSequence.Count} entities, every one numbered from #1 without a gap",
                g => $"{g.Count} gap(s): {Some(g)}"),
            ClosedTrades(),
            Settlements(out var starting, out var final),
            Pending("trades-delivered", _delivered, "closed trades delivered by the trade feed",
                "not yet delivered (the trade feed delivers them at the next start)"),
            Consumer("supervised", _supervised, _supervisedTwice, "the model supervisor", "closed trades taken by the model supervisor (drift, weights)", "not yet supervised"),
            Outcomes(),
            Consumer("emergency-stop-view", _essSeen, _essTwice, "the emergency stop", "closed trades in the emergency stop's equity path", "not yet in it"),
            Check("emergency-stop-marks", _markProblems, $"{_marks} mark(s) of open positions, each bar once and in time order", p => Some(p)),
            Check("weights", _weightProblems, $"{_weightSets} weight set(s), each finite, non-negative and summing to 1", p => Some(p)),
            Check("registry", _registryProblems, $"{_registry.Versions.Count} version(s), every event about a registered version", p => Some(p)),
            Artifacts(artifactProblem),
        };
        if (_abTrades.Count > 0) checks.Add(AbArms());
        if (_policies.Count > 0)
        {
            var missing = _policies.Where(p => !checkpointExists(p.Checkpoint)).Select(p => $"v{p.Version}: {p.Checkpoint}").ToList();
            checks.Add(Check("sizing-checkpoints", missing, $"{_policies.Count} policy version(s), each checkpoint on disk", m => $"missing {Some(m)}"));
        }

        var trail = _trail.OrderBy(e => e.Time).ToArray();
        return new AuditReport(_rows, _lastSequence.Count, checks, trail, starting, final) { Explain = Explain, OperatorCommands = _commands.ToArray() };
    }

    private AuditCheck ClosedTrades()
    {
        var problems = _closedTwice.Select(id => $"{id} closed twice").ToList();
        foreach (var symbol in _entryFills.Keys.Union(_closes.Keys).Order(StringComparer.Ordinal))
        {
            var open = _entryFills.GetValueOrDefault(symbol) - _closes.GetValueOrDefault(symbol);
            if (open is not (0 or 1)) problems.Add($"{symbol}: {_entryFills.GetValueOrDefault(symbol)} entry fills, {_closes.GetValueOrDefault(symbol)} closed trades");
        }
        var openNow = _entryFills.Count(p => p.Value > _closes.GetValueOrDefault(p.Key));
        return Check("trades", problems, $"{_closed.Count} closed trade(s), each once and after its entry fill; {openNow} position(s) open", p => Some(p));
    }

    private AuditCheck Settlements(out double? starting, out double? final)
    {
        starting = final = null;
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        double? equity = null;
        foreach (var (id, pnl, after) in _settlements)
        {
            if (!seen.Add(id)) problems.Add($"{id} settled twice");
            if (!_closed.TryGetValue(id, out var trade)) problems.Add($"{id} settled but no symbol closed it");
            else if (Math.Abs(trade.Pnl - pnl) > MoneyTolerance) problems.Add(Text($"{id} settled at pnl {pnl:0.######}, closed at {trade.Pnl:0.######}"));
            if (equity is { } before && Math.Abs(before + pnl - after) > MoneyTolerance * Math.Max(1, Math.Abs(after)))
                problems.Add(Text($"{id}: equity {before:0.######} + pnl {pnl:0.######} is not the journaled {after:0.######}"));
            starting ??= after - pnl;
            equity = after;
        }
        final = equity;

        var lost = _delivered.Where(id => !seen.Contains(id)).Order(StringComparer.Ordinal).ToList();
        problems.AddRange(lost.Select(id => $"{id} delivered by the trade feed but never settled"));
        var waiting = _closed.Keys.Count(id => !seen.Contains(id) && !_delivered.Contains(id));
        if (problems.Count > 0) return new AuditCheck("settlements", CheckOutcome.Failed, $"{problems.Count} problem(s): {Some(problems)}");
        var chain = starting is { } s ? Text($"; equity {s:0.00} -> {final:0.00}, each step by the trade's pnl") : "";
        return waiting > 0
            ? new AuditCheck("settlements", CheckOutcome.Pending, $"{seen.Count} settled{chain}; {waiting} closed trade(s) not yet delivered to the account")
            : new AuditCheck("settlements", CheckOutcome.Passed, $"{seen.Count} closed trade(s) settled once each at their pnl{chain}");
    }

    /// <summary>A consumer of closed trades (the supervisor, the emergency stop) takes each once, and only trades a symbol closed; one not yet taken is pending.</summary>
    private AuditCheck Consumer(string name, HashSet<string> seen, List<string> twice, string who, string what, string waiting)
    {
        var problems = twice.Select(id => $"{id} taken twice by {who}")
            .Concat(seen.Where(id => !_closed.ContainsKey(id)).Select(id => $"{id} taken by {who} but no symbol closed it")).ToList();
        return problems.Count > 0 ? new AuditCheck(name, CheckOutcome.Failed, Some(problems)) : Pending(name, seen, what, waiting);
    }

    private AuditCheck Outcomes()
    {
        var problems = _outcomesTwice.Select(x => $"{x} recorded twice")
            .Concat(_outcomes.SelectMany(m => m.Value.Where(id => !_closed.ContainsKey(id)).Select(id => $"{m.Key}: {id} recorded but no symbol closed it"))).ToList();
        var missing = _delivered.Where(_closed.ContainsKey)
            .SelectMany(id => ModelAttribution.Outcomes(_closed[id]).Select(o => (o.ModelId, Id: id)))
            .Where(x => !(_outcomes.TryGetValue(x.ModelId, out var seen) && seen.Contains(x.Id)))
            .Select(x => $"{x.ModelId}: {x.Id}").ToList();
        problems.AddRange(missing.Select(x => $"{x} delivered but not recorded"));
        if (problems.Count > 0) return new AuditCheck("model-outcomes", CheckOutcome.Failed, $"{problems.Count} problem(s): {Some(problems)}");
        var counts = string.Join(", ", _outcomes.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value.Count}"));
        return new AuditCheck("model-outcomes", CheckOutcome.Passed, $"every delivered trade once in each model that voted BUY or SELL on it ({counts})");
    }

    private AuditCheck Artifacts(Func<ModelVersionRecord, string?> artifactProblem)
    {
        var kept = _registry.Versions.Where(v => !v.Deleted).ToArray();
        var problems = kept.Select(v => artifactProblem(v) is { } p ? $"{v.Id}: {p}" : null).OfType<string>().ToList();
        var deleted = _registry.Versions.Count - kept.Length;
        return Check("artifacts", problems, $"{kept.Length} kept version(s) open from their artifacts; {deleted} deleted after an approved cleanup",
            p => $"{p.Count} of {kept.Length} do not open: {Some(p)}");
    }

    /// <summary>Every trade an A/B test counted is a closed trade, counted on the arm the split sent its decision to.</summary>
    private AuditCheck AbArms()
    {
        var problems = new List<string>();
        foreach (var a in _abTrades)
        {
            if (!_closed.TryGetValue(a.TradeId, out var trade))
            {
                problems.Add($"{a.Slot}/{a.Version}: {a.TradeId} counted but no symbol closed it");
                continue;
            }
            var decidedAt = trade.Decision.DecidedAt;
            var test = _registry.History.OfType<AbTestStarted>().LastOrDefault(t => t.Slot == a.Slot && t.Version == a.Version && t.Time <= decidedAt);
            if (test is null)
                problems.Add($"{a.Slot}/{a.Version}: {a.TradeId} counted, but no A/B test of that version had started when it was decided");
            else if (AbSplit.ToChallenger(a.Slot, a.Version, trade.Symbol, decidedAt, test.Settings.Share) != a.ToChallenger)
                problems.Add($"{a.Slot}/{a.Version}: {a.TradeId} counted on the {(a.ToChallenger ? "challenger" : "champion")}'s arm, but its decision went to the other");
        }
        var challenger = _abTrades.Count(a => a.ToChallenger);
        return Check("ab-arms", problems, $"{_abTrades.Count} A/B trade(s) ({challenger} challenger, {_abTrades.Count - challenger} champion), each on the arm its decision was split to",
            p => $"{p.Count} problem(s): {Some(p)}");
    }

    /// <summary>Passed when every closed trade is in <paramref name="seen"/>; Pending (not Failed) otherwise, as a later start completes it.</summary>
    private AuditCheck Pending(string name, HashSet<string> seen, string what, string waiting)
    {
        var missing = _closed.Keys.Where(id => !seen.Contains(id)).Order(StringComparer.Ordinal).ToList();
        return missing.Count == 0
            ? new AuditCheck(name, CheckOutcome.Passed, $"{seen.Count} {what}")
            : new AuditCheck(name, CheckOutcome.Pending, $"{seen.Count} {what}; {missing.Count} {waiting}: {Some(missing)}");
    }

    private static AuditCheck Check(string name, List<string> problems, string passed, Func<List<string>, string> failed) =>
        problems.Count == 0 ? new AuditCheck(name, CheckOutcome.Passed, passed) : new AuditCheck(name, CheckOutcome.Failed, failed(problems));

    private static string Some(IReadOnlyList<string> items) =>
        string.Join("; ", items.Take(Shown)) + (items.Count > Shown ? $"; and {items.Count - Shown} more" : "");

    private void Add(DateTimeOffset time, AuditArea area, string kind, string source, long sequenceNr, string subject, string detail,
        AlertSeverity? severity = null, DateTimeOffset? givenAt = null, string? by = null) =>
        _trail.Add(new AuditEntry(time, area, kind, source, sequenceNr, subject, detail) { Severity = severity ?? AlertRules.OfKind(kind), GivenAt = givenAt, Operator = by });

    private static string DescribeOrder(PendingOrder o) =>
        o.Purpose == OrderPurpose.Open
            ? Text($"open {o.Direction} {o.Quantity:0.######} (stop {o.StopDistance:0.####} {(o.Direction == TradeAction.Sell ? "above" : "below")} the fill, target {o.TakeProfitDistance:0.####} {(o.Direction == TradeAction.Sell ? "below" : "above")}) on {Verdict(o.Decision)}")
            : Text($"close {o.Direction} {o.Quantity:0.######}: {o.ExitReason ?? FillReasons.SignalReverse}");

    private static string Verdict(TradeDecisionRecord d) =>
        Text($"ensemble {d.Ensemble.Action} at confidence {d.Ensemble.Confidence:0.###} ({d.Ensemble.Reason}; ") +
        string.Join(", ", d.Ensemble.Votes.Select(v => Text($"{v.ModelId} {v.Action} {v.Confidence:0.##} x{v.Weight:0.##}") + (v.Fallback is null ? "" : $" (fallback: {v.Fallback})"))) +
        $"), filter {d.Filter.Verdict}";

    private static string Weights(IReadOnlyDictionary<string, double> w) =>
        string.Join(" ", w.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Text($"{p.Key} {p.Value:0.###}")));

    private static string Metrics(IReadOnlyDictionary<string, double> m) =>
        string.Join(", ", m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Text($"{p.Key} {p.Value:0.####}")));

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Duration(double minutes) => minutes < 2 ? Text($"{minutes * 60:0.#} s") : Text($"{minutes:0.#} min");
}
