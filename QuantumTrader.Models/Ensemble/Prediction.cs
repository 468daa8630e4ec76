using System.Text.Json.Serialization;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble;

public enum TradeAction { Hold, Buy, Sell }

/// <summary>One model's vote: an action with a confidence in [0, 1].</summary>
public sealed record Prediction(string ModelId, TradeAction Action, double Confidence)
{
    /// <summary>Why this is seed 001's fallback HOLD instead of the model's answer (it threw or overran its budget); null when the model answered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Fallback { get; init; }

    public static Prediction FallbackHold(string modelId, string reason) => new(modelId, TradeAction.Hold, 0) { Fallback = reason };
}

/// <summary>What a predictor sees for one decision: the current feature row and the recent closes (oldest first, current bar last).</summary>
public sealed record ModelInput(string Symbol, FeatureVector Features, IReadOnlyList<double> RecentCloses);

/// <summary>The contract every model slot serves: tree models through ONNX Runtime, deep forecasters through TorchSharp.</summary>
public interface IPredictor
{
    string ModelId { get; }
    string Version { get; }
    Prediction Predict(ModelInput input);

    /// <summary>
    /// The predictions for several inputs (e.g. every symbol at one bar close), in input order, each equal to what <see cref="Predict"/> gives;
    /// a model that can score many rows in one call does so.
    /// </summary>
    IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<ModelInput> inputs) => inputs.Select(Predict).ToArray();
}

/// <summary>The four ensemble slots of seed 001; FastTree serves the slot the seed calls XGBoost.</summary>
public static class ModelSlots
{
    public const string Xgb = "xgb";
    public const string Lgbm = "lgbm";
    public const string Nhits = "nhits";
    public const string PatchTst = "patchtst";
    public static readonly IReadOnlyList<string> All = [Xgb, Lgbm, Nhits, PatchTst];

    /// <summary>The slots served by a TorchSharp forecaster (an artifact directory) rather than an ONNX tree model.</summary>
    public static readonly IReadOnlyList<string> Forecasters = [Nhits, PatchTst];

    public static bool IsForecaster(string slot) => slot is Nhits or PatchTst;

    /// <summary>Where a slot comes in tables: the seed's order, other model ids after them.</summary>
    public static int OrderOf(string slot)
    {
        for (var i = 0; i < All.Count; i++)
            if (All[i] == slot) return i;
        return int.MaxValue;
    }
}
