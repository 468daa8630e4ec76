namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>
/// Small, fast gradient-boosting settings shared by the LightGBM and FastTree trainers.
/// Training runs on one thread with a fixed seed so the same data always yields the same trees.
/// The newest <see cref="ValidationFraction"/> of the rows is held out for the metrics and not trained on.
/// </summary>
public sealed record TreeTrainingOptions(
    int NumberOfTrees = 100,
    int NumberOfLeaves = 16,
    int MinimumExampleCountPerLeaf = 20,
    double LearningRate = 0.05,
    int Seed = 17,
    double ValidationFraction = 0.2)
{
    public void Validate()
    {
        if (NumberOfTrees < 1) throw new ArgumentOutOfRangeException(nameof(NumberOfTrees), NumberOfTrees, "need at least one tree");
        if (NumberOfLeaves < 2) throw new ArgumentOutOfRangeException(nameof(NumberOfLeaves), NumberOfLeaves, "a tree needs at least two leaves");
        if (MinimumExampleCountPerLeaf < 1)
            throw new ArgumentOutOfRangeException(nameof(MinimumExampleCountPerLeaf), MinimumExampleCountPerLeaf, "must be at least 1");
        if (!(LearningRate > 0 && LearningRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be in (0, 1]");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
    }
}
