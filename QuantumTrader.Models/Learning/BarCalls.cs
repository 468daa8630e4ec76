using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// A slot's call at one bar, answered again by the artifact of the version that served the bar, with the bar's regime
/// and whether the close rose over the label horizon (null when the data ends before the label bar).
/// </summary>
public sealed record BarCall(string ModelId, string Version, string Symbol, DateTimeOffset Time, string Regime, TradeAction Action, double Confidence, bool? Up);

/// <summary>
/// How the calls answered again compare with the votes the journal holds at the same bars: each vote the same action with
/// a confidence within the tolerance, a vote that was a failed model's fallback HOLD not compared, and a vote whose
/// version could not answer again (its artifact deleted) counted as missing.
/// </summary>
public sealed record VoteAgreement(int Compared, int Same, int Fallbacks, int Missing, IReadOnlyList<string> Differences)
{
    public bool AllSame => Same == Compared;
}

public static class BarCalls
{
    /// <summary>A call differs from a journaled vote when its confidence moved by more than this: a forecaster's forward pass over a batch rounds its float32 sums in another order than over one window, by about 1e-6.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>The calls whose label is known, as the votes <see cref="PredictionAccuracy.Of"/> scores.</summary>
    public static IEnumerable<ScoredVote> Scored(IEnumerable<BarCall> calls) =>
        calls.Where(c => c.Up is not null).Select(c => new ScoredVote(c.ModelId, c.Symbol, c.Regime, c.Action, c.Up!.Value));

    /// <summary>Compares every vote of <paramref name="decisions"/> with the call answered again at its bar; at most <paramref name="shown"/> differences are described.</summary>
    public static VoteAgreement Compare(IEnumerable<TradeDecisionRecord> decisions, IEnumerable<BarCall> calls, int shown = 10)
    {
        var byBar = new Dictionary<(string, string, DateTimeOffset), BarCall>();
        foreach (var c in calls) byBar[(c.ModelId, c.Symbol, c.Time)] = c;
        int compared = 0, same = 0, fallbacks = 0, missing = 0;
        var differences = new List<string>();
        foreach (var d in decisions)
        foreach (var v in d.Ensemble.Votes)
        {
            if (v.Fallback is not null)
            {
                fallbacks++;
                continue;
            }
            if (!byBar.TryGetValue((v.ModelId, d.Symbol, d.DecidedAt), out var call))
            {
                missing++;
                continue;
            }
            compared++;
            if (call.Action == v.Action && Math.Abs(call.Confidence - v.Confidence) <= Tolerance) same++;
            else if (differences.Count < shown)
                differences.Add(FormattableString.Invariant(
                    $"{d.Symbol} {d.DecidedAt:yyyy-MM-dd HH:mm} {v.ModelId}: journal {v.Action} {v.Confidence:0.######}, {call.Version} answers {call.Action} {call.Confidence:0.######}"));
        }
        return new VoteAgreement(compared, same, fallbacks, missing, differences);
    }
}
