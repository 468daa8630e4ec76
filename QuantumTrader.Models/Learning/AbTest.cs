using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Seed 002's A/B test: <see cref="Share"/> of the slot's live decisions (20 %) go to the challenger. It ends once the
/// challenger's arm has <see cref="MinTrades"/> trades or <see cref="Duration"/> has passed (100 trades or a week),
/// and recommends the switch only with at least <see cref="MinTrades"/> challenger trades and a Sharpe ratio more than
/// <see cref="MinImprovement"/> (15 %) better than the champion's.
/// </summary>
public sealed record AbTestSettings(double Share, int MinTrades, TimeSpan Duration, double MinImprovement)
{
    public static readonly AbTestSettings Seed = new(0.2, 100, TimeSpan.FromDays(7), 0.15);

    /// <summary>A win awaits an operator's review (<see cref="PromotionAwaitingReview"/>) instead of promoting the challenger.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool AwaitsReview { get; init; }

    public string? Validate()
    {
        if (!(Share is > 0 and < 1)) return string.Create(CultureInfo.InvariantCulture, $"the A/B share is {Share}; it must be between 0 and 1");
        if (MinTrades < 1) return $"the A/B test's trade minimum is {MinTrades}; it must be at least 1";
        if (Duration <= TimeSpan.Zero) return "the A/B test's duration must be positive";
        return double.IsFinite(MinImprovement) ? null : "the A/B test's improvement threshold must be a finite number";
    }
}

/// <summary>One arm's trades as the slot's vote earned them (R-multiples, <see cref="ModelAttribution"/>).</summary>
public sealed record ArmStats(int Trades, int Wins, double SumR, double SumSquaredR)
{
    public static readonly ArmStats None = new(0, 0, 0, 0);

    public ArmStats Add(double r) => new(Trades + 1, Wins + (r > 0 ? 1 : 0), SumR + r, SumSquaredR + r * r);

    [JsonIgnore] public double AverageR => Trades == 0 ? 0 : SumR / Trades;
    [JsonIgnore] public double WinRate => Trades == 0 ? 0 : (double)Wins / Trades;

    /// <summary>Mean R over its sample standard deviation, per trade; 0 below two trades or without spread.</summary>
    [JsonIgnore]
    public double Sharpe
    {
        get
        {
            if (Trades < 2) return 0;
            var variance = (SumSquaredR - SumR * SumR / Trades) / (Trades - 1);
            return variance > 0 ? AverageR / Math.Sqrt(variance) : 0;
        }
    }
}

/// <summary>Which decisions go to the challenger: a hash of the test, the symbol and the bar, so a replay splits the same way.</summary>
public static class AbSplit
{
    public static bool ToChallenger(string slot, string challenger, string symbol, DateTimeOffset decidedAt, double share)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{slot}|{challenger}|{symbol}|{decidedAt.UtcTicks}")), hash);
        return BitConverter.ToUInt64(hash) / 18446744073709551616.0 < share;
    }
}

/// <summary>The A/B test's verdict on its two arms.</summary>
public static class AbTestJudge
{
    /// <summary>True when the test has run its course at <paramref name="now"/>.</summary>
    public static bool Due(ArmStats challenger, DateTimeOffset started, DateTimeOffset now, AbTestSettings settings) =>
        challenger.Trades >= settings.MinTrades || now - started >= settings.Duration;

    public static (bool Switch, string Verdict) Judge(ArmStats champion, ArmStats challenger, AbTestSettings settings)
    {
        var arms = string.Create(CultureInfo.InvariantCulture,
            $"challenger {challenger.Trades} trades, Sharpe {challenger.Sharpe:0.###}, average R {challenger.AverageR:0.###}; champion {champion.Trades} trades, Sharpe {champion.Sharpe:0.###}, average R {champion.AverageR:0.###}");
        if (challenger.Trades < settings.MinTrades)
            return (false, $"keep the champion: {challenger.Trades} challenger trades < {settings.MinTrades}, too few to judge ({arms})");
        var needed = champion.Sharpe + settings.MinImprovement * Math.Abs(champion.Sharpe);
        return challenger.Sharpe > needed && champion.Trades > 0
            ? (true, string.Create(CultureInfo.InvariantCulture, $"switch: challenger Sharpe {challenger.Sharpe:0.###} > {needed:0.###} ({settings.MinImprovement:P0} better than the champion's; {arms})"))
            : (false, string.Create(CultureInfo.InvariantCulture, $"keep the champion: challenger Sharpe {challenger.Sharpe:0.###} <= {needed:0.###} ({arms})"));
    }
}

/// <summary>An estimate with its 95 % interval.</summary>
public sealed record Interval(double Low, double Estimate, double High);

/// <summary>
/// Seed 002's live comparison of a running A/B test: both arms so far, each arm's per-trade Sharpe ratio and the
/// challenger's lead in mean R with 95 % intervals, when the test ends at the latest, and what it would decide if it
/// ended now. An interval needs two trades in each arm it covers (null before).
/// </summary>
public sealed record AbTestProgress(
    string Slot, string Version, string Champion, DateTimeOffset Started, AbTestSettings Settings, ArmStats ChampionArm, ArmStats ChallengerArm,
    DateTimeOffset EndsBy, int ChallengerTradesToGo, Interval? ChampionSharpe, Interval? ChallengerSharpe, Interval? MeanRLead, bool WouldSwitch, string IfEndedNow)
{
    /// <summary>The normal 97.5 % quantile: the intervals are normal approximations, fair from about 30 trades an arm.</summary>
    public const double Z = 1.959964;

    public static AbTestProgress Of(AbTestStarted test, ArmStats champion, ArmStats challenger)
    {
        var (wouldSwitch, verdict) = AbTestJudge.Judge(champion, challenger, test.Settings);
        return new AbTestProgress(test.Slot, test.Version, test.Champion, test.Time, test.Settings, champion, challenger, test.Time + test.Settings.Duration,
            Math.Max(0, test.Settings.MinTrades - challenger.Trades), SharpeInterval(champion), SharpeInterval(challenger), Lead(champion, challenger),
            wouldSwitch, verdict);
    }

    /// <summary>Sample variance of the arm's R-multiples; null below two trades.</summary>
    public static double? Variance(ArmStats arm) => arm.Trades < 2 ? null : Math.Max(0, (arm.SumSquaredR - arm.SumR * arm.SumR / arm.Trades) / (arm.Trades - 1));

    /// <summary>The per-trade Sharpe ratio with Lo's (2002) standard error for independent trades, sqrt((1 + SR²/2) / n).</summary>
    public static Interval? SharpeInterval(ArmStats arm)
    {
        if (Variance(arm) is not > 0) return null;
        var sharpe = arm.Sharpe;
        var se = Math.Sqrt((1 + sharpe * sharpe / 2) / arm.Trades);
        return new Interval(sharpe - Z * se, sharpe, sharpe + Z * se);
    }

    /// <summary>The challenger's mean R minus the champion's, with Welch's standard error (the arms' variances may differ).</summary>
    public static Interval? Lead(ArmStats champion, ArmStats challenger)
    {
        if (Variance(champion) is not { } a || Variance(challenger) is not { } b) return null;
        var lead = challenger.AverageR - champion.AverageR;
        var se = Math.Sqrt(a / champion.Trades + b / challenger.Trades);
        return new Interval(lead - Z * se, lead, lead + Z * se);
    }
}
