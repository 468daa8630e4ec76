using System.Text.Json.Serialization;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Models.Risk;

/// <summary>
/// Risk limits per ESS mode plus regime overlays: the policy store's state, plain data.
/// EMERGENCY has no limits to set: it allows nothing (<see cref="RiskLimits.None"/>).
/// </summary>
public sealed record RiskPolicy
{
    public RiskPolicy(RiskLimits protective, RiskLimits cautious, RiskLimits normal, IReadOnlyList<RegimePolicy> regimes)
    {
        const string T = nameof(RiskPolicy);
        Protective = Guard.NotNull(T, nameof(Protective), protective);
        Cautious = Guard.NotNull(T, nameof(Cautious), cautious);
        Normal = Guard.NotNull(T, nameof(Normal), normal);
        Guard.NotNull(T, nameof(Regimes), regimes);
        foreach (var r in regimes)
            Guard.NotNull(T, nameof(Regimes), r);
        var duplicate = regimes.GroupBy(r => r.Regime, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Guard.That(duplicate is null, T, nameof(Regimes), "has more than one overlay for a regime", duplicate?.Key);
        Regimes = regimes.ToArray();
    }

    /// <summary>
    /// Seed 003's limits for position size, leverage and confidence; the open-position, gross and correlated
    /// caps are this project's defaults, scaled with the mode. Regime overlays: HighVolatility +0.10 confidence
    /// and half size, Crash blocks new entries, the others neutral.
    /// </summary>
    public static readonly RiskPolicy Default = new(
        protective: new RiskLimits(100, 5, 0.75, 2, 200, 150, 0.7),
        cautious: new RiskLimits(300, 10, 0.55, 4, 1_000, 600, 0.7),
        normal: new RiskLimits(500, 20, 0.50, 6, 2_500, 1_000, 0.7),
        regimes:
        [
            RegimePolicy.Neutral(RegimeNames.Ranging),
            RegimePolicy.Neutral(RegimeNames.TrendingUp),
            RegimePolicy.Neutral(RegimeNames.TrendingDown),
            new RegimePolicy(RegimeNames.HighVolatility, 0.10, 0.5, false),
            new RegimePolicy(RegimeNames.Crash, 0, 0, true),
        ]);

    public RiskLimits Protective { get; }
    public RiskLimits Cautious { get; }
    public RiskLimits Normal { get; }
    public IReadOnlyList<RegimePolicy> Regimes { get; }

    public RiskLimits LimitsFor(EssMode mode) => mode switch
    {
        EssMode.Protective => Protective,
        EssMode.Cautious => Cautious,
        EssMode.Normal => Normal,
        _ => RiskLimits.None,
    };

    /// <summary>The overlay of <paramref name="regime"/>; neutral when the regime is unknown or has no overlay.</summary>
    public RegimePolicy OverlayFor(string? regime) =>
        regime is null
            ? RegimePolicy.Neutral("none")
            : Regimes.FirstOrDefault(r => string.Equals(r.Regime, regime, StringComparison.Ordinal)) ?? RegimePolicy.Neutral(regime);

    /// <summary>The policy with <paramref name="limits"/> for <paramref name="mode"/>; EMERGENCY cannot be given limits.</summary>
    public RiskPolicy With(EssMode mode, RiskLimits limits)
    {
        Guard.NotNull(nameof(RiskPolicy), "limits", limits);
        return Guard.Defined(nameof(RiskPolicy), "mode", mode) switch
        {
            EssMode.Protective => new RiskPolicy(limits, Cautious, Normal, Regimes),
            EssMode.Cautious => new RiskPolicy(Protective, limits, Normal, Regimes),
            EssMode.Normal => new RiskPolicy(Protective, Cautious, limits, Regimes),
            _ => throw new DomainValidationException(nameof(RiskPolicy), "mode", "EMERGENCY allows nothing and takes no limits", mode),
        };
    }

    /// <summary>The policy with <paramref name="overlay"/> replacing any overlay of the same regime.</summary>
    public RiskPolicy WithRegime(RegimePolicy overlay)
    {
        Guard.NotNull(nameof(RiskPolicy), "overlay", overlay);
        return new RiskPolicy(Protective, Cautious, Normal,
            [.. Regimes.Where(r => !string.Equals(r.Regime, overlay.Regime, StringComparison.Ordinal)), overlay]);
    }

    /// <summary>Decides a limit change: the event to persist and the policy after it.</summary>
    public (RiskPolicy Next, RiskLimitsChanged Event) Change(EssMode mode, RiskLimits limits, string reason, DateTimeOffset time)
    {
        var next = With(mode, limits);
        return (next, new RiskLimitsChanged(mode, LimitsFor(mode), limits, reason, time));
    }

    public RiskPolicy Apply(RiskLimitsChanged e)
    {
        Guard.NotNull(nameof(RiskPolicy), "event", e);
        return With(e.Mode, e.Current);
    }
}

/// <summary>A mode's limits were changed by an operator; Previous is kept for the audit trail.</summary>
public sealed record RiskLimitsChanged : IDomainEvent
{
    public RiskLimitsChanged(EssMode mode, RiskLimits previous, RiskLimits current, string reason, DateTimeOffset time)
    {
        const string T = nameof(RiskLimitsChanged);
        Mode = Guard.Defined(T, nameof(Mode), mode);
        Guard.That(mode != EssMode.Emergency, T, nameof(Mode), "EMERGENCY allows nothing and takes no limits", mode);
        Previous = Guard.NotNull(T, nameof(Previous), previous);
        Current = Guard.NotNull(T, nameof(Current), current);
        Reason = Guard.NotEmpty(T, nameof(Reason), reason);
        Time = time;
    }

    public EssMode Mode { get; }
    public RiskLimits Previous { get; }
    public RiskLimits Current { get; }
    public string Reason { get; }
    public DateTimeOffset Time { get; }

    /// <summary>Who gave it (<see cref="Audit.OperatorAccess"/>); null in journals older than this field.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }
}
