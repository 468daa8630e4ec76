using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Benchmark settings; the published numbers come from the full protocol (many epochs, every training window), a reduced run
/// (fewer epochs, <see cref="MaxTrainWindows"/>) trades accuracy for time. Null batch size means each model's default (for N-HiTS the batch is
/// the number of single-channel windows drawn per step); null learning rate,
/// <see cref="Patience"/>, <see cref="MaxSteps"/>, <see cref="ValidationInterval"/>, <see cref="LearningRateDecays"/> and <see cref="PartialHorizons"/> mean the
/// model's protocol schedule (<see cref="ForecastBenchmark.ProtocolSchedule"/>), and so do null <see cref="Epochs"/>. <see cref="SearchTrials"/> = n runs a random search of n trials
/// for N-HiTS at each horizon (<see cref="NhitsSearchSpace.LongHorizon"/>, drawn with <see cref="Seed"/>) and keeps the trial with the lowest
/// validation error in <see cref="SelectOn"/>; the search sets the learning rate, steps, kernels, downsampling and weight seed itself.
/// <see cref="SearchFirstTrial"/> (1-based) runs only the draws from that one on, so a long search can be split across processes: each
/// part keeps the best of its own trials, and the best of the parts is the search's selection.
/// <see cref="KeepFinalWeights"/> keeps every training's weights after its last step instead of its best validation's
/// (<see cref="ForecastTrainingOptions.KeepFinalWeights"/>); with <see cref="ValidationMetric.Mae"/> it is neuralforecast's AutoNHITS rule.
/// <see cref="RefitWithValidation"/> trains the search's selected trial again on the training and validation months together, keeping its final
/// weights, and tests that model (neuralforecast's <c>refit_with_val=True</c>: the refit gets no validation rows); with a split search each part
/// refits its own selection. <see cref="NhitsLookbackFactor"/> sets N-HiTS' look-back in horizons (null: the experiment's
/// <see cref="NhitsConfig.LongHorizonLookbackFactor"/>), and <see cref="ScaleOnValidationMonths"/> which months standardise the channels (null: the
/// model's protocol), so the issue's literal protocol (look-back 5 x horizon, training-month statistics) can be run as well.
/// </summary>
public sealed record ForecastBenchmarkOptions(
    int? Epochs = null,
    int? BatchSize = null,
    double? LearningRate = null,
    int? Patience = null,
    int? MaxTrainWindows = null,
    int Threads = 1,
    long Seed = 2021,
    int EvaluationBatchSize = 256,
    int? MaxSteps = null,
    int? ValidationInterval = null,
    int? LearningRateDecays = null,
    bool? PartialHorizons = null,
    int? SearchTrials = null,
    ValidationMetric SelectOn = ValidationMetric.Mse,
    bool KeepFinalWeights = false,
    int SearchFirstTrial = 1,
    bool RefitWithValidation = false,
    int? NhitsLookbackFactor = null,
    bool? ScaleOnValidationMonths = null)
{
    public void Validate()
    {
        if (NhitsLookbackFactor is < 1) throw new ArgumentException($"the N-HiTS look-back factor must be at least 1, got {NhitsLookbackFactor}");
        if (SearchTrials is < 1) throw new ArgumentException($"a search needs at least one trial, got {SearchTrials}");
        if (SearchFirstTrial < 1 || SearchFirstTrial > (SearchTrials ?? 1))
            throw new ArgumentException($"the first trial to run must be one of the search's 1 to {SearchTrials ?? 1}, got {SearchFirstTrial}");
        if (SearchTrials is not null && (LearningRate is not null || MaxSteps is not null))
            throw new ArgumentException("the search chooses the learning rate and the number of steps; leave them unset with a search");
        if (RefitWithValidation && SearchTrials is null)
            throw new ArgumentException("a refit on the validation months retrains a search's selected trial; it needs a search");
    }
}

/// <summary>The validation error a search compares trials on.</summary>
public enum ValidationMetric
{
    Mse,
    Mae,
}

/// <summary>
/// How long a model trains in the protocol, at what learning rate (null: the model's default) and how it falls, how many validations without
/// improvement stop it, and whether windows cut short by the end of the training months count (<see cref="ForecastTrainingOptions.PartialHorizons"/>);
/// null steps and interval mean whole epochs; <see cref="Epochs"/> caps the epochs. <see cref="WindowsPerStep"/> draws single-channel windows per step
/// (<see cref="ForecastTrainingOptions.WindowsPerStep"/>). <see cref="ScaleOnValidationMonths"/> standardises the channels with the statistics of the
/// training and validation months together instead of the training months alone.
/// </summary>
public sealed record TrainingSchedule(
    int? MaxSteps, int? ValidationInterval, int LearningRateDecays, bool PartialHorizons, double? LearningRate = null, int Patience = 3,
    int? WindowsPerStep = null, bool ScaleOnValidationMonths = false, int Epochs = 10);

/// <summary>
/// Test-set MSE and MAE on standardised values, over every window with stride 1, and the same errors in units of the training months' standard
/// deviations (equal to them unless the protocol standardises on more months). <see cref="ValidationMse"/> is the tested weights' or, after a refit
/// on the validation months, the selected trial's. <see cref="TrainSeconds"/> is the reported model's training (the refit's after one);
/// with a search, <see cref="Search"/> lists every trial and <see cref="SearchSeconds"/> is the time of all of them. <see cref="Baselines"/>: the naive
/// forecasts on the same windows in the same units (<see cref="NaiveForecasts"/>). <see cref="TrainRows"/>: the rows the tested model trained on;
/// <see cref="Lookback"/> its look-back and <see cref="ScaledOn"/> the rows whose statistics standardised the channels.
/// </summary>
public sealed record ForecastResult(
    string Model, int Horizon, double Mse, double Mae, double TrainSeconds, int Epochs,
    double ValidationMse = double.NaN, double TrainingUnitsMse = double.NaN, double TrainingUnitsMae = double.NaN,
    NhitsTrial? Selected = null, IReadOnlyList<SearchTrialResult>? Search = null, double? SearchSeconds = null,
    IReadOnlyList<NaiveForecastScore>? Baselines = null, RowRange? TrainRows = null, int? Lookback = null, RowRange? ScaledOn = null);

public sealed record ForecastBenchmarkResult(string Dataset, IReadOnlyList<ForecastResult> Results);

/// <summary>A figure reported in a paper, for comparison.</summary>
public sealed record PublishedScore(string Dataset, string Model, int Horizon, double Mse, double Mae);

/// <summary>
/// Long-horizon benchmark on an ETT file with the papers' protocol: 12/4/4-month split, every channel standardised (PatchTST on the training
/// months as its paper; N-HiTS on the training and validation months as neuralforecast's data set), all seven channels forecast
/// channel-independently, PatchTST/42 (look-back 336) and N-HiTS (look-back 7 x horizon), model selection on the validation months only,
/// MSE and MAE on the test months.
/// </summary>
public sealed class ForecastBenchmark(ForecastBenchmarkOptions? options = null, Action<string>? progress = null)
{
    public static readonly IReadOnlyList<string> AllModels = [ModelSlots.PatchTst, ModelSlots.Nhits];

    /// <summary>ETTh1, multivariate: PatchTST/42 from Nie et al. (ICLR 2023) table 3, N-HiTS from neuralforecast's long-horizon experiment.</summary>
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

    /// <summary>PatchTST/42 as in the paper; N-HiTS as neuralforecast's long-horizon experiment (<see cref="NhitsConfig.LongHorizon"/>).</summary>
    public static ForecastModelConfig ProtocolConfig(string model, int horizon, int nhitsLookbackFactor = NhitsConfig.LongHorizonLookbackFactor) => model switch
    {
        ModelSlots.PatchTst => PatchTstConfig.PatchTst42(horizon),
        ModelSlots.Nhits => NhitsConfig.LongHorizon(horizon, nhitsLookbackFactor),
        _ => throw new ArgumentException($"unknown forecasting model '{model}'; expected one of {string.Join(", ", AllModels)}", nameof(model)),
    };

    /// <summary>
    /// PatchTST trains by epochs with a constant learning rate on whole windows and stops after 3 epochs without improvement, on channels
    /// standardised with the training months. N-HiTS trains as neuralforecast's long-horizon experiment does: 1000 Adam steps (no early stop:
    /// the halvings of the learning rate after steps 333, 666 and 999 need the later steps) of 256 single-channel windows drawn at random,
    /// validation every 100 steps keeping the best weights, windows cut short by the end of the training months included, and the channels
    /// standardised with the training and validation months (datasetsforecast's LongHorizon2 fits its scaler on every row before the test months,
    /// so the published MSE and MAE are in those units). Without a search its learning rate is neuralforecast's default, 1e-3.
    /// </summary>
    public static TrainingSchedule ProtocolSchedule(string model) => model switch
    {
        ModelSlots.PatchTst => new TrainingSchedule(null, null, 0, false, Patience: 3),
        // every epoch holds at least one step, so with as many epochs as steps the steps alone end training, as in neuralforecast
        ModelSlots.Nhits => new TrainingSchedule(1000, 100, 3, true, 1e-3, Patience: 10, WindowsPerStep: 256, ScaleOnValidationMonths: true, Epochs: 1000),
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
        Options.Validate();
        if (horizons.Count == 0) throw new ArgumentException("at least one horizon is needed", nameof(horizons));
        if (horizons.Any(h => h < 1)) throw new ArgumentException($"horizons must be positive, got {string.Join(",", horizons)}", nameof(horizons));
        var chosen = (models ?? AllModels).Select(m => m.Trim().ToLowerInvariant()).ToArray();
        foreach (var m in chosen) ProtocolConfig(m, 1); // an unknown name fails before any training starts

        var split = EttSplit.Standard(data.Interval);
        if (data.Series.Length < split.TestEnd)
            throw new ArgumentException($"{data.Name} has {data.Series.Length} rows; the 12/4/4-month split needs {split.TestEnd}");
        var trainingScaling = ChannelScaling.Fit(data.Series, split.Train);
        var results = new List<ForecastResult>();
        foreach (var model in chosen)
        {
            var schedule = ProtocolSchedule(model);
            var scaledOn = Options.ScaleOnValidationMonths ?? schedule.ScaleOnValidationMonths ? split.BeforeTest : split.Train;
            var scaling = scaledOn == split.BeforeTest ? ChannelScaling.Fit(data.Series, split.BeforeTest) : trainingScaling;
            var scaled = scaling.Apply(data.Series);
            // squared and absolute errors per channel in the scaling's units, times these, are in the training months' units
            var squaredRatio = scaling.Std.Select((s, c) => Math.Pow(s / trainingScaling.Std[c], 2)).ToArray();
            var absoluteRatio = scaling.Std.Select((s, c) => s / trainingScaling.Std[c]).ToArray();
            foreach (var horizon in horizons)
            {
                var config = ProtocolConfig(model, horizon, Options.NhitsLookbackFactor ?? NhitsConfig.LongHorizonLookbackFactor);
                if (config.Lookback + horizon > split.TrainEnd)
                    throw new ArgumentException($"{model} at horizon {horizon} needs look-back {config.Lookback}, too long for {split.TrainEnd} training rows");
                progress?.Invoke($"{data.Name} {model} horizon {horizon}: look-back {config.Lookback}, training on rows [0, {split.TrainEnd}), " +
                                 $"standardised on rows [0, {scaledOn.End})");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var (forecaster, selected, trials) = model == ModelSlots.Nhits && Options.SearchTrials is { } n
                    ? Search(n, (NhitsConfig)config, scaled, split, horizon)
                    : (ForecasterTrainer.Train(config, scaled, split.Train, split.Validation(config.Lookback), TrainingOptionsFor(model), progress), null, null);
                double? searchSeconds = trials is null ? null : clock.Elapsed.TotalSeconds;
                var validationMse = forecaster.Manifest.Training.ValidationMse;
                if (Options.RefitWithValidation && selected is not null)
                {
                    using var searched = forecaster;
                    forecaster = Refit((NhitsConfig)searched.Manifest.Config, selected, scaled, split, horizon);
                }
                using (forecaster)
                {
                    var test = forecaster.Evaluate(scaled, split.Test(forecaster.Lookback), Options.EvaluationBatchSize);
                    var training = forecaster.Manifest.Training;
                    var result = new ForecastResult(model, horizon, test.Mse, test.Mae, training.Seconds, training.Epochs, validationMse,
                        test.ChannelMse.Select((v, c) => v * squaredRatio[c]).Average(), test.ChannelMae.Select((v, c) => v * absoluteRatio[c]).Average(),
                        selected, trials, searchSeconds, NaiveForecasts.Score(scaled, split, horizon, data.Interval), training.Train, forecaster.Lookback, scaledOn);
                    var published = PublishedFor(data.Name, model, horizon);
                    progress?.Invoke($"{data.Name} {model} horizon {horizon}: test mse {test.Mse:F4} mae {test.Mae:F4} over {test.Windows} windows, " +
                                     $"{result.Epochs} epochs in {result.TrainSeconds:F0}s" +
                                     (published is null ? "" : $" (published {published.Mse:F3}/{published.Mae:F3})"));
                    results.Add(result);
                }
            }
        }
        return new ForecastBenchmarkResult(data.Name, results);
    }

    /// <summary>
    /// Trains every trial on the training months and keeps the one with the lowest validation error in <see cref="ForecastBenchmarkOptions.SelectOn"/>;
    /// the test months are not looked at here.
    /// A trial whose training diverges scores an infinite validation MSE.
    /// </summary>
    private (Forecaster Best, NhitsTrial Selected, IReadOnlyList<SearchTrialResult> Trials) Search(
        int count, NhitsConfig baseConfig, ChannelSeries scaled, EttSplit split, int horizon)
    {
        var trials = NhitsSearchSpace.LongHorizon.Sample(count, new Random(unchecked((int)Options.Seed)));
        var outcomes = new List<SearchTrialResult>();
        Forecaster? best = null;
        NhitsTrial? selected = null;
        try
        {
            for (var i = Options.SearchFirstTrial - 1; i < trials.Count; i++)
            {
                var trial = trials[i];
                var config = baseConfig with { PoolKernels = trial.PoolKernels, FreqDownsample = trial.FreqDownsample };
                var options = TrialOptions(trial);
                progress?.Invoke($"nhits horizon {horizon} trial {i + 1}/{trials.Count}: {trial}");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Forecaster forecaster;
                try
                {
                    forecaster = ForecasterTrainer.Train(config, scaled, split.Train, split.Validation(config.Lookback), options, progress);
                }
                catch (InvalidOperationException ex)
                {
                    outcomes.Add(new SearchTrialResult(trial, double.PositiveInfinity, double.PositiveInfinity, clock.Elapsed.TotalSeconds));
                    progress?.Invoke($"nhits horizon {horizon} trial {i + 1}/{trials.Count}: {ex.Message}");
                    continue;
                }
                var t = forecaster.Manifest.Training;
                outcomes.Add(new SearchTrialResult(trial, t.ValidationMse, t.ValidationMae, t.Seconds));
                var better = best is null || SelectionError(t) < SelectionError(best.Manifest.Training);
                progress?.Invoke($"nhits horizon {horizon} trial {i + 1}/{trials.Count}: validation mse {t.ValidationMse:F4} mae {t.ValidationMae:F4} " +
                                 $"in {t.Seconds:F0}s{(better ? ", best so far" : "")}");
                if (better)
                {
                    best?.Dispose();
                    best = forecaster;
                    selected = trial;
                }
                else forecaster.Dispose();
            }
        }
        catch
        {
            best?.Dispose();
            throw;
        }
        if (best is null) throw new InvalidOperationException($"nhits horizon {horizon}: every one of the {count} trials diverged");
        return (best, selected!, outcomes);
    }

    private ForecastTrainingOptions TrialOptions(NhitsTrial trial) =>
        TrainingOptionsFor(ModelSlots.Nhits) with { LearningRate = trial.LearningRate, MaxSteps = trial.MaxSteps, Seed = trial.Seed };

    /// <summary>
    /// The selected trial trained again, with the same seed and steps, on the training and validation months, keeping its final weights: nothing
    /// held out is left to choose a checkpoint on. The trainer still measures the validation months, which are now training rows.
    /// </summary>
    private Forecaster Refit(NhitsConfig config, NhitsTrial trial, ChannelSeries scaled, EttSplit split, int horizon)
    {
        progress?.Invoke($"nhits horizon {horizon}: refitting the selected trial on rows [0, {split.ValidationEnd}) (training and validation months; " +
                         "its validation figures below are in-sample)");
        return ForecasterTrainer.Train(config, scaled, split.BeforeTest, split.Validation(config.Lookback),
            TrialOptions(trial) with { KeepFinalWeights = true }, progress);
    }

    private double SelectionError(TrainingSummary training) => Options.SelectOn == ValidationMetric.Mae ? training.ValidationMae : training.ValidationMse;

    /// <summary>The trainer's options for a model: the benchmark's settings, the model's protocol schedule where they leave it open.</summary>
    public ForecastTrainingOptions TrainingOptionsFor(string model)
    {
        var schedule = ProtocolSchedule(model);
        return new ForecastTrainingOptions(
            Options.Epochs ?? schedule.Epochs, Options.BatchSize, Options.LearningRate ?? schedule.LearningRate, Options.Patience ?? schedule.Patience, Options.MaxTrainWindows,
            Options.Threads, Options.Seed, Standardize: false, Options.EvaluationBatchSize,
            Options.MaxSteps ?? schedule.MaxSteps, Options.ValidationInterval ?? schedule.ValidationInterval,
            Options.LearningRateDecays ?? schedule.LearningRateDecays, Options.PartialHorizons ?? schedule.PartialHorizons,
            schedule.WindowsPerStep is null ? null : Options.BatchSize ?? schedule.WindowsPerStep, Options.KeepFinalWeights);
    }
}
