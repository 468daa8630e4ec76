using System.Globalization;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>Hold-out quality of a tree model, as ML.NET's binary evaluator reports it on the newest rows.</summary>
public sealed record TreeValidationMetrics(int Rows, double Accuracy, double LogLoss, double Auc);

/// <summary>
/// Trains the two boosted-tree slots in process: LightGBM for <see cref="ModelSlots.Lgbm"/> and ML.NET FastTree for
/// <see cref="ModelSlots.Xgb"/> (the seed's XGBoost slot). Single-threaded with a fixed seed, so deterministic.
/// </summary>
public static class TreeTrainer
{
    public const string LightGbmTrainer = "ML.NET LightGbm";
    public const string FastTreeTrainer = "ML.NET FastTree";

    public static bool Supports(string slot) => slot is ModelSlots.Lgbm or ModelSlots.Xgb;

    public static TrainedTreeModel Train(string slot, TreeTrainingSet data, TreeTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TreeTrainingOptions();
        if (!Supports(slot))
            throw new ArgumentException($"slot '{slot}' is not a tree slot; use '{ModelSlots.Lgbm}' or '{ModelSlots.Xgb}'", nameof(slot));
        options.Validate();
        data.Validate();

        var (train, validation) = data.SplitChronologically(options.ValidationFraction);
        var positives = train.PositiveCount;
        if (train.Count < 2 * options.MinimumExampleCountPerLeaf)
            throw new ArgumentException(
                $"{train.Count} training rows (after holding out {validation.Count}) are too few for leaves of at least {options.MinimumExampleCountPerLeaf} rows");
        if (positives == 0 || positives == train.Count)
            throw new ArgumentException($"the {train.Count} training rows are all labelled {(positives == 0 ? "down" : "up")}; a classifier needs both outcomes");

        var ml = new MLContext(options.Seed);
        var trainView = ToDataView(ml, train);
        var (transformer, ensemble, calibrator) = slot == ModelSlots.Lgbm
            ? FitLightGbm(ml, trainView, options, train.Weights is not null)
            : FitFastTree(ml, trainView, options, train.Weights is not null);
        var trees = TreeEnsembleData.FromMlNet(ensemble, calibrator, data.Set.Names.Count);
        var metrics = Evaluate(ml, transformer, validation);
        var version = VersionFor(slot, data, options);
        return new TrainedTreeModel(
            slot, version, slot == ModelSlots.Lgbm ? LightGbmTrainer : FastTreeTrainer, data.Set, trees, options,
            train.Times is { Count: > 0 } t ? t[0] : null, train.Times is { Count: > 0 } u ? u[^1] : null,
            train.Count, metrics, ml, transformer);
    }

    /// <summary>
    /// "&lt;slot&gt;-&lt;yyyyMMddHHmmss&gt;-&lt;hash8&gt;": the time of the newest row (UTC; the Unix epoch when the set
    /// carries no times) and the first 8 hex digits of a SHA-256 over slot, options and data.
    /// </summary>
    public static string VersionFor(string slot, TreeTrainingSet data, TreeTrainingOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join('|',
            slot,
            options.NumberOfTrees.ToString(CultureInfo.InvariantCulture),
            options.NumberOfLeaves.ToString(CultureInfo.InvariantCulture),
            options.MinimumExampleCountPerLeaf.ToString(CultureInfo.InvariantCulture),
            options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            options.Seed.ToString(CultureInfo.InvariantCulture),
            options.ValidationFraction.ToString("R", CultureInfo.InvariantCulture)) + "\n"));
        data.AppendTo(hash);
        var stamp = data.Times is { Count: > 0 } times ? times[^1].UtcDateTime : DateTime.UnixEpoch;
        var hex = Convert.ToHexStringLower(hash.GetHashAndReset());
        return $"{slot}-{stamp.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}-{hex[..8]}";
    }

    private static (ITransformer, RegressionTreeEnsemble, PlattCalibrator) FitLightGbm(MLContext ml, IDataView view, TreeTrainingOptions o, bool weighted)
    {
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = MlRow.LabelColumn,
            FeatureColumnName = MlRow.FeaturesColumn,
            ExampleWeightColumnName = weighted ? MlRow.WeightColumn : null,
            NumberOfIterations = o.NumberOfTrees,
            NumberOfLeaves = o.NumberOfLeaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
            LearningRate = o.LearningRate,
            NumberOfThreads = 1,
            Seed = o.Seed,
            Deterministic = true,
            UseCategoricalSplit = false,
            Verbose = false,
            Silent = true,
        });
        var model = trainer.Fit(view);
        return (model, model.Model.SubModel.TrainedTreeEnsemble, model.Model.Calibrator);
    }

    private static (ITransformer, RegressionTreeEnsemble, PlattCalibrator) FitFastTree(MLContext ml, IDataView view, TreeTrainingOptions o, bool weighted)
    {
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = MlRow.LabelColumn,
            FeatureColumnName = MlRow.FeaturesColumn,
            ExampleWeightColumnName = weighted ? MlRow.WeightColumn : null,
            NumberOfTrees = o.NumberOfTrees,
            NumberOfLeaves = o.NumberOfLeaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
            LearningRate = o.LearningRate,
            NumberOfThreads = 1,
            Seed = o.Seed,
            FeatureSelectionSeed = o.Seed,
        });
        var model = trainer.Fit(view);
        return (model, model.Model.SubModel.TrainedTreeEnsemble, model.Model.Calibrator);
    }

    private static TreeValidationMetrics? Evaluate(MLContext ml, ITransformer model, TreeTrainingSet validation)
    {
        // AUC is undefined without both outcomes, and ML.NET refuses to evaluate then.
        var positives = validation.PositiveCount;
        if (validation.Count == 0 || positives == 0 || positives == validation.Count) return null;
        var scored = model.Transform(ToDataView(ml, validation));
        var m = ml.BinaryClassification.Evaluate(scored, MlRow.LabelColumn);
        return new TreeValidationMetrics(validation.Count, m.Accuracy, m.LogLoss, m.AreaUnderRocCurve);
    }

    internal static IDataView ToDataView(MLContext ml, TreeTrainingSet set) => ToDataView(ml, set.X, set.Y, set.Set.Names.Count, set.Weights);

    internal static IDataView ToDataView(MLContext ml, IReadOnlyList<float[]> x, IReadOnlyList<bool>? y, int featureCount, float[]? weights = null)
    {
        var schema = SchemaDefinition.Create(typeof(MlRow));
        schema[MlRow.FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var rows = new MlRow[x.Count];
        for (var i = 0; i < rows.Length; i++) rows[i] = new MlRow { Features = x[i], Label = y is not null && y[i], Weight = weights?[i] ?? 1 };
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    internal sealed class MlRow
    {
        public const string LabelColumn = nameof(Label);
        public const string FeaturesColumn = nameof(Features);
        public const string WeightColumn = nameof(Weight);
        public bool Label { get; set; }
        public float Weight { get; set; } = 1;
        public float[] Features { get; set; } = [];
    }
}
