using System.Diagnostics;
using System.Security.Cryptography;
using QuantumTrader.Models.Ensemble;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// How to train: Adam on the model's training loss (<see cref="ForecastModelConfig.TrainingLoss"/>), <see cref="Epochs"/> passes over the shuffled
/// training windows (at most <see cref="MaxTrainWindows"/> of them per epoch when set) but no more than <see cref="MaxSteps"/> optimiser steps when set.
/// The validation MSE is measured after every epoch, or every <see cref="ValidationInterval"/> steps when set (and after the last step); training stops
/// once it has not improved for <see cref="Patience"/> measurements, and the best measurement's weights are kept; with <see cref="KeepFinalWeights"/>
/// the weights after the last step are kept instead and the last measurement is reported (neuralforecast keeps its final weights).
/// With <see cref="LearningRateDecays"/> = n the learning rate halves n times, evenly spaced over the planned steps (a step decay).
/// With <see cref="PartialHorizons"/> the training windows also include those whose horizon runs past the end of their range, scored on the
/// rows that exist (neuralforecast pads each training series by the horizon): the last months of training data then also serve as recent inputs.
/// With <see cref="WindowsPerStep"/> = k every step instead draws k single-channel windows at random from all channels' training windows (distinct
/// within a step), as neuralforecast's <c>windows_batch_size</c> does; the network must be channel independent (<see cref="ISeriesForecaster"/>),
/// the batch size is then ignored and an epoch is as many steps as see the channel windows once on average.
/// Null batch size and learning rate mean the model's own defaults. <see cref="Seed"/> seeds torch (initial weights, dropout) and the shuffling.
/// </summary>
public sealed record ForecastTrainingOptions(
    int Epochs = 20,
    int? BatchSize = null,
    double? LearningRate = null,
    int Patience = 3,
    int? MaxTrainWindows = null,
    int Threads = 1,
    long Seed = 42,
    bool Standardize = true,
    int EvaluationBatchSize = 256,
    int? MaxSteps = null,
    int? ValidationInterval = null,
    int LearningRateDecays = 0,
    bool PartialHorizons = false,
    int? WindowsPerStep = null,
    bool KeepFinalWeights = false)
{
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize is < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (LearningRate is not null && !(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (Patience < 1) throw new ArgumentException($"patience must be at least 1, got {Patience}");
        if (MaxTrainWindows is < 1) throw new ArgumentException($"max train windows must be at least 1, got {MaxTrainWindows}");
        if (Threads < 1) throw new ArgumentException($"threads must be at least 1, got {Threads}");
        if (EvaluationBatchSize < 1) throw new ArgumentException($"evaluation batch size must be at least 1, got {EvaluationBatchSize}");
        if (MaxSteps is < 1) throw new ArgumentException($"max steps must be at least 1, got {MaxSteps}");
        if (ValidationInterval is < 1) throw new ArgumentException($"validation interval must be at least 1 step, got {ValidationInterval}");
        if (LearningRateDecays < 0) throw new ArgumentException($"learning rate decays must be zero or more, got {LearningRateDecays}");
        if (WindowsPerStep is < 1) throw new ArgumentException($"windows per step must be at least 1, got {WindowsPerStep}");
    }

    /// <summary>The planned number of optimiser steps: every epoch's batches, capped by <see cref="MaxSteps"/>.</summary>
    public int PlannedSteps(int stepsPerEpoch) => (int)Math.Min((long)Epochs * stepsPerEpoch, MaxSteps ?? int.MaxValue);

    /// <summary>Steps between two halvings of the learning rate (int.MaxValue without decay).</summary>
    public int DecayInterval(int plannedSteps) => LearningRateDecays > 0 ? Math.Max(plannedSteps / LearningRateDecays, 1) : int.MaxValue;
}

/// <summary>
/// Options of <see cref="ForecasterTrainer.TrainOnCloses"/>: the model sees <see cref="Lookback"/> log returns and forecasts the next
/// <see cref="Horizon"/>; the last <see cref="ValidationFraction"/> of the returns is the validation period. Null config and training options
/// mean <see cref="ForecasterTrainer.TradingConfig"/> and <see cref="ForecasterTrainer.TradingTraining"/>.
/// </summary>
public sealed record CloseTrainingOptions(
    int Lookback = 64,
    int Horizon = 8,
    double ValidationFraction = 0.2,
    ForecastModelConfig? Config = null,
    ForecastTrainingOptions? Training = null);

public static class ForecasterTrainer
{
    public const string LogReturnChannel = "log_return";

    /// <summary>Trains a fresh network on windows of the training rows, early-stopping on the validation rows.</summary>
    public static Forecaster Train(
        ForecastModelConfig config,
        ChannelSeries series,
        RowRange train,
        RowRange validation,
        ForecastTrainingOptions? options = null,
        Action<string>? progress = null,
        string transform = SeriesTransforms.None) =>
        Train(config, series, [train], [validation], options, progress, transform);

    /// <summary>
    /// Trains on the windows inside each training range and early-stops on the windows inside each validation range; no window
    /// crosses the edge of its range, so the ranges can hold different series (e.g. one symbol each) laid end to end.
    /// The scaling is fitted on the union of the training ranges.
    /// </summary>
    public static Forecaster Train(
        ForecastModelConfig config,
        ChannelSeries series,
        IReadOnlyList<RowRange> train,
        IReadOnlyList<RowRange> validation,
        ForecastTrainingOptions? options = null,
        Action<string>? progress = null,
        string transform = SeriesTransforms.None)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options ??= new ForecastTrainingOptions();
        options.Validate();
        config.Validate();
        if (train.Count == 0) throw new ArgumentException($"{config.ModelId}: at least one training range is needed", nameof(train));
        if (validation.Count == 0) throw new ArgumentException($"{config.ModelId}: at least one validation range is needed", nameof(validation));
        foreach (var r in train.Concat(validation)) r.EnsureWithin(series.Length);
        int lookback = config.Lookback, horizon = config.Horizon;
        if (train.Sum(r => options.PartialHorizons ? r.PartialWindowCount(lookback) : r.WindowCount(lookback, horizon)) == 0)
            throw new ArgumentException($"{config.ModelId}: training rows {Describe(train)} hold no window of lookback {lookback} + horizon {horizon}" +
                                        (options.PartialHorizons ? " (not even a partial one)" : ""));
        if (validation.Sum(r => r.WindowCount(lookback, horizon)) == 0)
            throw new ArgumentException($"{config.ModelId}: validation rows {Describe(validation)} hold no window of lookback {lookback} + horizon {horizon}");

        // torch's generator and thread count are process-wide: one training at a time keeps a seeded run reproducible.
        return TorchRandom.Exclusive(() => TrainSeeded(config, series, train, validation, options, progress, transform));
    }

    /// <summary>Start row and number of target rows inside its range of every training window.</summary>
    private static (int Start, int Available)[] TrainingWindows(IReadOnlyList<RowRange> train, int lookback, int horizon, bool partial) =>
        train.SelectMany(r => Enumerable.Range(r.Start, partial ? r.PartialWindowCount(lookback) : r.WindowCount(lookback, horizon))
            .Select(start => (start, Math.Min(horizon, r.End - start - lookback)))).ToArray();

    private static string Describe(IReadOnlyList<RowRange> ranges) => string.Join(", ", ranges.Select(r => $"[{r.Start}, {r.End})"));

    private static Forecaster TrainSeeded(
        ForecastModelConfig config, ChannelSeries series, IReadOnlyList<RowRange> train, IReadOnlyList<RowRange> validation,
        ForecastTrainingOptions options, Action<string>? progress, string transform)
    {
        int lookback = config.Lookback, horizon = config.Horizon;
        var clock = Stopwatch.StartNew();
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var scaling = options.Standardize ? ChannelScaling.Fit(series, train) : ChannelScaling.Identity(series.ChannelCount);
        var windows = TrainingWindows(train, lookback, horizon, options.PartialHorizons);
        var channels = series.ChannelCount;
        var sampled = options.WindowsPerStep is not null;
        var order = Enumerable.Range(0, windows.Length).ToArray();
        var trainWindows = sampled ? windows.Length * channels : windows.Length;
        var batchSize = options.WindowsPerStep ?? options.BatchSize ?? config.DefaultBatchSize;
        var learningRate = options.LearningRate ?? config.DefaultLearningRate;
        var perEpoch = Math.Min(trainWindows, options.MaxTrainWindows ?? int.MaxValue);
        var shuffle = new Random(unchecked((int)options.Seed));
        var sampler = sampled ? new WindowSampler(trainWindows, shuffle) : null;

        var network = config.Build(series.ChannelCount);
        Dictionary<string, Tensor>? best = null;
        try
        {
            var seriesNetwork = network as ISeriesForecaster;
            if (sampled && seriesNetwork is null)
                throw new ArgumentException($"{config.ModelId}: drawing single-channel windows needs a channel-independent network that forecasts single series");
            using var data = tensor(scaling.Apply(series).Values, [series.Length, series.ChannelCount]);
            using var optimizer = new AdamOptimizer(network.parameters(), learningRate);
            var stepsPerEpoch = (perEpoch + batchSize - 1) / batchSize;
            var plannedSteps = options.PlannedSteps(stepsPerEpoch);
            var decayInterval = options.DecayInterval(plannedSteps);
            var validationInterval = options.ValidationInterval ?? stepsPerEpoch;
            var bestMse = double.PositiveInfinity;
            Measurement? kept = null;
            int epoch = 0, step = 0, stale = 0;
            double lossSum = 0;
            var lossCount = 0;
            while (step < plannedSteps && stale < options.Patience)
            {
                epoch++;
                if (!sampled) shuffle.Shuffle(order);
                for (var first = 0; first < perEpoch && step < plannedSteps && stale < options.Patience; first += batchSize)
                {
                    network.train();
                    var n = sampled ? batchSize : Math.Min(batchSize, perEpoch - first);
                    using (var scope = NewDisposeScope())
                    {
                        optimizer.ZeroGrad();
                        Tensor loss;
                        if (sampled)
                        {
                            var picked = sampler!.Draw(n);
                            var starts = new int[n];
                            var channelOf = new int[n];
                            var available = new int[n];
                            for (var i = 0; i < n; i++)
                            {
                                (starts[i], available[i]) = windows[picked[i] / channels];
                                channelOf[i] = picked[i] % channels;
                            }
                            var (x, y, mask) = WindowBatches.SeriesBatch(data, starts, channelOf, available, lookback, horizon);
                            loss = config.TrainingLoss(seriesNetwork!.ForecastSeries(x), y, mask);
                        }
                        else
                        {
                            var picked = order.AsSpan(first, n);
                            var starts = new int[n];
                            var available = new int[n];
                            for (var i = 0; i < n; i++) (starts[i], available[i]) = windows[picked[i]];
                            if (available.All(a => a == horizon))
                            {
                                var (x, y) = WindowBatches.Batch(data, starts, lookback, horizon);
                                loss = config.TrainingLoss(network.call(x), y);
                            }
                            else
                            {
                                var (x, y, mask) = WindowBatches.Batch(data, starts, available, lookback, horizon);
                                loss = config.TrainingLoss(network.call(x), y, mask);
                            }
                        }
                        loss.backward();
                        optimizer.Step();
                        lossSum += loss.item<float>() * n;
                        lossCount += n;
                    }
                    step++;
                    if (step % decayInterval == 0) optimizer.LearningRate /= 2;
                    if (step % validationInterval != 0 && step != plannedSteps) continue;

                    var trainLoss = lossSum / lossCount;
                    lossSum = 0;
                    lossCount = 0;
                    var val = WindowBatches.Evaluate(network, data, validation, options.EvaluationBatchSize);
                    var measured = new Measurement(epoch, step, trainLoss, val.Mse, val.Mae);
                    var improved = val.Mse < bestMse;
                    if (improved)
                    {
                        bestMse = val.Mse;
                        stale = 0;
                        if (!options.KeepFinalWeights)
                        {
                            kept = measured;
                            Release(best);
                            best = Snapshot(network);
                        }
                    }
                    else stale++;
                    if (options.KeepFinalWeights) kept = measured;
                    progress?.Invoke($"{config.ModelId} L={lookback} H={horizon} epoch {epoch}/{options.Epochs} step {step}/{plannedSteps}: " +
                                     $"train loss {trainLoss:F4}, val mse {val.Mse:F4} mae {val.Mae:F4}{(improved ? " *" : "")} ({clock.Elapsed.TotalSeconds:F1}s)");
                }
            }
            if (kept is null || !double.IsFinite(kept.ValidationMse))
                throw new InvalidOperationException($"{config.ModelId}: training diverged, the {(options.KeepFinalWeights ? "last" : "best")} validation error was not finite (learning rate {learningRate})");
            if (best is not null) network.load_state_dict(best);
            network.eval();
            var summary = new TrainingSummary(series.Length, Hull(train), Hull(validation), epoch, kept.Epoch, kept.TrainLoss, kept.ValidationMse, kept.ValidationMae,
                clock.Elapsed.TotalSeconds, options, train.Count > 1 ? train.ToArray() : null, validation.Count > 1 ? validation.ToArray() : null, step, kept.Step);
            var manifest = new ForecasterManifest(
                Forecaster.CurrentFormatVersion, config.ModelId, VersionOf(config.ModelId, network), config,
                series.Channels.ToArray(), transform, scaling, summary);
            return new Forecaster(network, manifest);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            Release(best);
        }
    }

    /// <summary>
    /// Trains a trading forecaster on a bar close series: the input channel is the log return of consecutive closes, the first
    /// 1 - ValidationFraction of them train it and the rest (with the lookback before it) validate it.
    /// </summary>
    public static Forecaster TrainOnCloses(double[] closes, string modelId, CloseTrainingOptions? options = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(closes);
        return TrainOnPooledCloses([closes], modelId, options, progress);
    }

    /// <summary>
    /// One forecaster for several close series (one per symbol): each series is split into training and validation returns as in
    /// <see cref="TrainOnCloses"/>, the series are laid end to end, and no window mixes two of them.
    /// </summary>
    public static Forecaster TrainOnPooledCloses(IReadOnlyList<double[]> closeSeries, string modelId, CloseTrainingOptions? options = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(closeSeries);
        if (closeSeries.Count == 0) throw new ArgumentException("at least one close series is needed", nameof(closeSeries));
        options ??= new CloseTrainingOptions();
        if (options.ValidationFraction is <= 0 or >= 1)
            throw new ArgumentException($"validation fraction must be in (0, 1), got {options.ValidationFraction}");
        var config = options.Config ?? TradingConfig(modelId, options.Lookback, options.Horizon);
        if (config.ModelId != modelId) throw new ArgumentException($"the config describes '{config.ModelId}', not '{modelId}'");

        var returns = new List<double>();
        var train = new List<RowRange>();
        var validation = new List<RowRange>();
        for (var s = 0; s < closeSeries.Count; s++)
        {
            var closes = closeSeries[s] ?? throw new ArgumentException($"close series {s} is null", nameof(closeSeries));
            var name = closeSeries.Count == 1 ? "closes" : $"series {s}: closes";
            for (var i = 0; i < closes.Length; i++)
                if (!double.IsFinite(closes[i]) || closes[i] <= 0)
                    throw new ArgumentException($"{name}[{i}] = {closes[i]}: a close must be a positive finite price", nameof(closeSeries));
            var rows = Math.Max(0, closes.Length - 1);
            var trainEnd = (int)Math.Round(rows * (1 - options.ValidationFraction));
            var needed = config.Lookback + config.Horizon;
            if (trainEnd < needed || rows - trainEnd < config.Horizon)
                throw new ArgumentException(
                    (closeSeries.Count == 1 ? "" : $"series {s}: ") +
                    $"{closes.Length} closes are too few for lookback {config.Lookback} and horizon {config.Horizon} with {options.ValidationFraction:P0} validation " +
                    $"(need at least {needed} training and {config.Horizon} validation returns)", nameof(closeSeries));
            var offset = returns.Count;
            returns.AddRange(ForecastSignal.LogReturns(closes));
            train.Add(new RowRange(offset, offset + trainEnd));
            validation.Add(new RowRange(offset + trainEnd - config.Lookback, offset + rows));
        }
        var series = ChannelSeries.Univariate(LogReturnChannel, returns);
        return Train(config, series, train, validation, options.Training ?? TradingTraining, progress, SeriesTransforms.LogReturn);
    }

    /// <summary>Small networks for bar returns: N-HiTS with 128x128 MLPs, PatchTST/42's encoder over patches of 16 with stride 8.</summary>
    public static ForecastModelConfig TradingConfig(string modelId, int lookback, int horizon) => modelId switch
    {
        ModelSlots.Nhits => new NhitsConfig(lookback, horizon, [2, 2, 1], [4, 2, 1], [128, 128]),
        ModelSlots.PatchTst => new PatchTstConfig(lookback, horizon, PatchLength: Math.Min(16, lookback), Stride: Math.Max(1, Math.Min(8, lookback / 2))),
        _ => throw new ArgumentException($"'{modelId}' is not a forecasting model; expected '{ModelSlots.Nhits}' or '{ModelSlots.PatchTst}'", nameof(modelId)),
    };

    /// <summary>Training defaults for bar returns: short, one thread, a higher learning rate than the ETT protocol.</summary>
    public static readonly ForecastTrainingOptions TradingTraining = new(Epochs: 15, BatchSize: 64, LearningRate: 1e-3, Patience: 3, Threads: 1);

    /// <summary>One validation: when, the mean training loss since the previous one, and the validation errors.</summary>
    private sealed record Measurement(int Epoch, int Step, double TrainLoss, double ValidationMse, double ValidationMae);

    private static RowRange Hull(IReadOnlyList<RowRange> ranges) => new(ranges.Min(r => r.Start), ranges.Max(r => r.End));

    private static Dictionary<string, Tensor> Snapshot(nn.Module network)
    {
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, value) in network.state_dict())
        {
            using var detached = value.detach();
            copy[name] = detached.clone();
        }
        return copy;
    }

    private static void Release(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
        state.Clear();
    }

    /// <summary>Model id and the first 12 hex digits of the SHA-256 of the weights: the same training gives the same version.</summary>
    private static string VersionOf(string modelId, nn.Module network)
    {
        using var buffer = new MemoryStream();
        network.save(buffer);
        return $"{modelId}-{Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..12]}";
    }
}
