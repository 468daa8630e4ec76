using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Serves a log-return forecaster as an ensemble vote: the last Lookback + 1 closes give Lookback log returns, the forecaster predicts the
/// next Horizon returns, and <see cref="ForecastSignal.Decide"/> maps their sum to BUY / SELL / HOLD. Too few closes, or a close that is
/// not a positive finite price, give HOLD with confidence 0. The predictor owns the forecaster.
/// </summary>
public abstract class ForecastPredictor : IPredictor, IDisposable
{
    private readonly Forecaster _forecaster;
    private readonly ForecastSignalOptions _signal;

    protected ForecastPredictor(string modelId, Forecaster forecaster, ForecastSignalOptions? signal)
    {
        ArgumentNullException.ThrowIfNull(forecaster);
        if (forecaster.ModelId != modelId)
            throw new ArgumentException($"a {modelId} predictor cannot serve a {forecaster.ModelId} forecaster", nameof(forecaster));
        if (forecaster.Manifest.Transform != SeriesTransforms.LogReturn || forecaster.ChannelCount != 1)
            throw new ArgumentException($"{forecaster.Version} forecasts {forecaster.ChannelCount} '{forecaster.Manifest.Transform}' channel(s); a predictor needs one '{SeriesTransforms.LogReturn}' channel", nameof(forecaster));
        _signal = signal ?? new ForecastSignalOptions();
        _signal.Validate();
        _forecaster = forecaster;
        ModelId = modelId;
    }

    public string ModelId { get; }
    public string Version => _forecaster.Version;
    public ForecasterManifest Manifest => _forecaster.Manifest;

    /// <summary>Closes needed for a forecast: one more than the lookback, since returns are differences.</summary>
    public int RequiredCloses => _forecaster.Lookback + 1;

    public Prediction Predict(ModelInput input)
    {
        var decision = Assess(input);
        return new Prediction(ModelId, decision.Action, decision.Confidence);
    }

    public ForecastDecision Assess(ModelInput input) => Assess([input])[0];

    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<ModelInput> inputs) =>
        Assess(inputs).Select(d => new Prediction(ModelId, d.Action, d.Confidence)).ToArray();

    /// <summary>The decisions for several inputs; the inputs with enough good closes are forecast together in one pass of the network.</summary>
    public IReadOnlyList<ForecastDecision> Assess(IReadOnlyList<ModelInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var decisions = new ForecastDecision[inputs.Count];
        var forecast = new List<int>(inputs.Count);
        var windows = new List<double[]>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var returns = RecentReturns(inputs[i] ?? throw new ArgumentException($"input {i} is null", nameof(inputs)));
            if (returns is null) decisions[i] = ForecastDecision.NoSignal;
            else
            {
                forecast.Add(i);
                windows.Add(returns);
            }
        }
        var forecasts = _forecaster.ForecastUnivariate(windows);
        for (var k = 0; k < forecast.Count; k++)
            decisions[forecast[k]] = ForecastSignal.Decide(forecasts[k].Sum(), ForecastSignal.Volatility(windows[k]), _forecaster.Horizon, _signal.Threshold);
        return decisions;
    }

    /// <summary>The log returns of the last <see cref="RequiredCloses"/> closes; null when there are too few or one is not a positive finite price.</summary>
    private double[]? RecentReturns(ModelInput input)
    {
        var closes = input.RecentCloses;
        if (closes is null || closes.Count < RequiredCloses) return null;
        var recent = new double[RequiredCloses];
        for (var i = 0; i < recent.Length; i++)
        {
            var c = closes[closes.Count - RequiredCloses + i];
            if (!double.IsFinite(c) || c <= 0) return null;
            recent[i] = c;
        }
        return ForecastSignal.LogReturns(recent);
    }

    /// <summary>The slot's predictor for the forecaster artifact in <paramref name="directory"/>; a bad artifact or another model's throws.</summary>
    public static ForecastPredictor Open(string slot, string directory)
    {
        var forecaster = Forecaster.Load(directory);
        try
        {
            return slot switch
            {
                ModelSlots.Nhits => new NhitsPredictor(forecaster),
                ModelSlots.PatchTst => new PatchTstPredictor(forecaster),
                _ => throw new ArgumentException($"'{slot}' is not a forecasting slot; expected {string.Join(" or ", ModelSlots.Forecasters)}", nameof(slot)),
            };
        }
        catch
        {
            forecaster.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _forecaster.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The N-HiTS slot of the ensemble.</summary>
public sealed class NhitsPredictor(Forecaster forecaster, ForecastSignalOptions? signal = null)
    : ForecastPredictor(ModelSlots.Nhits, forecaster, signal);

/// <summary>The PatchTST slot of the ensemble.</summary>
public sealed class PatchTstPredictor(Forecaster forecaster, ForecastSignalOptions? signal = null)
    : ForecastPredictor(ModelSlots.PatchTst, forecaster, signal);
