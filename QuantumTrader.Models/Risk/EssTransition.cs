using System.Text.Json.Serialization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// One change of ESS mode. Drawdown is in percent from the equity peak (≤ 0); TradingEnabled is false exactly
/// when the new mode is EMERGENCY; Manual marks an operator's trigger or reset.
/// </summary>
public sealed record EssTransition
{
    public EssTransition(DateTimeOffset time, EssMode from, EssMode to, double drawdown, bool tradingEnabled, string reason, bool manual)
    {
        const string T = nameof(EssTransition);
        Time = time;
        From = Guard.Defined(T, nameof(From), from);
        To = Guard.Defined(T, nameof(To), to);
        Guard.That(from != to, T, nameof(To), "must differ from From", to);
        Drawdown = Guard.NonPositive(T, nameof(Drawdown), drawdown);
        Guard.That(tradingEnabled == to.AllowsTrading(), T, nameof(TradingEnabled),
            "must be false exactly when the new mode is EMERGENCY", tradingEnabled);
        TradingEnabled = tradingEnabled;
        Reason = Guard.NotEmpty(T, nameof(Reason), reason);
        Manual = manual;
    }

    public DateTimeOffset Time { get; }
    public EssMode From { get; }
    public EssMode To { get; }
    public double Drawdown { get; }
    public bool TradingEnabled { get; }
    public string Reason { get; }
    public bool Manual { get; }

    /// <summary>True when the new mode is stricter than the old one.</summary>
    [JsonIgnore]
    public bool IsTightening => To < From;

    /// <summary>The event to publish: <see cref="EmergencyTriggered"/> when tightening, <see cref="EmergencyRecovered"/> when relaxing.</summary>
    public IEssModeChanged ToEvent(string accountId) => IsTightening
        ? new EmergencyTriggered(accountId, Time, From, To, Drawdown, TradingEnabled, Reason, Manual)
        : new EmergencyRecovered(accountId, Time, From, To, Drawdown, TradingEnabled, Reason, Manual);
}
