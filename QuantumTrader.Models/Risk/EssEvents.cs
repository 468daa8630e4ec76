using System.Text.Json.Serialization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// What an account entity persists to rebuild its <see cref="EssState"/>: replaying these through
/// <see cref="EssState.Apply"/> in order reproduces the state exactly.
/// </summary>
public interface IEssInput
{
    string AccountId { get; }
    DateTimeOffset Time { get; }
}

/// <summary>Account equity at a point of market time.</summary>
public sealed record EquityObserved : IEssInput
{
    public EquityObserved(string accountId, DateTimeOffset time, double equity)
    {
        AccountId = Guard.NotEmpty(nameof(EquityObserved), nameof(AccountId), accountId);
        Time = time;
        Equity = Guard.NonNegative(nameof(EquityObserved), nameof(Equity), equity);
    }

    public string AccountId { get; }
    public DateTimeOffset Time { get; }
    public double Equity { get; }
}

/// <summary>An operator forces EMERGENCY; it holds until a manual reset.</summary>
public sealed record EssManualTrigger : IEssInput, IDomainEvent
{
    public EssManualTrigger(string accountId, string reason, DateTimeOffset time)
    {
        AccountId = Guard.NotEmpty(nameof(EssManualTrigger), nameof(AccountId), accountId);
        Reason = Guard.NotEmpty(nameof(EssManualTrigger), nameof(Reason), reason);
        Time = time;
    }

    public string AccountId { get; }
    public string Reason { get; }
    public DateTimeOffset Time { get; }

    /// <summary>Who gave it (<see cref="Audit.OperatorAccess"/>); null in journals older than this field.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
}

/// <summary>An operator releases a manual trigger and skips the confirmation period (never the thresholds).</summary>
public sealed record EssManualReset : IEssInput, IDomainEvent
{
    public EssManualReset(string accountId, string reason, DateTimeOffset time)
    {
        AccountId = Guard.NotEmpty(nameof(EssManualReset), nameof(AccountId), accountId);
        Reason = Guard.NotEmpty(nameof(EssManualReset), nameof(Reason), reason);
        Time = time;
    }

    public string AccountId { get; }
    public string Reason { get; }
    public DateTimeOffset Time { get; }

    /// <summary>Who gave it (<see cref="Audit.OperatorAccess"/>); null in journals older than this field.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
}

/// <summary>The published face of an <see cref="EssTransition"/> (seed 003's emergency events).</summary>
public interface IEssModeChanged
{
    string AccountId { get; }
    DateTimeOffset Time { get; }
    EssMode OldMode { get; }
    EssMode NewMode { get; }
    double Drawdown { get; }
    bool TradingEnabled { get; }
    string Reason { get; }
    bool Manual { get; }
}

/// <summary>The ESS moved to a stricter mode.</summary>
public sealed record EmergencyTriggered : IEssModeChanged, IDomainEvent
{
    public EmergencyTriggered(string accountId, DateTimeOffset time, EssMode oldMode, EssMode newMode, double drawdown, bool tradingEnabled, string reason, bool manual)
    {
        const string T = nameof(EmergencyTriggered);
        AccountId = Guard.NotEmpty(T, nameof(AccountId), accountId);
        Time = time;
        OldMode = Guard.Defined(T, nameof(OldMode), oldMode);
        NewMode = Guard.Defined(T, nameof(NewMode), newMode);
        Guard.That(newMode < oldMode, T, nameof(NewMode), $"must be stricter than OldMode {oldMode.Label()}", newMode);
        Drawdown = Guard.NonPositive(T, nameof(Drawdown), drawdown);
        Guard.That(tradingEnabled == newMode.AllowsTrading(), T, nameof(TradingEnabled),
            "must be false exactly when the new mode is EMERGENCY", tradingEnabled);
        TradingEnabled = tradingEnabled;
        Reason = Guard.NotEmpty(T, nameof(Reason), reason);
        Manual = manual;
    }

    public string AccountId { get; }
    public DateTimeOffset Time { get; }
    public EssMode OldMode { get; }
    public EssMode NewMode { get; }
    public double Drawdown { get; }
    public bool TradingEnabled { get; }
    public string Reason { get; }
    public bool Manual { get; }
}

/// <summary>The ESS moved to a looser mode.</summary>
public sealed record EmergencyRecovered : IEssModeChanged, IDomainEvent
{
    public EmergencyRecovered(string accountId, DateTimeOffset time, EssMode oldMode, EssMode newMode, double drawdown, bool tradingEnabled, string reason, bool manual)
    {
        const string T = nameof(EmergencyRecovered);
        AccountId = Guard.NotEmpty(T, nameof(AccountId), accountId);
        Time = time;
        OldMode = Guard.Defined(T, nameof(OldMode), oldMode);
        NewMode = Guard.Defined(T, nameof(NewMode), newMode);
        Guard.That(newMode > oldMode, T, nameof(NewMode), $"must be looser than OldMode {oldMode.Label()}", newMode);
        Drawdown = Guard.NonPositive(T, nameof(Drawdown), drawdown);
        Guard.That(tradingEnabled == newMode.AllowsTrading(), T, nameof(TradingEnabled),
            "must be false exactly when the new mode is EMERGENCY", tradingEnabled);
        TradingEnabled = tradingEnabled;
        Reason = Guard.NotEmpty(T, nameof(Reason), reason);
        Manual = manual;
    }

    public string AccountId { get; }
    public DateTimeOffset Time { get; }
    public EssMode OldMode { get; }
    public EssMode NewMode { get; }
    public double Drawdown { get; }
    public bool TradingEnabled { get; }
    public string Reason { get; }
    public bool Manual { get; }
}
