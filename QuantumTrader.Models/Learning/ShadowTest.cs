using System.Text.Json.Serialization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// One bar scored in shadow: what the champion and the challenger voted and whether the close rose over the label
/// horizon. Only the champion's vote trades; the challenger's is recorded and judged.
/// </summary>
public sealed record ShadowSample(string Symbol, DateTimeOffset Time, MarketRegime Regime, bool Up, TradeAction Champion, TradeAction Challenger);

/// <summary>Directional calls (BUY or SELL; HOLD is no call) and how many the close proved right.</summary>
public sealed record CallAccuracy(int Calls, int Correct)
{
    public static readonly CallAccuracy None = new(0, 0);

    [JsonIgnore] public double Accuracy => Calls == 0 ? 0 : (double)Correct / Calls;

    public CallAccuracy Add(TradeAction action, bool up) => action switch
    {
        TradeAction.Buy => new(Calls + 1, Correct + (up ? 1 : 0)),
        TradeAction.Sell => new(Calls + 1, Correct + (up ? 0 : 1)),
        _ => this,
    };
}

/// <summary>
/// What a shadow test measured over [<see cref="From"/>, <see cref="To"/>): both models' calls on the same bars, the
/// challenger's by regime (the crash check) and by symbol, and how far the features moved from its training rows.
/// </summary>
public sealed record ShadowTestResult(
    DateTimeOffset From,
    DateTimeOffset To,
    int Bars,
    CallAccuracy Champion,
    CallAccuracy Challenger,
    IReadOnlyDictionary<string, CallAccuracy> ChallengerByRegime,
    IReadOnlyDictionary<string, CallAccuracy> ChallengerBySymbol,
    FeatureDriftScore Drift)
{
    /// <summary>
    /// The challenger's calls on the buffered errors its training replayed (seed 004's repeat errors: every one was a wrong
    /// call of the model that made it); null when it replayed none. These bars were training rows, so this is in-sample.
    /// </summary>
    public CallAccuracy? Replayed { get; init; }

    public static ShadowTestResult Score(IEnumerable<ShadowSample> samples, FeatureDriftScore drift, DateTimeOffset from, DateTimeOffset to)
    {
        var bars = 0;
        var champion = CallAccuracy.None;
        var challenger = CallAccuracy.None;
        var byRegime = new SortedDictionary<string, CallAccuracy>(StringComparer.Ordinal);
        var bySymbol = new SortedDictionary<string, CallAccuracy>(StringComparer.Ordinal);
        foreach (var s in samples)
        {
            bars++;
            champion = champion.Add(s.Champion, s.Up);
            challenger = challenger.Add(s.Challenger, s.Up);
            var regime = s.Regime.ToString();
            byRegime[regime] = byRegime.GetValueOrDefault(regime, CallAccuracy.None).Add(s.Challenger, s.Up);
            bySymbol[s.Symbol] = bySymbol.GetValueOrDefault(s.Symbol, CallAccuracy.None).Add(s.Challenger, s.Up);
        }
        return new ShadowTestResult(from, to, bars, champion, challenger, byRegime, bySymbol, drift);
    }
}
