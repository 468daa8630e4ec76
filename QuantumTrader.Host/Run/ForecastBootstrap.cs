using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The two forecasting slots of a run: N-HiTS and PatchTST trained on the log returns of every symbol's training closes (pooled,
/// no window mixing two symbols) with the small trading configurations, one torch thread and the run's seed. Each trained network
/// is stored as &lt;state&gt;/models/&lt;slot&gt;/&lt;artifact key&gt;/ (weights and manifest); the key hashes everything that
/// determines the training, so a second start on the same data and settings loads the stored network instead of training again.
/// Retraining trains further versions the same way on later closes; each is a version in the model registry.
/// </summary>
public static class ForecastBootstrap
{
    /// <summary>64 returns in, the next 8 out (see <see cref="ForecasterTrainer.TradingConfig"/>); the symbol keeps 256 closes, enough for 65.</summary>
    public static CloseTrainingOptions TrainingFor(int seed) =>
        new(Training: ForecasterTrainer.TradingTraining with { Seed = seed, Threads = 1 });

    /// <summary>
    /// Loads the artifact for this training if it is stored, otherwise trains and stores it, then returns the slot's predictor
    /// and the artifact's directory.
    /// Inference runs on one torch thread: the thread count is process-wide and a forward pass must give the same floats on every start.
    /// </summary>
    public static (ForecastPredictor Predictor, string Directory) Prepare(
        string slot, IReadOnlyList<double[]> closes, DateTimeOffset trainedTo, string stateDirectory, CloseTrainingOptions options, IRunObserver observer)
    {
        var (predictor, directory, trained) = LoadOrTrain(slot, closes, trainedTo, stateDirectory, options, observer.Info);
        if (!trained) observer.Info($"loaded {slot} {predictor.Version} from {directory}");
        observer.Info($"serving {slot} {predictor.Version} in process (TorchSharp, look-back {predictor.RequiredCloses - 1}, horizon {predictor.Manifest.Config.Horizon})");
        return (predictor, directory);
    }

    /// <summary>
    /// The slot's forecaster for this training: loaded from the state directory when stored, otherwise trained (reported
    /// through <paramref name="info"/>) and stored; <c>Trained</c> tells which.
    /// </summary>
    public static (ForecastPredictor Predictor, string Directory, bool Trained) LoadOrTrain(
        string slot, IReadOnlyList<double[]> closes, DateTimeOffset trainedTo, string stateDirectory, CloseTrainingOptions options, Action<string> info)
    {
        if (!ModelSlots.IsForecaster(slot)) throw new ArgumentException($"'{slot}' is not a forecasting slot; expected {string.Join(" or ", ModelSlots.Forecasters)}", nameof(slot));
        TorchSharp.torch.set_num_threads(1);
        var key = ArtifactKey(slot, closes, trainedTo, options);
        var slotDirectory = Path.Combine(stateDirectory, "models", slot);
        var directory = Path.GetFullPath(Path.Combine(slotDirectory, key));
        if (IsStored(directory)) return (Open(slot, directory), directory, false);
        info($"training {slot} on the log returns of {closes.Count} symbol(s), {closes.Sum(c => c.Length)} closes ...");
        using (var forecaster = Train(slot, closes, options))
        {
            var t = forecaster.Manifest.Training;
            info($"trained {slot} {forecaster.Version}: {t.Epochs} epochs (best {t.BestEpoch}), validation mse {t.ValidationMse:F4} (standardised), {t.Seconds:F1}s");
            SaveAtomically(forecaster, slotDirectory, key);
        }
        // Served from the stored artifact, so a first run and a resumed one forecast with the same floats.
        return (Open(slot, directory), directory, true);
    }

    /// <summary>Whether a forecaster's artifact directory holds its manifest.</summary>
    public static bool IsStored(string directory) => File.Exists(Path.Combine(directory, Forecaster.ManifestFileName));

    /// <summary>
    /// "&lt;slot&gt;-&lt;yyyyMMddHHmmss&gt;-&lt;hash8&gt;": the last training bar's time (UTC) and a SHA-256 over the slot, the network
    /// configuration, the training options and every close.
    /// </summary>
    public static string ArtifactKey(string slot, IReadOnlyList<double[]> closes, DateTimeOffset trainedTo, CloseTrainingOptions options)
    {
        var config = options.Config ?? ForecasterTrainer.TradingConfig(slot, options.Lookback, options.Horizon);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
            slot,
            JsonSerializer.Serialize(config, Forecaster.JsonOptions),
            JsonSerializer.Serialize(options.Training ?? ForecasterTrainer.TradingTraining, Forecaster.JsonOptions),
            options.ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
            closes.Count.ToString(CultureInfo.InvariantCulture)) + "\n"));
        Span<byte> bytes = stackalloc byte[sizeof(double)];
        foreach (var series in closes)
        {
            BitConverter.TryWriteBytes(bytes, (long)series.Length);
            hash.AppendData(bytes);
            foreach (var close in series)
            {
                BitConverter.TryWriteBytes(bytes, close);
                hash.AppendData(bytes);
            }
        }
        var hex = Convert.ToHexStringLower(hash.GetHashAndReset());
        return $"{slot}-{trainedTo.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}-{hex[..8]}";
    }

    private static Forecaster Train(string slot, IReadOnlyList<double[]> closes, CloseTrainingOptions options)
    {
        try
        {
            return ForecasterTrainer.TrainOnPooledCloses(closes, slot, options);
        }
        catch (ArgumentException ex)
        {
            throw new Cli.UsageException($"{slot} cannot train on these closes: {ex.Message}; give more bars, a larger --train-fraction, or leave {slot} out of --models");
        }
    }

    private static ForecastPredictor Open(string slot, string directory)
    {
        try
        {
            return ForecastPredictor.Open(slot, directory);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new Cli.UsageException($"the stored model in {directory} cannot be loaded ({ex.Message}); delete that folder to train it again");
        }
    }

    /// <summary>Writes into a fresh folder and renames it, so a run killed while saving leaves no half artifact that a restart would load.</summary>
    private static void SaveAtomically(Forecaster forecaster, string slotDirectory, string key)
    {
        if (Directory.Exists(slotDirectory))
            foreach (var stale in Directory.GetDirectories(slotDirectory, $".{key}.*.tmp")) Directory.Delete(stale, recursive: true);
        var temporary = Path.Combine(slotDirectory, $".{key}.{Environment.ProcessId}.tmp");
        forecaster.Save(temporary);
        var final = Path.Combine(slotDirectory, key);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temporary, final);
    }
}

/// <summary>A forecaster version for the model registry: its artifact directory, its manifest and the bars it learned from.</summary>
public sealed record ForecastRegistration(string Slot, string Version, string Directory, ForecasterManifest Manifest, DateTimeOffset TrainedFrom, DateTimeOffset TrainedTo)
{
    /// <summary>The registration, dated <paramref name="at"/> or, when null, by the end of the training data, as a tree version's is.</summary>
    public RegisterModelVersion Command(DateTimeOffset? at, bool promoteIfFirst)
    {
        var t = Manifest.Training;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["trainingRows"] = t.TrainRanges?.Sum(r => r.Length) ?? t.Train.Length,
            ["validationRows"] = t.ValidationRanges?.Sum(r => r.Length) ?? t.Validation.Length,
            ["validationMse"] = t.ValidationMse,
            ["validationMae"] = t.ValidationMae,
            ["epochs"] = t.Epochs,
        };
        var size = new DirectoryInfo(Directory).GetFiles().Sum(f => f.Length);
        return new RegisterModelVersion(Slot, Version, new TrainingRange(TrainedFrom, TrainedTo), metrics, Directory, size, at ?? TrainedTo, promoteIfFirst);
    }
}
