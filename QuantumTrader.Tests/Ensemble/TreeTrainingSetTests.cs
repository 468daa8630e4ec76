using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Tests.Ensemble;

public class TreeTrainingSetTests
{
    private static readonly FeatureSet Set = new("t-v1", ["x", "y"]);
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static FeatureVector Row(int t, bool warm, double x = 1, double y = 2) => new(Set, T0.AddMinutes(t), [x + t, y], warm);

    [Fact]
    public void FromFeatures_labels_up_moves_over_the_horizon_and_skips_cold_and_last_rows()
    {
        // closes: t=1 -> t=3 is 11 -> 11 (flat, not up), t=2 -> t=4 is 10.5 -> 12 (up), t=3 -> t=5 is 11 -> 13 (up).
        double[] closes = [10, 11, 10.5, 11, 12, 13];
        var rows = Enumerable.Range(0, 6).Select(t => Row(t, warm: t >= 1)).ToArray();

        var set = TreeTrainingSet.FromFeatures(rows, closes, horizon: 2);

        Assert.Equal(3, set.Count);
        Assert.Equal([false, true, true], set.Y);
        Assert.Equal([T0.AddMinutes(1), T0.AddMinutes(2), T0.AddMinutes(3)], set.Times!);
        Assert.Equal([2f, 2f], set.X[0]);
        Assert.Equal([4f, 2f], set.X[2]);
        Assert.Same(Set, set.Set);
    }

    [Fact]
    public void FromFeatures_names_the_feature_that_is_not_finite()
    {
        var rows = new[] { Row(0, true), Row(1, true, y: double.NaN), Row(2, true) };
        var e = Assert.Throws<ArgumentException>(() => TreeTrainingSet.FromFeatures(rows, [1, 2, 3], 1));
        Assert.Contains("feature row 1", e.Message);
        Assert.Contains("'y'", e.Message);
    }

    [Fact]
    public void FromFeatures_refuses_mismatched_closes_and_a_zero_horizon()
    {
        var rows = new[] { Row(0, true), Row(1, true) };
        Assert.Contains("2 feature rows but 3 closes", Assert.Throws<ArgumentException>(() => TreeTrainingSet.FromFeatures(rows, [1, 2, 3], 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TreeTrainingSet.FromFeatures(rows, [1, 2], 0));
    }

    [Fact]
    public void FromFeatures_refuses_rows_of_another_feature_set()
    {
        var other = new FeatureVector(new FeatureSet("t-v2", ["x", "y"]), T0, [1, 2], true);
        var e = Assert.Throws<ArgumentException>(() => TreeTrainingSet.FromFeatures([Row(0, true), other, Row(2, true)], [1, 2, 3], 1));
        Assert.Contains("t-v2", e.Message);
    }

    [Fact]
    public void Chronological_split_holds_out_the_newest_rows()
    {
        var set = new TreeTrainingSet(Set, Enumerable.Range(0, 8).Select(i => new float[] { i, 0 }).ToArray(),
            [true, false, true, false, true, false, true, false], Enumerable.Range(0, 8).Select(i => T0.AddDays(i)).ToArray());

        var (train, validation) = set.SplitChronologically(0.25);

        Assert.Equal(6, train.Count);
        Assert.Equal(2, validation.Count);
        Assert.Equal(6f, validation.X[0][0]);
        Assert.Equal(T0.AddDays(7), validation.Times![1]);
        Assert.Equal(T0.AddDays(5), train.Times![^1]);
    }

    [Fact]
    public void Validate_names_the_row_with_the_wrong_width()
    {
        var set = new TreeTrainingSet(Set, [[1, 2], [3]], [true, false]);
        Assert.Contains("training row 1 has 1 values", Assert.Throws<ArgumentException>(set.Validate).Message);
    }

    [Fact]
    public void Content_hash_changes_with_one_label()
    {
        var a = new TreeTrainingSet(Set, [[1, 2], [3, 4]], [true, false]);
        var b = new TreeTrainingSet(Set, [[1, 2], [3, 4]], [true, true]);
        Assert.Equal(a.ContentHash(), new TreeTrainingSet(Set, [[1, 2], [3, 4]], [true, false]).ContentHash());
        Assert.NotEqual(a.ContentHash(), b.ContentHash());
    }
}
