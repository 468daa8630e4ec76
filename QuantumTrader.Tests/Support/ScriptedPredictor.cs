using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Tests.Support;

/// <summary>A model slot whose votes the test decides, to drive the cascade into a chosen decision.</summary>
public sealed class ScriptedPredictor(string modelId, Func<ModelInput, Prediction> vote, string version = "scripted-1") : IPredictor
{
    public string ModelId { get; } = modelId;
    public string Version => version;
    public Prediction Predict(ModelInput input) => vote(input);

    public static ScriptedPredictor BuyAt(string modelId, DateTimeOffset time, double confidence = 0.9) =>
        new(modelId, i => new Prediction(modelId, i.Features.Time == time ? TradeAction.Buy : TradeAction.Hold, confidence));
}
