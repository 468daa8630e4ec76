using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>
/// One regression tree in ML.NET's layout. Internal node i tests feature SplitFeatures[i]:
/// x &lt;= Thresholds[i] goes to LteChild[i], otherwise to GtChild[i]; a negative child c is leaf ~c.
/// </summary>
public sealed record RegressionTreeData(int[] SplitFeatures, float[] Thresholds, int[] LteChild, int[] GtChild, double[] LeafValues)
{
    public int NodeCount => SplitFeatures.Length;

    /// <summary>ML.NET stands in a tree without any split by a node whose children point back at the root; it scores 0.</summary>
    public bool IsPlaceholder => NodeCount == 0 || LteChild[0] == 0;

    public double Output(ReadOnlySpan<float> x)
    {
        if (IsPlaceholder) return 0;
        var node = 0;
        while (node >= 0)
            node = x[SplitFeatures[node]] <= Thresholds[node] ? LteChild[node] : GtChild[node];
        return LeafValues[~node];
    }

    /// <summary>Checks the arrays describe one tree: sizes agree, features exist, every node and leaf is reached exactly once.</summary>
    public void Validate(int featureCount, int treeIndex)
    {
        if (IsPlaceholder) return;
        var n = NodeCount;
        if (Thresholds.Length != n || LteChild.Length != n || GtChild.Length != n)
            throw new ArgumentException($"tree {treeIndex}: {n} split features but {Thresholds.Length} thresholds, {LteChild.Length} LTE and {GtChild.Length} GT children");
        if (LeafValues.Length != n + 1)
            throw new ArgumentException($"tree {treeIndex}: {n} internal nodes need {n + 1} leaves, found {LeafValues.Length}");
        var seenNodes = new bool[n];
        var seenLeaves = new bool[n + 1];
        var pending = new Stack<int>();
        pending.Push(0);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node < 0)
            {
                var leaf = ~node;
                if (leaf > n || seenLeaves[leaf]) throw new ArgumentException($"tree {treeIndex}: leaf {leaf} is out of range or reached twice");
                seenLeaves[leaf] = true;
                if (!double.IsFinite(LeafValues[leaf])) throw new ArgumentException($"tree {treeIndex}: leaf {leaf} value is {LeafValues[leaf]}");
                continue;
            }
            if (node >= n || seenNodes[node]) throw new ArgumentException($"tree {treeIndex}: node {node} is out of range or reached twice");
            seenNodes[node] = true;
            if (SplitFeatures[node] < 0 || SplitFeatures[node] >= featureCount)
                throw new ArgumentException($"tree {treeIndex}: node {node} splits on feature {SplitFeatures[node]}, the model has {featureCount}");
            if (float.IsNaN(Thresholds[node])) throw new ArgumentException($"tree {treeIndex}: node {node} threshold is NaN");
            pending.Push(LteChild[node]);
            pending.Push(GtChild[node]);
        }
        if (seenNodes.Contains(false) || seenLeaves.Contains(false))
            throw new ArgumentException($"tree {treeIndex}: some nodes or leaves cannot be reached from the root");
    }
}

/// <summary>Platt scaling as ML.NET applies it to a raw tree score: p = 1 / (1 + exp(Slope * score + Offset)).</summary>
public sealed record PlattCalibration(double Slope, double Offset)
{
    public double Probability(double score) => 1.0 / (1.0 + Math.Exp(Slope * score + Offset));
}

/// <summary>
/// A boosted binary classifier as plain data: the raw score is the sum of the tree outputs (as ML.NET scores it),
/// and P(up) is the calibrated score. This is what the ONNX export writes.
/// </summary>
public sealed record TreeEnsembleData(IReadOnlyList<RegressionTreeData> Trees, PlattCalibration Calibration, int FeatureCount)
{
    public double Score(ReadOnlySpan<float> x)
    {
        if (x.Length != FeatureCount) throw new ArgumentException($"expected {FeatureCount} features, got {x.Length}", nameof(x));
        var score = 0.0;
        foreach (var tree in Trees) score += tree.Output(x);
        return score;
    }

    public double ProbabilityUp(ReadOnlySpan<float> x) => Calibration.Probability(Score(x));

    public void Validate()
    {
        if (FeatureCount < 1) throw new ArgumentException($"a tree model needs at least one feature, got {FeatureCount}");
        if (!double.IsFinite(Calibration.Slope) || !double.IsFinite(Calibration.Offset))
            throw new ArgumentException($"calibration slope {Calibration.Slope} and offset {Calibration.Offset} must be finite");
        for (var i = 0; i < Trees.Count; i++) Trees[i].Validate(FeatureCount, i);
    }

    /// <summary>
    /// Copies ML.NET's trees and Platt calibrator. ML.NET scores a row as the plain sum of leaf values
    /// (tree weights and bias are informational there), so they are not applied here either.
    /// </summary>
    public static TreeEnsembleData FromMlNet(RegressionTreeEnsemble ensemble, PlattCalibrator calibrator, int featureCount)
    {
        var trees = new List<RegressionTreeData>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(flag => flag))
                throw new NotSupportedException($"tree {t} has a categorical split; only numeric splits can be exported");
            trees.Add(new RegressionTreeData(
                tree.NumericalSplitFeatureIndexes.ToArray(),
                tree.NumericalSplitThresholds.ToArray(),
                tree.LeftChild.ToArray(),
                tree.RightChild.ToArray(),
                tree.LeafValues.ToArray()));
        }
        var data = new TreeEnsembleData(trees, new PlattCalibration(calibrator.Slope, calibrator.Offset), featureCount);
        data.Validate();
        return data;
    }
}
