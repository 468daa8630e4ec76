using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Learning.Ppo;

namespace QuantumTrader.Actors.Serialization;

public static partial class ProtocolTypes
{
    static partial void RegisterSizing()
    {
        // Journaled events of the sizing learner.
        Add<SizingOutcomeRecorded>("sizing.outcome-recorded.v1");
        Add<SizingPolicyUpdated>("sizing.policy-updated.v1");
        Add<SizingLearnerSnapshot>("sizing.snapshot.v1");

        // Sizing learner commands and replies.
        Add<RecordSizingOutcomes>("sizing.record-outcomes.v1");
        Add<SizingOutcomesAck>("sizing.outcomes-ack.v1");
        Add<GetSizingLearnerStatus>("sizing.get-status.v1");
        Add<SizingLearnerStatus>("sizing.status.v1");
    }
}
