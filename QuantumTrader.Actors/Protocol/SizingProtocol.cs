using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Actors.Protocol;

/// <summary>
/// Closed trades for the sizing learner, oldest first; delivered at least once (by the run driver right after the bar
/// that closed them, and by the trade feed), recorded once per trade id. The reply comes once they are journaled.
/// </summary>
public sealed record RecordSizingOutcomes(IReadOnlyList<ClosedTrade> Trades) : IProtocolMessage;

/// <summary>Recorded: new trades; Duplicates: trades seen before; Experiences: new trades a policy had sized; PolicyVersion: the version served now.</summary>
public sealed record SizingOutcomesAck(int Recorded, int Duplicates, int Experiences, int PolicyVersion) : IProtocolMessage;

public sealed record GetSizingLearnerStatus : IProtocolMessage
{
    public static readonly GetSizingLearnerStatus Instance = new();
}

/// <summary>The served policy version, experiences recorded and pending, the update interval, trades recorded, and every version so far.</summary>
public sealed record SizingLearnerStatus(
    int PolicyVersion, int Experiences, int Pending, int UpdateEvery, int TradesRecorded, IReadOnlyList<PolicyVersionRecord> History) : IProtocolMessage;

/// <summary>The sizing learner's snapshot; the policy weights of its version are in the checkpoint file.</summary>
public sealed record SizingLearnerSnapshot(SizingLearnerState State) : IProtocolMessage;
