using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Benchmark settings; the published numbers come from the full protocol (many epochs, every training window), a reduced run
/// (fewer epochs, <see cref="MaxTrainWindows"/>) trades accuracy for time. Null batch size and learning rate mean each model's default.
/// </summary>
public sealed record ForecastBenchmarkOptions(
    int Epochs = 10,
    int? BatchSize = null,
    double? LearningRate = null,
    int Patience = 3,
    int? MaxTrainWindows = null,
    int Threads = 1,
    long Seed = 2021,
    int EvaluationBatchSize = 256);

/// <summary>Test-set MSE and MAE on standardised values, over every window with stride 1.</summary>
public sealed record ForecastResult(string Model, int Horizon, double Mse, double Mae, double TrainSeconds, int Epochs);

public sealed record ForecastBenchmarkResult(string Dataset, IReadOnlyList<ForecastResult> Results);

/// <summary>A figure reported in a paper, for comparison.</summary>
public sealed record PublishedScore(string Dataset, string Model, int Horizon, double Mse, double Mae);

/// <summary>
/// Long-horizon benchmark on an ETT file with the papers' protocol: 12/4/4-month split, every channel standardised with the training
/// mean and std, all seven channels forecast channel-independently, PatchTST/42 (look-back 336) and N-HiTS (look-back 5 x horizon),
/// early stopping on the validation months, MSE and MAE on the test months.
/// </summary>
public sealed class ForecastBenchmark(ForecastBenchmarkOptions? options = null, Action<string>? progress = null)
{
    public static readonly IReadOnlyList<string> AllModels = [ModelSlots.PatchTst, ModelSlots.Nhits];

    /// <summary>ETTh1, multivariate: PatchTST/42 from Nie et al. (ICLR 2023) table 3, N-HiTS from Challu et al. (AAAI 2023).</summary>
    public static readonly IReadOnlyList<PublishedScore> Published =
    [
        new("ETTh1", ModelSlots.PatchTst, 96, 0.375, 0.399),
        new("ETTh1", ModelSlots.PatchTst, 192, 0.414, 0.421),
        new("ETTh1", ModelSlots.PatchTst, 336, 0.431, 0.436),
        new("ETTh1", ModelSlots.PatchTst, 720, 0.449, 0.466),
        new("ETTh1", ModelSlots.Nhits, 96, 0.378, 0.393),
        new("ETTh1", ModelSlots.Nhits, 192, 0.427, 0.436),
        new("ETTh1", ModelSlots.Nhits, 336, 0.458, 0.484),
        new("ETTh1", ModelSlots.Nhits, 720, 0.561, 0.501),
    ];

    public ForecastBenchmarkOptions Options { get; } = options ?? new ForecastBenchmarkOptions();

    public static PublishedScore? PublishedFor(string dataset, string model, int horizon) =>
        Published.FirstOrDefault(p => p.Dataset == dataset && p.Model == model && p.Horizon == horizon);

    /// <summary>PatchTST/42 as in the paper; N-HiTS with neuralforecast's defaults and input size 5 x horizon.</summary>
    public static ForecastModelConfig ProtocolConfig(string model, int horizon) => model switch
    {
        ModelSlots.PatchTst => PatchTstConfig.PatchTst42(horizon),
        ModelSlots.Nhits => NhitsConfig.Default(5 * horizon, horizon),
        _ => throw new ArgumentException($"unknown forecasting model '{model}'; expected one of {string.Join(", ", AllModels)}", nameof(model)),
    };

    public ForecastBenchmarkResult Run(string dataPath, IReadOnlyList<int> horizons, IReadOnlyList<string>? models = null)
    {
        progress?.Invoke($"reading {dataPath}");
        return Run(EttDataset.Read(dataPath), horizons, models);
    }

    public ForecastBenchmarkResult Run(EttData data, IReadOnlyList<int> horizons, IReadOnlyList<string>? models = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(horizons);
        if (horizons.Count == 0) throw new ArgumentException("at least one horizon is needed", nameof(horizons));
        if (horizons.Any(h => h < 1)) throw new ArgumentException($"horizons must be positive, got {string.Join(",", horizons)}", nameof(horizons));
        var chosen = (models ?? AllModels).Select(m => m.Trim().ToLowerInvariant()).ToArray();
        foreach (var m in chosen) ProtocolConfig(m, 1); // an unknown name fails before any training starts

        var split = EttSplit.Standard(data.Interval);
        if (data.Series.Length < split.TestEnd)
            throw new ArgumentException($"{data.Name} has {data.Series.Length} rows; the 12/4/4-month split needs {split.TestEnd}");
        var training = new ForecastTrainingOptions(
            Options.Epochs, Options.BatchSize, Options.LearningRate, Options.Patience, Options.MaxTrainWindows,
            Options.Threads, Options.Seed, Standardize: true, Options.EvaluationBatchSize);

        var results = new List<ForecastResult>();
        foreach (var model in chosen)
            foreach (var horizon in horizons)
            {
                var config = ProtocolConfig(model, horizon);
                if (config.Lookback + horizon > split.TrainEnd)
                    throw new ArgumentException($"{model} at horizon {horizon} needs look-back {config.Lookback}, too long for {split.TrainEnd} training rows");
                progress?.Invoke($"{data.Name} {model} horizon {horizon}: look-back {config.Lookback}, training on rows [0, {split.TrainEnd})");
                using var forecaster = ForecasterTrainer.Train(config, data.Series, split.Train, split.Validation(config.Lookback), training, progress);
                var test = forecaster.Evaluate(data.Series, split.Test(config.Lookback), Options.EvaluationBatchSize);
                var result = new ForecastResult(model, horizon, test.Mse, test.Mae, forecaster.Manifest.Training.Seconds, forecaster.Manifest.Training.Epochs);
                var published = PublishedFor(data.Name, model, horizon);
                progress?.Invoke($"{data.Name} {model} horizon {horizon}: test mse {test.Mse:F4} mae {test.Mae:F4} over {test.Windows} windows, " +
                                 $"{result.Epochs} epochs in {result.TrainSeconds:F0}s" +
                                 (published is null ? "" : $" (published {published.Mse:F3}/{published.Mae:F3})"));
                results.Add(result);
            }
        return new ForecastBenchmarkResult(data.Name, results);
    }
}
