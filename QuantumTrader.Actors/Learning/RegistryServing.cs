using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Actors.Learning;

/// <summary>What a slot serves for a state of the registry: its champion, split with the challenger while an A/B test runs.</summary>
public static class RegistryServing
{
    /// <summary>The predictor the slot should serve, or null when it has no champion or serving already matches; an artifact that does not open throws, naming it.</summary>
    public static IPredictor? Plan(ModelRegistryState registry, string slot, EnsembleServing serving)
    {
        if (registry.Champion(slot) is not { } champion) return null;
        var test = registry.AbTestOf(slot);
        var current = serving.PredictorOf(slot);
        var currentChampion = current is SplitPredictor split ? split.Champion : current;
        var currentChallenger = (current as SplitPredictor)?.Challenger;
        if (currentChampion?.Version == champion.Version && currentChallenger?.Version == test?.Version) return null;

        var championPredictor = currentChampion?.Version == champion.Version ? currentChampion : Open(champion);
        if (test is null) return championPredictor;
        var challenger = currentChallenger?.Version == test.Version ? currentChallenger : Open(registry.Find(slot, test.Version)!);
        return new SplitPredictor(championPredictor, challenger, test.Settings.Share);
    }

    /// <summary>The record with its artifact where it is now: under <paramref name="stateDirectory"/>'s models folder when it is there.</summary>
    public static ModelVersionRecord Located(ModelVersionRecord record, string stateDirectory) =>
        record with { ArtifactPath = ArtifactLocation.Resolve(record.ArtifactPath, record.Slot, stateDirectory, path => File.Exists(path) || Directory.Exists(path)) };

    /// <summary>Opens a version's artifact as the predictor that serves it; one that does not open throws, naming it.</summary>
    public static IPredictor Open(ModelVersionRecord record)
    {
        try
        {
            return ModelSlots.IsForecaster(record.Slot)
                ? ForecastPredictor.Open(record.Slot, record.ArtifactPath)
                : OnnxTreePredictor.Open(record.ArtifactPath);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"cannot serve {record.Id} from '{record.ArtifactPath}': {ex.Message}", ex);
        }
    }
}
