using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Ensemble;

/// <summary>
/// A synthetic market whose one-bar returns mean-revert (r[t] = -0.7 r[t-1] + noise), so lagged returns carry real
/// signal, and a small lagged-return feature builder standing in for the real feature calculator.
/// </summary>
internal static class TreeTestData
{
    public static readonly FeatureSet Set = new("lagret-v1", ["ret1", "ret2", "ret3", "ret5", "vol5", "mom10"]);

    public const int Warmup = 10;

    public static double[] Closes(int count, int seed)
    {
        var random = new Random(seed);
        var closes = new double[count];
        closes[0] = 100;
        var previous = 0.0;
        for (var t = 1; t < count; t++)
        {
            var noise = (random.NextDouble() - 0.5) * 0.02;
            var r = -0.7 * previous + noise;
            closes[t] = closes[t - 1] * Math.Exp(r);
            previous = r;
        }
        return closes;
    }

    public static FeatureVector[] Rows(IReadOnlyList<double> closes)
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new FeatureVector[closes.Count];
        for (var t = 0; t < closes.Count; t++)
        {
            double Ret(int lag, int span = 1) => t - lag - span >= 0 ? Math.Log(closes[t - lag] / closes[t - lag - span]) : 0;
            var vol = 0.0;
            for (var k = 0; k < 5; k++) vol += Math.Abs(Ret(k));
            rows[t] = new FeatureVector(Set, start.AddHours(t),
                [Ret(0), Ret(1), Ret(2), Ret(4), vol / 5, Ret(0, 10)], t >= Warmup);
        }
        return rows;
    }

    public static TreeTrainingSet TrainingSet(int bars = 420, int seed = 7, int horizon = 1)
    {
        var closes = Closes(bars, seed);
        return TreeTrainingSet.FromFeatures(Rows(closes), closes, horizon);
    }

    /// <summary>Small enough to train in well under a second.</summary>
    public static readonly TreeTrainingOptions Options = new(NumberOfTrees: 40, NumberOfLeaves: 8, MinimumExampleCountPerLeaf: 20);

    private static readonly Lazy<TrainedTreeModel> LightGbm = new(() => TreeTrainer.Train(ModelSlots.Lgbm, TrainingSet(), Options));
    private static readonly Lazy<TrainedTreeModel> FastTree = new(() => TreeTrainer.Train(ModelSlots.Xgb, TrainingSet(), Options));

    /// <summary>Trained once per test run and shared: models are immutable.</summary>
    public static TrainedTreeModel Trained(string slot) => slot == ModelSlots.Lgbm ? LightGbm.Value : FastTree.Value;

    /// <summary>
    /// Two hand-made trees over features (a, b) with calibration slope -2, offset 0.3, so p = 1 / (1 + exp(-2 s + 0.3)).
    /// Tree 0: a &lt;= 0.5 ? -1 : 2. Tree 1: b &lt;= -1 ? (a &lt;= 2 ? 0.5 : -0.25) : 1.
    /// </summary>
    public static readonly FeatureSet HandSet = new("hand-v1", ["a", "b"]);

    public static TreeEnsembleData HandModel() => new(
        [
            new RegressionTreeData([0], [0.5f], [~0], [~1], [-1.0, 2.0]),
            new RegressionTreeData([1, 0], [-1f, 2f], [1, ~0], [~2, ~1], [0.5, -0.25, 1.0]),
        ],
        new PlattCalibration(-2, 0.3),
        2);

    /// <summary>Stumps (a &lt;= 0 ? -2 : 0.05) + (b &lt;= 0 ? 0 : 2), identity-like calibration: p = sigmoid(s).</summary>
    public static TreeEnsembleData StumpModel() => new(
        [
            new RegressionTreeData([0], [0f], [~0], [~1], [-2.0, 0.05]),
            new RegressionTreeData([1], [0f], [~0], [~1], [0.0, 2.0]),
        ],
        new PlattCalibration(-1, 0),
        2);

    public static byte[] HandOnnx(TreeEnsembleData? model = null) =>
        OnnxTreeExporter.Export(model ?? HandModel(), HandSet, ModelSlots.Lgbm, "lgbm-20240101000000-0badcafe", "hand");

    public static FeatureVector HandRow(double a, double b, bool warm = true) =>
        new(HandSet, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), [a, b], warm);
}

/// <summary>A fresh temporary folder, removed when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qt-trees-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
