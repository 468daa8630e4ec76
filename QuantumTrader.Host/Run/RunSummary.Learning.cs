using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Run;

/// <summary>One drift alarm: which model, detector and rule, at which of the model's trades (0-based) and when.</summary>
public sealed record DriftAlarmEntry(string Model, string Detector, string Severity, long TradeIndex, DateTimeOffset Time, string Rule);

/// <summary>Every alarm of the model supervisor counted by severity, and the latest few.</summary>
public sealed record DriftAlarmSummary(int Count, int Warnings, int Drifts, IReadOnlyList<DriftAlarmEntry> Latest)
{
    public static readonly DriftAlarmSummary None = new(0, 0, 0, []);
}

/// <summary>How often the ensemble weights changed or a set was refused, the weights in force at the end and why they were set.</summary>
public sealed record WeightChangeSummary(int Count, int Refused, IReadOnlyDictionary<string, double> FinalWeights, string? LastReason)
{
    public static readonly WeightChangeSummary None = new(0, 0, new Dictionary<string, double>(), null);
}

public sealed record RollbackEntry(string Slot, string FromVersion, string ToVersion, bool MarkedDegraded, DateTimeOffset Time, string Reason);

public sealed record RollbackSummary(int Count, IReadOnlyList<RollbackEntry> Items)
{
    public static readonly RollbackSummary None = new(0, []);
}

/// <summary>One promotion gate decision: the challenger, the champion it shadowed, both accuracies and the gate's verdict in words.</summary>
public sealed record GateDecisionEntry(string Slot, string Version, string Champion, DateTimeOffset Time, bool Approved, int ShadowCalls,
    double Accuracy, double ChampionAccuracy, string Verdict);

/// <summary>One A/B test's end: both arms' trades and Sharpe ratios and the verdict in words.</summary>
public sealed record AbTestEntry(string Slot, string Version, string Champion, DateTimeOffset Time, bool Switch, int ChallengerTrades, double ChallengerSharpe,
    int ChampionTrades, double ChampionSharpe, string Verdict);

/// <summary>
/// Seed 004's error replay over the run: judged shadow tests that added errors and how many, retrainings that replayed
/// buffered errors and how many, promotions that cleared them, each slot's buffer at the end, and the retrained
/// versions' calls on the errors they replayed (<see cref="RepeatCalls"/>, of which <see cref="RepeatErrors"/> were wrong again).
/// </summary>
public sealed record ErrorReplaySummary(bool Enabled, int Runs, int Recorded, int Retrainings, int Replayed, int Cleared,
    IReadOnlyDictionary<string, ErrorReplayStats> Buffers, int RepeatCalls, int RepeatErrors)
{
    public static readonly ErrorReplaySummary Off = new(false, 0, 0, 0, 0, 0, new Dictionary<string, ErrorReplayStats>(), 0, 0);
}

/// <summary>
/// Continuous retraining: versions retrained and shadow-tested, the gate's approvals and rejections, A/B tests started and
/// won, retrained versions promoted, challengers still under test, and the seconds it took.
/// </summary>
public sealed record RetrainingSummary(bool Enabled, int Retrained, int Approved, int Rejected, int AbTests, int AbTestsWon, int Promoted, int UnderTest,
    double Seconds, IReadOnlyList<GateDecisionEntry> Decisions, IReadOnlyList<AbTestEntry> AbTestResults)
{
    public static readonly RetrainingSummary Off = new(false, 0, 0, 0, 0, 0, 0, 0, 0, [], []);

    public ErrorReplaySummary ErrorReplay { get; init; } = ErrorReplaySummary.Off;

    /// <summary>Seed 004's drift checks journaled (also without retraining), and how many found drift.</summary>
    public int DriftChecks { get; init; }

    public int DriftFound { get; init; }
}

/// <summary>The learning cascade's decisions as the journal holds them at the end of the run.</summary>
public sealed partial record RunSummary
{
    public DriftAlarmSummary DriftAlarms { get; init; } = DriftAlarmSummary.None;
    public WeightChangeSummary WeightChanges { get; init; } = WeightChangeSummary.None;
    public RollbackSummary Rollbacks { get; init; } = RollbackSummary.None;
    public RetrainingSummary Retraining { get; init; } = RetrainingSummary.Off;
}
