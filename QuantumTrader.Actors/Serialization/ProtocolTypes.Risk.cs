using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Actors.Serialization;

public static partial class ProtocolTypes
{
    static partial void RegisterRisk()
    {
        // Journaled by the account entity: ESS inputs and the mode changes they caused.
        Add<EssTradesSettled>("risk.ess-trades-settled.v1");
        Add<EssManualTrigger>("risk.ess-manual-trigger.v1");
        Add<EssManualReset>("risk.ess-manual-reset.v1");
        Add<EmergencyTriggered>("risk.emergency-triggered.v1");
        Add<EmergencyRecovered>("risk.emergency-recovered.v1");
        Add<AccountStateSnapshot>("account.state-snapshot.v1");

        // Account ESS commands and replies.
        Add<SettleEssTrades>("account.settle-ess-trades.v1");
        Add<TriggerEmergency>("account.trigger-emergency.v1");
        Add<ResetEmergency>("account.reset-emergency.v1");
        Add<GetEssStatus>("account.get-ess-status.v1");
        Add<EssStatus>("account.ess-status.v1");

        // Policy store: journaled changes, replicated state, commands.
        Add<RiskLimitsChanged>("risk.limits-changed.v1");
        Add<RiskPolicyState>("risk.policy-state.v1");
        Add<ChangeRiskLimits>("risk.change-limits.v1");
        Add<RepeatRiskLimitsChange>("risk.repeat-limits-change.v1");
        Add<GetRiskPolicy>("risk.get-policy.v1");

        // Regime coordinator.
        Add<RegimeApplied>("risk.regime-applied.v1");
        Add<GetRiskPosture>("risk.get-posture.v1");
        Add<RiskPosture>("risk.posture.v1");
    }
}
