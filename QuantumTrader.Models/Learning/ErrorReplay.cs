using System.Globalization;
using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Seed 004's error replay buffer: each validation run (a shadow test's judged window) adds the serving model's
/// <see cref="PerRun"/> most confident wrong calls; the buffer keeps the <see cref="MaxSize"/> most confident; the next
/// retraining of the slot weights those bars <see cref="Weight"/> times, on at most <see cref="MaxShare"/> of its rows.
/// </summary>
public sealed record ErrorReplaySettings(int MaxSize, int PerRun, double Weight, double MaxShare)
{
    /// <summary>Seed 004: 1,000 errors kept, 100 per validation run, replayed 3x, 20 % of the training data.</summary>
    public static readonly ErrorReplaySettings Seed = new(1000, 100, 3, 0.2);

    /// <summary>What seed 004 calls a high-confidence error, replayed first.</summary>
    public const double HighConfidence = 0.8;

    public string? Validate()
    {
        if (MaxSize < 1) return $"the error replay buffer holds {MaxSize} errors; it must hold at least 1";
        if (PerRun < 1 || PerRun > MaxSize) return $"the errors kept per validation run are {PerRun}; they must be between 1 and the buffer's {MaxSize}";
        if (!(Weight >= 1 && double.IsFinite(Weight)))
            return string.Create(CultureInfo.InvariantCulture, $"the replay weight is {Weight}; it must be a finite number of at least 1");
        return MaxShare is > 0 and <= 1 ? null : string.Create(CultureInfo.InvariantCulture, $"the replay share is {MaxShare}; it must be in (0, 1]");
    }
}

/// <summary>One symbol's bar: the key of a replayed sample (its features and label follow from the market data).</summary>
public sealed record BarKey(string Symbol, DateTimeOffset Time);

/// <summary>A directional call a model made on a bar, with its confidence, and whether the close rose over the label horizon.</summary>
public sealed record ScoredCall(string Symbol, DateTimeOffset Time, MarketRegime Regime, bool Up, TradeAction Action, double Confidence)
{
    /// <summary>BUY on a falling bar or SELL on a rising one; HOLD is no call and never wrong.</summary>
    [JsonIgnore] public bool Wrong => Action == TradeAction.Buy ? !Up : Action == TradeAction.Sell && Up;
}

/// <summary>
/// A wrong call kept for replay: its bar, regime and true label, what <see cref="Version"/> called and how confidently
/// (the error score: a confident wrong call is the worst).
/// </summary>
public sealed record PredictionError(string Symbol, DateTimeOffset Time, MarketRegime Regime, bool Up, TradeAction Predicted, double Confidence, string Version)
{
    [JsonIgnore] public BarKey Key => new(Symbol, Time);
}

/// <summary>Seed 004's error statistics of one slot's buffer.</summary>
public sealed record ErrorReplayStats(
    int Errors, IReadOnlyDictionary<string, int> ByRegime, IReadOnlyDictionary<string, int> ByLabel, double AverageConfidence, int HighConfidence)
{
    public static ErrorReplayStats Of(IReadOnlyCollection<PredictionError> errors) => new(
        errors.Count,
        new SortedDictionary<string, int>(errors.GroupBy(e => e.Regime.ToString()).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal),
        new SortedDictionary<string, int>(errors.GroupBy(e => e.Up ? "up" : "down").ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal),
        errors.Count == 0 ? 0 : errors.Average(e => e.Confidence),
        errors.Count(e => e.Confidence >= ErrorReplaySettings.HighConfidence));
}

/// <summary>One slot's buffer, most confident error first (ties: older bar first, then symbol), each bar once.</summary>
public sealed record ErrorReplayBuffer(IReadOnlyList<PredictionError> Errors)
{
    public static readonly ErrorReplayBuffer Empty = new([]);

    /// <summary>A validation run's worst errors: the <paramref name="perRun"/> most confident wrong calls.</summary>
    public static IReadOnlyList<PredictionError> Worst(IEnumerable<ScoredCall> calls, string version, int perRun) =>
        Ranked(calls.Where(c => c.Wrong).Select(c => new PredictionError(c.Symbol, c.Time, c.Regime, c.Up, c.Action, c.Confidence, version)))
            .Take(perRun).ToArray();

    /// <summary>The buffer with <paramref name="errors"/> added: a bar already held keeps its more confident error; the <paramref name="maxSize"/> most confident stay.</summary>
    public ErrorReplayBuffer Add(IEnumerable<PredictionError> errors, int maxSize)
    {
        var byBar = Errors.ToDictionary(e => e.Key);
        foreach (var e in errors)
            if (!byBar.TryGetValue(e.Key, out var held) || e.Confidence > held.Confidence) byBar[e.Key] = e;
        return new ErrorReplayBuffer(Ranked(byBar.Values).Take(maxSize).ToArray());
    }

    /// <summary>The buffer without the errors on <paramref name="bars"/> (replayed by a version that was then promoted).</summary>
    public ErrorReplayBuffer Remove(IEnumerable<BarKey> bars)
    {
        var gone = bars.ToHashSet();
        return gone.Count == 0 ? this : new ErrorReplayBuffer(Errors.Where(e => !gone.Contains(e.Key)).ToArray());
    }

    /// <summary>The errors a retraining on <paramref name="trainingRows"/> rows replays: the most confident, at most <paramref name="maxShare"/> of the rows.</summary>
    public IReadOnlyList<PredictionError> ForReplay(int trainingRows, double maxShare) =>
        Errors.Take((int)Math.Floor(trainingRows * maxShare)).ToArray();

    public ErrorReplayStats Stats() => ErrorReplayStats.Of(Errors.ToArray());

    private static IOrderedEnumerable<PredictionError> Ranked(IEnumerable<PredictionError> errors) =>
        errors.OrderByDescending(e => e.Confidence).ThenBy(e => e.Time).ThenBy(e => e.Symbol, StringComparer.Ordinal);
}
