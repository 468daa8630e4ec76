using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Turns a return forecast into a vote. Score z = forecast cumulative log return / (sigma * sqrt(horizon)), where sigma is the
/// root mean square of the recent log returns (realised volatility per bar), so z measures the forecast move against the move
/// noise alone would make over the horizon. BUY when z &gt; threshold, SELL when z &lt; -threshold, HOLD otherwise.
/// A trade's confidence is tanh(|z|); a HOLD's is 1 - tanh(|z|), highest when the forecast is flat.
/// </summary>
public sealed record ForecastSignalOptions(double Threshold = 0.25)
{
    public void Validate()
    {
        if (!(Threshold >= 0) || double.IsInfinity(Threshold)) throw new ArgumentException($"signal threshold must be a finite value >= 0, got {Threshold}");
    }
}

/// <summary>One vote with the numbers behind it.</summary>
public sealed record ForecastDecision(TradeAction Action, double Confidence, double CumulativeReturn, double Volatility, double Score)
{
    public static readonly ForecastDecision NoSignal = new(TradeAction.Hold, 0, 0, 0, 0);
}

public static class ForecastSignal
{
    /// <summary>ln(c[i] / c[i-1]) for i = 1 .. n-1.</summary>
    public static double[] LogReturns(IReadOnlyList<double> closes)
    {
        if (closes.Count < 2) return [];
        var r = new double[closes.Count - 1];
        for (var i = 1; i < closes.Count; i++) r[i - 1] = Math.Log(closes[i] / closes[i - 1]);
        return r;
    }

    /// <summary>Root mean square of the returns (their standard deviation around zero).</summary>
    public static double Volatility(IReadOnlyList<double> returns)
    {
        if (returns.Count == 0) return 0;
        double sum = 0;
        foreach (var r in returns) sum += r * r;
        return Math.Sqrt(sum / returns.Count);
    }

    /// <summary>HOLD with confidence 0 when the forecast or the volatility is not usable (zero volatility means no scale to judge a move by).</summary>
    public static ForecastDecision Decide(double cumulativeReturn, double volatility, int horizon, double threshold)
    {
        if (horizon < 1) throw new ArgumentException($"horizon must be at least 1, got {horizon}");
        if (!double.IsFinite(cumulativeReturn) || !double.IsFinite(volatility) || volatility <= 0) return ForecastDecision.NoSignal;
        var z = cumulativeReturn / (volatility * Math.Sqrt(horizon));
        var squashed = Math.Tanh(Math.Abs(z));
        var action = z > threshold ? TradeAction.Buy : z < -threshold ? TradeAction.Sell : TradeAction.Hold;
        var confidence = action == TradeAction.Hold ? 1 - squashed : squashed;
        return new ForecastDecision(action, confidence, cumulativeReturn, volatility, z);
    }
}
