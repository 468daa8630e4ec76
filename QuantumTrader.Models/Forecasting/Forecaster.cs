using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>What the input channels are before scaling: raw values, or log returns of closes (the trading models).</summary>
public static class SeriesTransforms
{
    public const string None = "none";
    public const string LogReturn = "log-return";
}

/// <summary>MSE and MAE over every value of every window; <see cref="ChannelMse"/> and <see cref="ChannelMae"/> hold them per channel.</summary>
public sealed record ForecastMetrics(double Mse, double Mae, int Windows, IReadOnlyList<double> ChannelMse, IReadOnlyList<double> ChannelMae);

/// <summary>
/// Where and how a forecaster was trained, and how it scored on its validation rows. Trained on several ranges (pooled series),
/// <see cref="Train"/> and <see cref="Validation"/> span them and <see cref="TrainRanges"/> and <see cref="ValidationRanges"/> list them.
/// <see cref="TrainMse"/> is the mean training loss (the model's, e.g. Huber) over the steps before the best validation;
/// <see cref="Steps"/> and <see cref="BestStep"/> count optimiser steps (0 in manifests written before they were recorded).
/// </summary>
public sealed record TrainingSummary(
    int SeriesRows,
    RowRange Train,
    RowRange Validation,
    int Epochs,
    int BestEpoch,
    double TrainMse,
    double ValidationMse,
    double ValidationMae,
    double Seconds,
    ForecastTrainingOptions Options,
    IReadOnlyList<RowRange>? TrainRanges = null,
    IReadOnlyList<RowRange>? ValidationRanges = null,
    int Steps = 0,
    int BestStep = 0);

/// <summary>The JSON sidecar of a forecaster artifact: everything needed to rebuild the network and use it, except the weights.</summary>
public sealed record ForecasterManifest(
    int FormatVersion,
    string ModelId,
    string Version,
    ForecastModelConfig Config,
    IReadOnlyList<string> Channels,
    string Transform,
    ChannelScaling Scaling,
    TrainingSummary Training);

/// <summary>
/// A trained N-HiTS or PatchTST network with its scaling, served in process. Forecasts take raw values (as the training series had them)
/// and return raw values; the network itself works on standardised values. An artifact is a directory with the weights (TorchSharp format)
/// and the JSON manifest.
/// </summary>
public sealed class Forecaster : IDisposable
{
    public const int CurrentFormatVersion = 1;
    public const string ManifestFileName = "forecaster.json";
    public const string WeightsFileName = "weights.bin";

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly ForecastNetwork _network;
    private readonly object _gate = new();

    internal Forecaster(ForecastNetwork network, ForecasterManifest manifest)
    {
        _network = network;
        _network.DetachFromDisposeScopes();
        Manifest = manifest;
        _network.eval();
    }

    public ForecasterManifest Manifest { get; }

    /// <summary>The network in evaluation mode, for inspection (e.g. an N-HiTS decomposition); it works on scaled values.</summary>
    public ForecastNetwork Network => _network;
    public string ModelId => Manifest.ModelId;
    public string Version => Manifest.Version;
    public int Lookback => Manifest.Config.Lookback;
    public int Horizon => Manifest.Config.Horizon;
    public int ChannelCount => Manifest.Channels.Count;

    /// <summary>Forecast of the next Horizon rows (each with every channel) from the last Lookback rows, oldest first.</summary>
    public double[][] Forecast(IReadOnlyList<double[]> window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Count != Lookback) throw new ArgumentException($"{ModelId}: the window must have {Lookback} rows, got {window.Count}");
        var c = ChannelCount;
        var input = new float[Lookback * c];
        for (var t = 0; t < Lookback; t++)
        {
            if (window[t].Length != c) throw new ArgumentException($"{ModelId}: window row {t} has {window[t].Length} values, expected {c} channels");
            for (var ch = 0; ch < c; ch++) input[t * c + ch] = (float)Manifest.Scaling.Scale(window[t][ch], ch);
        }
        var output = Infer(input, 1);
        var result = new double[Horizon][];
        for (var h = 0; h < Horizon; h++)
        {
            result[h] = new double[c];
            for (var ch = 0; ch < c; ch++) result[h][ch] = Manifest.Scaling.Unscale(output[h * c + ch], ch);
        }
        return result;
    }

    /// <summary>Forecast for a single-channel model: the next Horizon values from the last Lookback values.</summary>
    public double[] ForecastUnivariate(IReadOnlyList<double> window) => ForecastUnivariate([window])[0];

    /// <summary>Forecasts for several single-channel windows (each the last Lookback values of its series) in one pass of the network.</summary>
    public double[][] ForecastUnivariate(IReadOnlyList<IReadOnlyList<double>> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (ChannelCount != 1) throw new InvalidOperationException($"{ModelId} forecasts {ChannelCount} channels; use Forecast with rows");
        if (windows.Count == 0) return [];
        var input = new float[windows.Count * Lookback];
        for (var w = 0; w < windows.Count; w++)
        {
            var window = windows[w] ?? throw new ArgumentException($"{ModelId}: window {w} is null", nameof(windows));
            if (window.Count != Lookback) throw new ArgumentException($"{ModelId}: window {w} must have {Lookback} values, got {window.Count}", nameof(windows));
            for (var t = 0; t < Lookback; t++) input[w * Lookback + t] = (float)Manifest.Scaling.Scale(window[t], 0);
        }
        var output = Infer(input, windows.Count);
        var result = new double[windows.Count][];
        for (var w = 0; w < windows.Count; w++)
        {
            result[w] = new double[Horizon];
            for (var h = 0; h < Horizon; h++) result[w][h] = Manifest.Scaling.Unscale(output[w * Horizon + h], 0);
        }
        return result;
    }

    /// <summary>The network's scaled forecasts, [batch, Horizon, channels] flattened, for scaled inputs [batch, Lookback, channels] flattened.</summary>
    private float[] Infer(float[] input, int batch)
    {
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = tensor(input, [batch, Lookback, ChannelCount]);
            return _network.call(x).contiguous().data<float>().ToArray();
        }
    }

    /// <summary>Error over every window (stride 1) of the rows, after scaling the raw series with the training scaling.</summary>
    public ForecastMetrics Evaluate(ChannelSeries series, RowRange rows, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.ChannelCount != ChannelCount) throw new ArgumentException($"{ModelId}: series has {series.ChannelCount} channels, model has {ChannelCount}");
        rows.EnsureWithin(series.Length);
        lock (_gate)
        {
            using var data = tensor(Manifest.Scaling.Apply(series).Values, [series.Length, series.ChannelCount]);
            return WindowBatches.Evaluate(_network, data, rows, batchSize);
        }
    }

    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        lock (_gate) _network.save(Path.Combine(directory, WeightsFileName));
        File.WriteAllText(Path.Combine(directory, ManifestFileName), JsonSerializer.Serialize(Manifest, JsonOptions));
    }

    /// <summary>Loads an artifact directory; a missing or inconsistent file fails with a message naming it and the reason.</summary>
    public static Forecaster Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"forecaster artifact directory '{directory}' does not exist");
        var manifestPath = Path.Combine(directory, ManifestFileName);
        var weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"forecaster artifact '{directory}' has no {ManifestFileName}", manifestPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"forecaster artifact '{directory}' has no {WeightsFileName}", weightsPath);

        ForecasterManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ForecasterManifest>(File.ReadAllText(manifestPath), JsonOptions)
                ?? throw new InvalidDataException($"{manifestPath}: the manifest is null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{manifestPath}: line {(ex.LineNumber ?? 0) + 1}: {ex.Message}", ex);
        }
        Check(manifestPath, manifest);

        var network = TorchRandom.Exclusive(() => manifest.Config.Build(manifest.Channels.Count));
        try
        {
            network.load(weightsPath, strict: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            network.Dispose();
            throw new InvalidDataException($"{weightsPath}: weights do not fit a {manifest.ModelId} network with {manifest.Channels.Count} channels ({ex.Message})", ex);
        }
        return new Forecaster(network, manifest);
    }

    private static void Check(string path, ForecasterManifest m)
    {
        if (m.FormatVersion != CurrentFormatVersion)
            throw new InvalidDataException($"{path}: field FormatVersion is {m.FormatVersion}, this build reads version {CurrentFormatVersion}");
        if (m.Config is null) throw new InvalidDataException($"{path}: field Config is missing");
        if (m.ModelId != m.Config.ModelId)
            throw new InvalidDataException($"{path}: field ModelId is '{m.ModelId}' but Config describes '{m.Config.ModelId}'");
        if (m.Channels is null || m.Channels.Count == 0) throw new InvalidDataException($"{path}: field Channels is empty");
        if (m.Scaling?.Mean is null || m.Scaling.Std is null || m.Scaling.Mean.Length != m.Channels.Count || m.Scaling.Std.Length != m.Channels.Count)
            throw new InvalidDataException($"{path}: field Scaling must have one mean and one std per channel ({m.Channels.Count})");
        if (m.Scaling.Std.Any(s => !(s > 0))) throw new InvalidDataException($"{path}: field Scaling.Std has a value that is not positive");
        if (m.Transform is not (SeriesTransforms.None or SeriesTransforms.LogReturn))
            throw new InvalidDataException($"{path}: field Transform is '{m.Transform}', expected '{SeriesTransforms.None}' or '{SeriesTransforms.LogReturn}'");
        try
        {
            m.Config.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: field Config: {ex.Message}", ex);
        }
    }

    public void Dispose() => _network.Dispose();
}
