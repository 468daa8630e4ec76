using System.Globalization;
using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>Seed 000 fix 3: watch a new champion for <see cref="Window"/> of market time; after <see cref="MinTrades"/> trades, trip below these levels.</summary>
public sealed record CircuitBreakerSettings(TimeSpan Window, int MinTrades = 10, double MinAverageR = -0.3, double MinWinRate = 0.35)
{
    public static readonly CircuitBreakerSettings Default = new(TimeSpan.FromHours(24));
}

public enum BreakerStatus { Monitoring, Tripped, Closed }

/// <summary>Why a breaker tripped, with the evidence; <see cref="ToRollBack"/> is the registry command it calls for.</summary>
public sealed record BreakerTrip(string Slot, string NewVersion, string PreviousVersion, int Trades, double AverageR, double WinRate, string Reason, DateTimeOffset Time)
{
    /// <summary>Back to the previous champion, the new version marked degraded, and only if the new version is still champion.</summary>
    public RollBackVersion ToRollBack() => new(Slot, PreviousVersion, Reason, MarkDegraded: true, Time, ExpectedChampion: NewVersion);
}

/// <summary>
/// The post-promotion circuit breaker as plain data, so a restart mid-window resumes it. Trades closed before the
/// promotion are ignored; the window is [OpenedAt, MonitorUntil) in market time. From <see cref="MinTrades"/> trades on,
/// every trade rechecks average R and win rate (a win is R above zero); falling strictly below either trips it
/// (a value equal to the level, up to rounding, does not).
/// A trade or <see cref="AdvanceTo"/> at or past the end closes it without a trip.
/// </summary>
public sealed record CircuitBreakerState(
    string Slot,
    string NewVersion,
    string PreviousVersion,
    DateTimeOffset OpenedAt,
    DateTimeOffset MonitorUntil,
    int MinTrades,
    double MinAverageR,
    double MinWinRate,
    int Trades,
    int Wins,
    double TotalR,
    BreakerStatus Status,
    BreakerTrip? Trip)
{
    /// <summary>Sums of R carry rounding error; a level met to within this does not trip.</summary>
    private const double Tolerance = 1e-9;

    public static CircuitBreakerState Open(string slot, string newVersion, string previousVersion, DateTimeOffset openedAt, CircuitBreakerSettings? settings = null)
    {
        var s = settings ?? CircuitBreakerSettings.Default;
        if (string.IsNullOrWhiteSpace(previousVersion)) throw new ArgumentException("A breaker needs a previous champion to roll back to.", nameof(previousVersion));
        if (s.Window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(settings), s.Window, "The window must be positive.");
        if (s.MinTrades < 1) throw new ArgumentOutOfRangeException(nameof(settings), s.MinTrades, "At least one trade is needed.");
        return new CircuitBreakerState(slot, newVersion, previousVersion, openedAt, openedAt + s.Window, s.MinTrades, s.MinAverageR, s.MinWinRate,
            0, 0, 0.0, BreakerStatus.Monitoring, null);
    }

    /// <summary>The breaker a promotion opens; none for a slot's first champion, which has nothing to roll back to.</summary>
    public static CircuitBreakerState? OpenFor(VersionPromoted promotion, CircuitBreakerSettings? settings = null) =>
        promotion.PreviousChampion is { } previous ? Open(promotion.Slot, promotion.Version, previous, promotion.Time, settings) : null;

    [JsonIgnore] public double AverageR => Trades == 0 ? 0.0 : TotalR / Trades;

    [JsonIgnore] public double WinRate => Trades == 0 ? 0.0 : Wins / (double)Trades;

    public (CircuitBreakerState State, BreakerTrip? Trip) Apply(double r, DateTimeOffset time)
    {
        if (!double.IsFinite(r)) throw new ArgumentOutOfRangeException(nameof(r), r, "R-multiple must be a finite number.");
        if (Status != BreakerStatus.Monitoring || time < OpenedAt) return (this, null);
        if (time >= MonitorUntil) return (this with { Status = BreakerStatus.Closed }, null);

        var next = this with { Trades = Trades + 1, Wins = Wins + (r > 0 ? 1 : 0), TotalR = TotalR + r };
        if (next.Trades < MinTrades) return (next, null);
        var reasons = new List<string>();
        if (next.AverageR < MinAverageR - Tolerance) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"average R {next.AverageR:0.###} < {MinAverageR}"));
        if (next.WinRate < MinWinRate - Tolerance) reasons.Add(string.Create(CultureInfo.InvariantCulture, $"win rate {next.WinRate * 100:0.#}% < {MinWinRate * 100:0.#}%"));
        if (reasons.Count == 0) return (next, null);

        var reason = $"circuit breaker: {NewVersion} after {next.Trades} trades: {string.Join(", ", reasons)}";
        var trip = new BreakerTrip(Slot, NewVersion, PreviousVersion, next.Trades, next.AverageR, next.WinRate, reason, time);
        return (next with { Status = BreakerStatus.Tripped, Trip = trip }, trip);
    }

    /// <summary>Market time moved on (a bar, a clock tick): at or past the end of the window the breaker closes.</summary>
    public CircuitBreakerState AdvanceTo(DateTimeOffset marketTime) =>
        Status == BreakerStatus.Monitoring && marketTime >= MonitorUntil ? this with { Status = BreakerStatus.Closed } : this;
}
