using Microsoft.ML.OnnxRuntime;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Onnx;

/// <summary>
/// Serves a binary ONNX classifier through ONNX Runtime: P(up) = probabilities[0, 1] for one feature row.
/// BUY when P(up) &gt;= BuyThreshold, SELL when P(up) &lt;= 1 - BuyThreshold, HOLD otherwise; confidence = max(p, 1 - p).
/// One row is scored in place through preallocated input and output buffers; a lock serialises callers because those
/// buffers are shared, so the predictor is thread-safe but scores one call at a time. A batch is scored in one call when the
/// model's batch dimension is free (an imported model may fix it at 1; its batch is then scored row by row).
/// </summary>
public sealed class OnnxTreePredictor : IPredictor, IDisposable
{
    public const double DefaultBuyThreshold = 0.55;

    private readonly object _gate = new();
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output = new float[2];
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtIoBinding _binding;
    private readonly string _inputName;
    private readonly string _probabilitiesOutput;
    private readonly bool _batchable;
    private bool _disposed;

    /// <param name="onnxModel">The model bytes; its single float input takes [1, F] and the named output yields [1, 2].</param>
    public OnnxTreePredictor(
        string modelId, string version, FeatureSet features, byte[] onnxModel,
        string inputName = OnnxTreeExporter.InputName, string probabilitiesOutput = OnnxTreeExporter.ProbabilitiesOutput,
        double buyThreshold = DefaultBuyThreshold)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(onnxModel);
        if (!(buyThreshold > 0.5 && buyThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(buyThreshold), buyThreshold, "must be in (0.5, 1] so BUY and SELL cannot both hold");
        if (features.Names.Count == 0) throw new ArgumentException($"feature set {features.Version} has no features", nameof(features));

        ModelId = modelId;
        Version = version;
        Features = features;
        BuyThreshold = buyThreshold;
        _inputName = inputName;
        _probabilitiesOutput = probabilitiesOutput;

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _input = new float[features.Names.Count];
        _session = new InferenceSession(onnxModel, options);
        try
        {
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, _input.Length]);
            _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [1, 2]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(inputName, _inputValue);
            _binding.BindOutput(probabilitiesOutput, _outputValue);
            _batchable = _session.InputMetadata[inputName].Dimensions[0] < 0;
        }
        catch
        {
            _binding?.Dispose();
            _outputValue?.Dispose();
            _inputValue?.Dispose();
            _session.Dispose();
            throw;
        }
    }

    public string ModelId { get; }

    public string Version { get; }

    public FeatureSet Features { get; }

    public double BuyThreshold { get; }

    /// <summary>
    /// Opens a saved tree model: reads the sidecar, checks the .onnx file against it and the slot's feature set,
    /// and serves it. Throws <see cref="ModelArtifactException"/> naming the file when anything does not match.
    /// </summary>
    public static OnnxTreePredictor Open(string sidecarPath, double buyThreshold = DefaultBuyThreshold)
    {
        var artifact = TreeModelArtifact.Load(sidecarPath);
        var info = OnnxModelImporter.Validate(artifact.OnnxPath(sidecarPath), artifact.Features, artifact.Slot);
        return OnnxModelImporter.CreatePredictor(info with { Version = artifact.Version }, buyThreshold);
    }

    public double ProbabilityUp(ReadOnlySpan<float> features)
    {
        if (features.Length != _input.Length)
            throw new ArgumentException($"{ModelId} {Version} takes {_input.Length} features, got {features.Length}", nameof(features));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            features.CopyTo(_input);
            _session.RunWithBinding(_runOptions, _binding);
            return _output[1];
        }
    }

    /// <summary>
    /// A row that is not warm yet gets HOLD with confidence 0 (the indicators are incomplete); a row of another
    /// feature set or with a non-finite value is refused with an ArgumentException naming it.
    /// </summary>
    public Prediction Predict(ModelInput input)
    {
        Span<float> values = _input.Length <= 256 ? stackalloc float[_input.Length] : new float[_input.Length];
        return ReadRow(input, values) ? PredictionFor(ProbabilityUp(values)) : new Prediction(ModelId, TradeAction.Hold, 0);
    }

    /// <summary>Every warm row of the batch scored in one call of the model; the rows are checked as <see cref="Predict"/> checks one.</summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<ModelInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!_batchable || inputs.Count <= 1) return inputs.Select(Predict).ToArray();
        var width = _input.Length;
        var result = new Prediction[inputs.Count];
        var scored = new List<int>(inputs.Count);
        var values = new float[inputs.Count * width];
        for (var i = 0; i < inputs.Count; i++)
        {
            if (ReadRow(inputs[i], values.AsSpan(scored.Count * width, width))) scored.Add(i);
            else result[i] = new Prediction(ModelId, TradeAction.Hold, 0);
        }
        if (scored.Count == 0) return result;
        var probabilities = new float[scored.Count * 2];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values.AsMemory(0, scored.Count * width), [scored.Count, width]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, probabilities.AsMemory(), [scored.Count, 2]);
            _session.Run(_runOptions, [_inputName], [input], [_probabilitiesOutput], [output]);
        }
        for (var k = 0; k < scored.Count; k++) result[scored[k]] = PredictionFor(probabilities[k * 2 + 1]);
        return result;
    }

    private Prediction PredictionFor(double probabilityUp) =>
        new(ModelId, ActionFor(probabilityUp, BuyThreshold), Math.Max(probabilityUp, 1 - probabilityUp));

    /// <summary>Copies the input's feature row into <paramref name="values"/>; false when the row is not warm yet.</summary>
    private bool ReadRow(ModelInput input, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(input);
        var row = input.Features;
        if (!TreeTrainingSet.SameFeatureSet(row.Set, Features))
            throw new ArgumentException($"{ModelId} {Version} was trained on feature set {Features.Version}, the row for {input.Symbol} uses {row.Set.Version}", nameof(input));
        if (!row.IsWarm) return false;
        if (row.Values.Length != values.Length)
            throw new ArgumentException($"the row for {input.Symbol} at {row.Time:O} has {row.Values.Length} values, feature set {Features.Version} has {values.Length}", nameof(input));
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)row.Values[i];
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"the row for {input.Symbol} at {row.Time:O}: feature '{Features.Names[i]}' is {row.Values[i]}", nameof(input));
        }
        return true;
    }

    /// <summary>SELL is tested as P(down) &gt;= threshold so that, e.g., p = 0.45 sells at 0.55 despite 1 - 0.55 rounding below 0.45.</summary>
    public static TradeAction ActionFor(double probabilityUp, double buyThreshold) =>
        probabilityUp >= buyThreshold ? TradeAction.Buy
        : 1 - probabilityUp >= buyThreshold ? TradeAction.Sell
        : TradeAction.Hold;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _binding.Dispose();
            _inputValue.Dispose();
            _outputValue.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
