using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Host.Ops;

/// <summary>One cluster member as this node sees it.</summary>
public sealed record MemberView(string Address, string Status, IReadOnlyList<string> Roles, bool Reachable);

/// <summary>The cluster as this node sees it: itself, the leader, every member.</summary>
public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<MemberView> Members);

/// <summary>One shard region's part on one node: how many shards it hosts there and how many entities run in them.</summary>
public sealed record RegionView(string Region, string Node, int Shards, int Entities);

/// <summary>Every shard region of the node's entity types across the cluster; a region that did not answer in time is named in <see cref="Unanswered"/>.</summary>
public sealed record ShardsView(IReadOnlyList<RegionView> Regions, IReadOnlyList<string> Unanswered);

/// <summary>
/// A served model: its version and ensemble weight now, its serving health, its live performance from its model entity, and
/// the challenger taking a share of its decisions in an A/B test (null when none is).
/// </summary>
public sealed record ModelView(
    string Id, string Version, double Weight, int Trades, double WinRate, double AverageR, double Sharpe, double MaxDrawdown,
    int ConsecutiveLosses, int DriftAlarms, long Calls, long Failures, long Timeouts, string? LastError, AbChallengerView? AbTest);

/// <summary>The challenger of a running A/B test and its share of the slot's decisions.</summary>
public sealed record AbChallengerView(string Version, double Share);

/// <summary>The served models and when the supervisor last set the weights (null: the seed weights still apply).</summary>
public sealed record ModelsView(IReadOnlyList<ModelView> Models, DateTimeOffset? WeightsAsOf);

/// <summary>The latest closed trades in exit order (the ledger's), each with its full decision record; <see cref="Total"/> counts every match in the journal.</summary>
public sealed record TradesView(int Total, IReadOnlyList<ClosedTrade> Trades);

/// <summary>Every model's closed trades from the journal grouped by symbol or by regime at entry, with each model's weakest group.</summary>
public sealed record PerformanceView(BreakdownBy By, int MinTrades, int TradesRead, IReadOnlyList<BreakdownRow> Rows);

/// <summary>One registered version as the dashboard's version table shows it (seed 002's version comparison).</summary>
public sealed record VersionRow(
    string Slot, string Version, ModelVersionStatus Status, bool Champion, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, double> Metrics,
    long SizeBytes, bool Important, bool Deleted);

/// <summary>
/// Seed 002's cleanup panel: every version, the disk its kept artifacts use, and the cleanup rules' recommendations at
/// <see cref="At"/> (the last bar the node decided), ranked by <see cref="ScoreMetric"/>.
/// </summary>
public sealed record CleanupView(
    DateTimeOffset At, string ScoreMetric, IReadOnlyList<VersionRow> Versions, long DiskBytes, IReadOnlyList<CleanupRecommendation> Candidates,
    IReadOnlyList<KeptVersion> Kept, long TotalBytesFreed);

/// <summary>
/// Who a request acts as: with an access file, the operator of its token and their role (<see cref="Verified"/>); without
/// one, the name the console gave itself, which nothing checks, and every command is allowed.
/// </summary>
public sealed record OperatorView(string? Operator, OperatorRole? Role, bool Verified, DateTimeOffset? TokenExpires)
{
    /// <summary>Set when the token expires within <see cref="OperatorAccess.WarnBefore"/>.</summary>
    public string? TokenWarning { get; init; }
}

/// <summary>
/// Seed 001's view of the PPO sizing agent: whether this node learns its sizing (<see cref="Learning"/>, with
/// '--sizing Ppo') and only records the agent's choices (<see cref="Shadow"/>), the policy version served, experiences
/// recorded and waiting for the next update, every update with its batch's mean reward and losses, and the reward trend.
/// </summary>
public sealed record SizingView(
    bool Learning, bool? Shadow, int PolicyVersion, int Experiences, int Pending, int UpdateEvery, int TradesRecorded, RewardTrend Trend,
    IReadOnlyList<PolicyVersionRecord> History);


/// <summary>
/// The node's account as its emergency stop read it: how many states the stop passed through, its deepest drawdown and
/// when, and the path thinned for a chart (<see cref="MarkedEquityPath"/>).
/// </summary>
public sealed record MarkedEquityView(string AccountId, int Observations, double MaxDrawdown, DateTimeOffset? MaxDrawdownAt, IReadOnlyList<MarkedEquityPoint> Points);
