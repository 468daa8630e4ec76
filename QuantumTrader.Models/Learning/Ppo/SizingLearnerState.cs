using System.Collections.Immutable;
using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// The sizing learner ran a PPO update: policy <see cref="Version"/> learned from <see cref="TradeIds"/> (the
/// experiences, oldest first) with their mean reward and the update's losses, and its weights are at
/// <see cref="Checkpoint"/> (relative to the state directory). <see cref="Time"/> is the exit time of the last trade used.
/// </summary>
public sealed record SizingPolicyUpdated(
    int Version, int Experiences, double MeanReward, double PolicyLoss, double ValueLoss, double Entropy, double ApproxKl,
    double ClipFraction, string Checkpoint, IReadOnlyList<string> TradeIds, DateTimeOffset Time) : IDomainEvent;

/// <summary>One policy version in the learner's history, for the run summary and status queries.</summary>
public sealed record PolicyVersionRecord(int Version, int Experiences, double MeanReward, double PolicyLoss, double ValueLoss, string Checkpoint, DateTimeOffset Time);

/// <summary>
/// The sizing learner's journaled state: the served policy version, the experiences waiting for the next update, every
/// trade id recorded (each trade counts once), the number of experiences ever recorded, the update history and the
/// performance table the sizing state reads. Plain data: it is the learner's snapshot.
/// </summary>
public sealed record SizingLearnerState(
    int Version,
    IReadOnlyList<SizingOutcomeRecorded> Pending,
    ImmutableHashSet<string> TradeIds,
    int Experiences,
    IReadOnlyList<PolicyVersionRecord> History,
    SizingPerformance Performance)
{
    public static SizingLearnerState Start { get; } = new(0, [], ImmutableHashSet.Create<string>(StringComparer.Ordinal), 0, [], SizingPerformance.Empty);

    public bool Knows(string tradeId) => TradeIds.Contains(tradeId);

    /// <summary>The event recording <paramref name="trade"/>, or null when this trade was recorded before.</summary>
    public SizingOutcomeRecorded? Record(ClosedTrade trade) => Knows(trade.TradeId) ? null : SizingOutcome.Of(trade);

    public bool UpdateDue(int updateEvery) => Pending.Count >= updateEvery;

    /// <summary>The experiences the next update learns from: the oldest <paramref name="updateEvery"/> pending ones.</summary>
    public IReadOnlyList<SizingOutcomeRecorded> NextBatch(int updateEvery) => Pending.Take(updateEvery).ToArray();

    public SizingLearnerState Apply(SizingOutcomeRecorded e)
    {
        if (Knows(e.TradeId)) return this;
        return this with
        {
            TradeIds = TradeIds.Add(e.TradeId),
            Pending = e.Experience is null ? Pending : [.. Pending, e],
            Experiences = Experiences + (e.Experience is null ? 0 : 1),
            Performance = Performance.Apply(e.Symbol, e.RMultiple, e.Models),
        };
    }

    public SizingLearnerState Apply(SizingPolicyUpdated e)
    {
        if (e.Version != Version + 1)
            throw new InvalidOperationException($"sizing policy update to version {e.Version} after version {Version}: versions must follow each other");
        var used = Pending.Take(e.Experiences).Select(p => p.TradeId).ToArray();
        if (e.Experiences > Pending.Count || !used.SequenceEqual(e.TradeIds, StringComparer.Ordinal))
            throw new InvalidOperationException($"sizing policy version {e.Version} learned from trades the learner does not hold pending ({e.Experiences} used, {Pending.Count} pending)");
        return this with
        {
            Version = e.Version,
            Pending = Pending.Skip(e.Experiences).ToArray(),
            History = [.. History, new PolicyVersionRecord(e.Version, e.Experiences, e.MeanReward, e.PolicyLoss, e.ValueLoss, e.Checkpoint, e.Time)],
        };
    }

    public SizingLearnerState Apply(IDomainEvent e) => e switch
    {
        SizingOutcomeRecorded o => Apply(o),
        SizingPolicyUpdated u => Apply(u),
        _ => throw new ArgumentException($"unknown sizing learner event {e.GetType().Name}", nameof(e)),
    };
}
