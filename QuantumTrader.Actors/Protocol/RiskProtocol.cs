using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Actors.Protocol;

/// <summary>
/// The replay driver hands the account the closed trades that became visible to decisions at market time AsOf,
/// in ledger order; the account's emergency stop applies each trade once and replies <see cref="EssStatus"/>.
/// </summary>
public sealed record SettleEssTrades(EssTradesSettled Batch) : IWithAccountId, IProtocolMessage
{
    public EssTradesSettled Batch { get; init; } = Guard.NotNull(nameof(SettleEssTrades), nameof(Batch), Batch);

    public string AccountId => Batch.AccountId;
}

/// <summary>
/// An operator forces EMERGENCY (it latches until a reset); the reason goes into the journal. <paramref name="At"/> is the
/// market time the job fixed for it (<see cref="AccountEss.ManualInputTime"/>); null: the account's clock dates it.
/// </summary>
public sealed record TriggerEmergency(string AccountId, string Reason, DateTimeOffset RequestedAt, DateTimeOffset? At = null) : OperatorMessage, IWithAccountId
{
    public string AccountId { get; init; } = Guard.NotEmpty(nameof(TriggerEmergency), nameof(AccountId), AccountId);
    public string Reason { get; init; } = Guard.NotEmpty(nameof(TriggerEmergency), nameof(Reason), Reason);
}

/// <summary>An operator releases a manual trigger: the account moves to the mode its drawdown supports. <paramref name="At"/> as for <see cref="TriggerEmergency"/>.</summary>
public sealed record ResetEmergency(string AccountId, string Reason, DateTimeOffset RequestedAt, DateTimeOffset? At = null) : OperatorMessage, IWithAccountId
{
    public string AccountId { get; init; } = Guard.NotEmpty(nameof(ResetEmergency), nameof(AccountId), AccountId);
    public string Reason { get; init; } = Guard.NotEmpty(nameof(ResetEmergency), nameof(Reason), Reason);
}

public sealed record GetEssStatus(string AccountId) : IWithAccountId, IProtocolMessage
{
    public string AccountId { get; init; } = Guard.NotEmpty(nameof(GetEssStatus), nameof(AccountId), AccountId);
}

/// <summary>
/// The account's emergency stop: current mode and every transition so far (market time, from, to, drawdown), from
/// which a reader takes the mode in force before any instant (<see cref="AccountEss.ModeBefore(IReadOnlyList{EssTransition}, DateTimeOffset)"/>).
/// </summary>
public sealed record EssStatus(
    string AccountId, EssMode Mode, bool TradingEnabled, bool ManualLatch, double Drawdown, double Equity, double PeakEquity,
    DateTimeOffset? Clock, int TradesApplied, IReadOnlyList<EssTransition> Transitions) : IProtocolMessage
{
    /// <summary>Operators' triggers and resets the node holds for the next bar it decides (<c>EssHandover</c>); the node's API fills it in.</summary>
    public int CommandsWaiting { get; init; }

    /// <summary>The state machine itself, from which the replay driver previews what marks not yet settled would change (<see cref="AccountEss.Preview"/>).</summary>
    public EssState? State { get; init; }

    /// <summary>Every mark of the open positions before this time is settled (<see cref="AccountEss.MarkedBefore"/>).</summary>
    public DateTimeOffset? MarkedBefore { get; init; }
}

/// <summary>The account entity's snapshot: settlement by the trade feed and the emergency stop.</summary>
public sealed record AccountStateSnapshot(AccountSnapshot Settlement, AccountEss Ess) : IProtocolMessage;

/// <summary>The regime coordinator put the symbol's regime overlay in force; the symbol entity waits for this before replying to its bar.</summary>
public sealed record RegimeApplied(string Symbol, long BarSeq, string Regime, RegimePolicy Overlay) : IProtocolMessage;

public sealed record GetRiskPosture : IProtocolMessage
{
    public static readonly GetRiskPosture Instance = new();
}

/// <summary>What this node's risk gate applies: the policy it holds and the regime overlay in force per symbol.</summary>
public sealed record RiskPosture(RiskPolicyState Policy, IReadOnlyList<AppliedRegime> Regimes) : IProtocolMessage;

/// <summary>The policy store's state, replicated to every node; Version counts the changes the store has journaled.</summary>
public sealed record RiskPolicyState(RiskPolicy Policy, long Version) : IProtocolMessage
{
    public static readonly RiskPolicyState Default = new(RiskPolicy.Default, 0);

    public RiskPolicy Policy { get; init; } = Guard.NotNull(nameof(RiskPolicyState), nameof(Policy), Policy);
}

/// <summary>An operator sets the limits of one mode (not EMERGENCY, which allows nothing); refused with the reason when invalid.</summary>
public sealed record ChangeRiskLimits(EssMode Mode, RiskLimits Limits, string Reason) : OperatorMessage
{
    public EssMode Mode { get; init; } = Checked(Mode);
    public RiskLimits Limits { get; init; } = Guard.NotNull(nameof(ChangeRiskLimits), nameof(Limits), Limits);
    public string Reason { get; init; } = Guard.NotEmpty(nameof(ChangeRiskLimits), nameof(Reason), Reason);

    private static EssMode Checked(EssMode mode)
    {
        Guard.Defined(nameof(ChangeRiskLimits), nameof(Mode), mode);
        Guard.That(mode != EssMode.Emergency, nameof(ChangeRiskLimits), nameof(Mode), "EMERGENCY allows nothing and takes no limits", mode);
        return mode;
    }
}

/// <summary>
/// A replay gives the policy store a change its journal holds, to journal again with the time it had there. Only the
/// replay sends it; the ops API does not take it, so an operator's change is always dated when it is made.
/// </summary>
public sealed record RepeatRiskLimitsChange(RiskLimitsChanged Change) : IProtocolMessage
{
    public RiskLimitsChanged Change { get; init; } = Guard.NotNull(nameof(RepeatRiskLimitsChange), nameof(Change), Change);
}

public sealed record GetRiskPolicy : IProtocolMessage
{
    public static readonly GetRiskPolicy Instance = new();
}
