namespace QuantumTrader.Models.Ensemble;

public enum FilterVerdict { Execute, ReduceSize, Skip }

/// <summary>
/// Seed 003 P1-02 thresholds. ATR is in percent of price (3.0 means 3%). A signal whose agreement lies strictly
/// between <see cref="NoisyAgreement"/> and <see cref="MinAgreement"/>, or whose confidence is less than
/// <see cref="BorderlineConfidenceMargin"/> above its threshold, trades at <see cref="ReducedSizeMultiplier"/>.
/// <see cref="Enabled"/> false is seed 003's rollback switch: every BUY or SELL the ensemble votes trades at full size.
/// </summary>
public sealed record SignalFilterOptions(
    double MinAgreement = 0.75,
    double MinConfidenceNormal = 0.45,
    double MinConfidenceHighVol = 0.65,
    double HighVolAtrPercent = 3.0,
    double NoisyAgreement = 0.5,
    double BorderlineConfidenceMargin = 0.05,
    double ReducedSizeMultiplier = 0.5,
    bool Enabled = true)
{
    /// <summary>Null when the thresholds can work; else the first that cannot.</summary>
    public string? Validate()
    {
        bool Fraction(double x) => x is >= 0 and <= 1;
        if (!Fraction(MinAgreement)) return $"the filter's agreement minimum is {MinAgreement}; it must be in [0, 1]";
        if (!Fraction(MinConfidenceNormal) || !Fraction(MinConfidenceHighVol))
            return $"the filter's confidence minimums are {MinConfidenceNormal} and {MinConfidenceHighVol}; each must be in [0, 1]";
        if (!(HighVolAtrPercent >= 0 && double.IsFinite(HighVolAtrPercent))) return $"the filter's volatility level is {HighVolAtrPercent}; it must be a percentage >= 0";
        if (!Fraction(NoisyAgreement) || NoisyAgreement > MinAgreement) return $"the filter's noisy agreement {NoisyAgreement} must be in [0, {MinAgreement}]";
        return Fraction(ReducedSizeMultiplier) && BorderlineConfidenceMargin >= 0 ? null : "the filter's reduced size must be in [0, 1] and its margin >= 0";
    }
}

/// <summary>
/// The filter's verdict. Confidence is the plain mean confidence of the models voting the ensemble's action
/// (seed 003's "collective confidence"); SizeMultiplier is 1, the reduced multiplier, or 0.
/// </summary>
public sealed record FilterResult(
    FilterVerdict Verdict,
    double SizeMultiplier,
    double Agreement,
    double Confidence,
    double ConfidenceThreshold,
    bool HighVolatility,
    string NoiseTag,
    string Reason);

public static class NoiseTags
{
    public const string Clean = "clean";
    public const string NoSignal = "no_signal";
    public const string LowAgreement = "low_agreement";
    public const string PartialAgreement = "partial_agreement";
    public const string LowConfidence = "low_confidence";
    public const string HighVolLowConfidence = "high_vol_low_confidence";
    public const string BorderlineConfidence = "borderline_confidence";
    public const string FilterOff = "filter_off";
}

/// <summary>
/// Seed 003 P1-02: stronger consensus and confidence before trading, stricter when volatile.
/// Agreement at or below 50% is noise (the seed rejects a 2/4 agreement); above 50% but under 75% trades at reduced size.
/// </summary>
public sealed class SignalQualityFilter(SignalFilterOptions? options = null)
{
    private readonly SignalFilterOptions _options = options ?? new SignalFilterOptions();

    public SignalFilterOptions Options => _options;

    public FilterResult Evaluate(EnsembleDecision decision, double atrPercent)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!double.IsFinite(atrPercent) || atrPercent < 0)
            throw new ArgumentOutOfRangeException(nameof(atrPercent), atrPercent, "atr percent must be a finite number >= 0");

        var highVol = atrPercent > _options.HighVolAtrPercent;
        var threshold = highVol ? _options.MinConfidenceHighVol : _options.MinConfidenceNormal;
        var backers = decision.Action == TradeAction.Hold ? [] : decision.Votes.Where(v => v.Action == decision.Action).ToArray();
        var confidence = backers.Length == 0 ? 0.0 : backers.Average(v => v.Confidence);
        var agreement = decision.Agreement;

        FilterResult Result(FilterVerdict verdict, string tag, string reason) => new(
            verdict,
            verdict switch
            {
                FilterVerdict.Execute => 1.0,
                FilterVerdict.ReduceSize => _options.ReducedSizeMultiplier,
                _ => 0.0,
            },
            agreement, confidence, threshold, highVol, tag, reason);

        if (decision.Action == TradeAction.Hold)
            return Result(FilterVerdict.Skip, NoiseTags.NoSignal, $"ensemble holds ({decision.Reason})");

        if (!_options.Enabled)
            return Result(FilterVerdict.Execute, NoiseTags.FilterOff, "the signal quality filter is off: traded as the ensemble voted");

        if (!Tolerance.Above(agreement, _options.NoisyAgreement))
            return Result(FilterVerdict.Skip, NoiseTags.LowAgreement,
                $"agreement {agreement:0.###} is not above {_options.NoisyAgreement:0.###}");

        if (!Tolerance.AtLeast(confidence, threshold))
            return Result(FilterVerdict.Skip, highVol ? NoiseTags.HighVolLowConfidence : NoiseTags.LowConfidence,
                $"confidence {confidence:0.####} below {threshold:0.###}" + (highVol ? $" (atr {atrPercent:0.###}% is high volatility)" : ""));

        if (!Tolerance.AtLeast(agreement, _options.MinAgreement))
            return Result(FilterVerdict.ReduceSize, NoiseTags.PartialAgreement,
                $"agreement {agreement:0.###} below {_options.MinAgreement:0.###}");

        if (!Tolerance.AtLeast(confidence, threshold + _options.BorderlineConfidenceMargin))
            return Result(FilterVerdict.ReduceSize, NoiseTags.BorderlineConfidence,
                $"confidence {confidence:0.####} within {_options.BorderlineConfidenceMargin:0.###} of {threshold:0.###}");

        return Result(FilterVerdict.Execute, NoiseTags.Clean, "agreement and confidence pass");
    }
}
