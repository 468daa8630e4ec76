namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// What the sizing agent sees before a trade.
/// <list type="bullet">
/// <item><c>Equity</c>, <c>StartingEquity</c>: account equity now and at the start (same currency, positive).</item>
/// <item><c>DrawdownPct</c>: percent below the equity peak (≥ 0; 3.5 means 3.5 %).</item>
/// <item><c>EssMode</c>: emergency-stop recovery mode as a number, 0 EMERGENCY, 1 PROTECTIVE, 2 CAUTIOUS, 3 NORMAL.</item>
/// <item><c>VolatilityPct</c>: ATR as a percent of price (≥ 0).</item>
/// <item><c>Regime</c>: market regime index in [0, <see cref="RegimeCount"/>), in the regime detector's order.</item>
/// <item><c>EnsembleConfidence</c>, <c>EnsembleAgreement</c>: the ensemble's confidence and the share of models agreeing, both in [0, 1].</item>
/// <item><c>SymbolWinRate</c>, <c>SymbolAvgR</c>, <c>ModelWinRate</c>, <c>ModelAvgR</c>: recent win rate in [0, 1] and mean R-multiple of the symbol's and of the model's trades.</item>
/// </list>
/// </summary>
public sealed record SizingState(
    double Equity,
    double StartingEquity,
    double DrawdownPct,
    int EssMode,
    double VolatilityPct,
    int Regime,
    double EnsembleConfidence,
    double EnsembleAgreement,
    double SymbolWinRate,
    double SymbolAvgR,
    double ModelWinRate,
    double ModelAvgR)
{
    public const int EssModeCount = 4;
    public const int RegimeCount = 4;
    public const int VectorLength = 10 + RegimeCount;

    /// <summary>
    /// Policy input, every entry roughly within [−1, 1] (drawdown within [0, 2]):
    /// tanh(5·ln(Equity/StartingEquity)), min(DrawdownPct/10, 2), EssMode/3, tanh(VolatilityPct/2),
    /// one-hot regime, confidence, agreement, 2·SymbolWinRate−1, tanh(SymbolAvgR), 2·ModelWinRate−1, tanh(ModelAvgR).
    /// </summary>
    public double[] ToVector()
    {
        Validate();
        var v = new double[VectorLength];
        v[0] = Math.Tanh(5 * Math.Log(Equity / StartingEquity));
        v[1] = Math.Min(DrawdownPct / 10, 2);
        v[2] = EssMode / (double)(EssModeCount - 1);
        v[3] = Math.Tanh(VolatilityPct / 2);
        v[4 + Regime] = 1;
        var i = 4 + RegimeCount;
        v[i++] = EnsembleConfidence;
        v[i++] = EnsembleAgreement;
        v[i++] = 2 * SymbolWinRate - 1;
        v[i++] = Math.Tanh(SymbolAvgR);
        v[i++] = 2 * ModelWinRate - 1;
        v[i] = Math.Tanh(ModelAvgR);
        return v;
    }

    /// <summary>Throws naming the first field that is not finite or out of its range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, object value, string reason)
        {
            if (!ok) throw new ArgumentException($"SizingState.{field} = {value}: {reason}");
        }

        Require(double.IsFinite(Equity) && Equity > 0, nameof(Equity), Equity, "must be positive and finite");
        Require(double.IsFinite(StartingEquity) && StartingEquity > 0, nameof(StartingEquity), StartingEquity, "must be positive and finite");
        Require(double.IsFinite(DrawdownPct) && DrawdownPct >= 0, nameof(DrawdownPct), DrawdownPct, "must be a finite percent ≥ 0");
        Require(EssMode is >= 0 and < EssModeCount, nameof(EssMode), EssMode, "must be 0 EMERGENCY, 1 PROTECTIVE, 2 CAUTIOUS or 3 NORMAL");
        Require(double.IsFinite(VolatilityPct) && VolatilityPct >= 0, nameof(VolatilityPct), VolatilityPct, "must be a finite percent ≥ 0");
        Require(Regime is >= 0 and < RegimeCount, nameof(Regime), Regime, $"must be in [0, {RegimeCount})");
        Require(EnsembleConfidence is >= 0 and <= 1, nameof(EnsembleConfidence), EnsembleConfidence, "must be in [0, 1]");
        Require(EnsembleAgreement is >= 0 and <= 1, nameof(EnsembleAgreement), EnsembleAgreement, "must be in [0, 1]");
        Require(SymbolWinRate is >= 0 and <= 1, nameof(SymbolWinRate), SymbolWinRate, "must be in [0, 1]");
        Require(double.IsFinite(SymbolAvgR), nameof(SymbolAvgR), SymbolAvgR, "must be finite");
        Require(ModelWinRate is >= 0 and <= 1, nameof(ModelWinRate), ModelWinRate, "must be in [0, 1]");
        Require(double.IsFinite(ModelAvgR), nameof(ModelAvgR), ModelAvgR, "must be finite");
    }
}
