using QuantumTrader.Models.Learning;

namespace QuantumTrader.Models.Ensemble;

/// <summary>
/// A slot under an A/B test: each decision goes to the challenger or the champion by <see cref="AbSplit"/> on its symbol
/// and bar, so every replay of the same bars splits the same way. It answers as the slot, with the champion's version.
/// </summary>
public sealed class SplitPredictor(IPredictor champion, IPredictor challenger, double share) : IPredictor
{
    public IPredictor Champion { get; } = champion;
    public IPredictor Challenger { get; } = challenger;
    public double Share { get; } = share;

    public string ModelId => Champion.ModelId;
    public string Version => Champion.Version;

    public bool ToChallenger(ModelInput input) => AbSplit.ToChallenger(ModelId, Challenger.Version, input.Symbol, input.Features.Time, Share);

    public Prediction Predict(ModelInput input) => (ToChallenger(input) ? Challenger : Champion).Predict(input);

    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<ModelInput> inputs)
    {
        var routes = inputs.Select(ToChallenger).ToArray();
        var toChallenger = Batch(Challenger, inputs.Where((_, i) => routes[i]).ToArray());
        var toChampion = Batch(Champion, inputs.Where((_, i) => !routes[i]).ToArray());
        int c = 0, k = 0;
        return routes.Select(r => r ? toChallenger[c++] : toChampion[k++]).ToArray();
    }

    private static IReadOnlyList<Prediction> Batch(IPredictor predictor, ModelInput[] inputs) => inputs.Length == 0 ? [] : predictor.PredictBatch(inputs);
}
