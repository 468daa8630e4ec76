using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;

namespace QuantumTrader.Tests.Ensemble;

public class TreeTrainerTests
{
    public static TheoryData<string> Slots => new() { ModelSlots.Lgbm, ModelSlots.Xgb };

    [Theory]
    [MemberData(nameof(Slots))]
    public void Training_twice_on_the_same_data_gives_identical_models(string slot)
    {
        var data = TreeTestData.TrainingSet();
        var first = TreeTrainer.Train(slot, data, TreeTestData.Options);
        var second = TreeTrainer.Train(slot, TreeTestData.TrainingSet(), TreeTestData.Options);

        Assert.Equal(first.Version, second.Version);
        Assert.Equal(first.MlNetProbabilities(data.X), second.MlNetProbabilities(data.X));
        Assert.Equal(first.ToOnnx(), second.ToOnnx());
    }

    [Theory]
    [MemberData(nameof(Slots))]
    public void Onnx_export_reproduces_MlNet_probabilities(string slot)
    {
        var data = TreeTestData.TrainingSet();
        var model = TreeTestData.Trained(slot);
        Assert.True(data.Count >= 400);
        Assert.Equal(TreeTestData.Options.NumberOfTrees, model.Trees.Trees.Count);

        var expected = model.MlNetProbabilities(data.X);
        using var predictor = new OnnxTreePredictor(slot, model.Version, data.Set, model.ToOnnx());
        var distinct = new HashSet<float>();
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal(expected[i], predictor.ProbabilityUp(data.X[i]), 1e-5);
            Assert.Equal(expected[i], model.Trees.ProbabilityUp(data.X[i]), 1e-5);
            distinct.Add(expected[i]);
        }
        // The comparison is only meaningful if the model separates rows.
        Assert.True(distinct.Count > 50, $"only {distinct.Count} distinct probabilities");
    }

    [Theory]
    [MemberData(nameof(Slots))]
    public void Exported_graph_scores_a_batch_with_labels_and_two_probability_columns(string slot)
    {
        var data = TreeTestData.TrainingSet();
        var model = TreeTestData.Trained(slot);
        var rows = data.X.Take(25).ToArray();
        var flat = rows.SelectMany(r => r).ToArray();
        using var session = new InferenceSession(model.ToOnnx());
        using var input = OrtValue.CreateTensorValueFromMemory(flat, [rows.Length, data.Set.Names.Count]);
        using var outputs = session.Run(new RunOptions(), ["features"], [input], ["label", "probabilities"]);

        var labels = outputs[0].GetTensorDataAsSpan<long>().ToArray();
        var probabilities = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal([rows.Length, 2L], outputs[1].GetTensorTypeAndShape().Shape);
        var expected = model.MlNetProbabilities(rows);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(1.0, probabilities[2 * i] + probabilities[2 * i + 1], 1e-6);
            Assert.Equal(expected[i], probabilities[2 * i + 1], 1e-5);
            Assert.Equal(probabilities[2 * i + 1] > 0.5f ? 1L : 0L, labels[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Slots))]
    public void Hold_out_metrics_show_the_mean_reversion_was_learned(string slot)
    {
        var data = TreeTestData.TrainingSet();
        var model = TreeTestData.Trained(slot);
        var holdOut = (int)Math.Floor(data.Count * TreeTestData.Options.ValidationFraction);

        Assert.Equal(data.Count - holdOut, model.TrainingRows);
        Assert.NotNull(model.Metrics);
        Assert.Equal(holdOut, model.Metrics!.Rows);
        Assert.InRange(model.Metrics.Auc, 0.75, 1.0);
        Assert.InRange(model.Metrics.Accuracy, 0.65, 1.0);
        // ML.NET reports log-loss in bits: a coin flip scores 1.
        Assert.InRange(model.Metrics.LogLoss, 0.0, 0.9);
        Assert.Equal(data.Times![0], model.TrainedFrom);
        Assert.Equal(data.Times[data.Count - holdOut - 1], model.TrainedTo);
    }

    [Fact]
    public void Version_is_slot_newest_row_time_and_data_hash()
    {
        var data = TreeTestData.TrainingSet();
        var version = TreeTrainer.VersionFor(ModelSlots.Lgbm, data, TreeTestData.Options);

        Assert.Matches(new Regex("^lgbm-[0-9]{14}-[0-9a-f]{8}$"), version);
        Assert.Equal($"lgbm-{data.Times![^1].UtcDateTime:yyyyMMddHHmmss}", version[..19]);
        Assert.Equal(version, TreeTestData.Trained(ModelSlots.Lgbm).Version);
        Assert.NotEqual(version, TreeTrainer.VersionFor(ModelSlots.Lgbm, TreeTestData.TrainingSet(seed: 8), TreeTestData.Options));
        Assert.NotEqual(version[5..], TreeTrainer.VersionFor(ModelSlots.Xgb, data, TreeTestData.Options)[4..]);
        Assert.NotEqual(version, TreeTrainer.VersionFor(ModelSlots.Lgbm, data, TreeTestData.Options with { NumberOfTrees = 41 }));
    }

    [Fact]
    public void Refuses_one_sided_labels_too_few_rows_and_non_tree_slots()
    {
        var data = TreeTestData.TrainingSet();
        var allUp = data with { Y = data.Y.Select(_ => true).ToArray() };
        Assert.Contains("all labelled up", Assert.Throws<ArgumentException>(() => TreeTrainer.Train(ModelSlots.Lgbm, allUp, TreeTestData.Options)).Message);

        var few = data.Slice(0, 30);
        Assert.Contains("too few", Assert.Throws<ArgumentException>(() => TreeTrainer.Train(ModelSlots.Xgb, few, TreeTestData.Options)).Message);

        Assert.Contains("not a tree slot", Assert.Throws<ArgumentException>(() => TreeTrainer.Train(ModelSlots.Nhits, data, TreeTestData.Options)).Message);
    }

    /// <summary>Seed 004: the rows a model got most confidently wrong, weighted 3x in the next training, are wrong again far less often.</summary>
    [Theory]
    [MemberData(nameof(Slots))]
    public void Weighting_up_a_models_worst_errors_cuts_its_repeat_errors(string slot)
    {
        var data = TreeTestData.TrainingSet();
        var trainRows = data.Count - (int)Math.Floor(data.Count * TreeTestData.Options.ValidationFraction);
        var before = TreeTestData.Trained(slot).MlNetProbabilities(data.X);
        var worst = Enumerable.Range(0, trainRows).Where(i => before[i] > 0.5f != data.Y[i])
            .OrderByDescending(i => Math.Abs(before[i] - 0.5f)).Take(trainRows / 5).ToArray();
        Assert.True(worst.Length >= 30, $"the unweighted model is wrong on {worst.Length} training rows");

        var weighted = data with { Weights = Enumerable.Range(0, data.Count).Select(i => worst.Contains(i) ? 3f : 1f).ToArray() };
        var model = TreeTrainer.Train(slot, weighted, TreeTestData.Options);
        var after = model.MlNetProbabilities(data.X);
        var repeated = worst.Count(i => after[i] > 0.5f != data.Y[i]);

        Assert.True(repeated <= 0.7 * worst.Length, $"{repeated} of the {worst.Length} errors repeated");
        Assert.NotEqual(TreeTestData.Trained(slot).Version, model.Version);
        Assert.Equal(model.Version, TreeTrainer.VersionFor(slot, weighted, TreeTestData.Options));
    }

    [Fact]
    public void Refuses_weights_that_are_not_positive_or_do_not_match_the_rows()
    {
        var data = TreeTestData.TrainingSet();
        var weights = Enumerable.Repeat(1f, data.Count).ToArray();
        weights[5] = 0;
        Assert.Contains("training row 5", Assert.Throws<ArgumentException>(() => TreeTrainer.Train(ModelSlots.Lgbm, data with { Weights = weights }, TreeTestData.Options)).Message);
        Assert.Contains("weights", Assert.Throws<ArgumentException>(() => TreeTrainer.Train(ModelSlots.Xgb, data with { Weights = [1f, 2f] }, TreeTestData.Options)).Message);
    }
}
