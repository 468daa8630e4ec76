using System.Text.Json;
using QuantumTrader.Models.Ensemble;

namespace QuantumTrader.Tests.Ensemble;

public class EnsembleWeightsTests
{
    [Fact]
    public void Default_is_seed_001_split_over_the_model_slots()
    {
        var w = EnsembleWeights.Default;
        Assert.True(w.TryValidate(out var error), error);
        Assert.Equal(0.25, w.WeightOf(ModelSlots.Xgb));
        Assert.Equal(0.25, w.WeightOf(ModelSlots.Lgbm));
        Assert.Equal(0.30, w.WeightOf(ModelSlots.Nhits));
        Assert.Equal(0.20, w.WeightOf(ModelSlots.PatchTst));
        Assert.Equal(0.0, w.WeightOf("unknown"));
    }

    [Theory]
    [InlineData(0.25, 0.25, 0.30, 0.2000005, true, "")]
    [InlineData(0.25, 0.25, 0.30, 0.2000011, false, "sum to")]
    [InlineData(0.25, 0.25, 0.60, -0.10, false, "below 0")]
    [InlineData(0.25, 0.25, double.NaN, 0.20, false, "not a finite number")]
    [InlineData(0.0, 0.0, 1.0, 0.0, true, "")]
    public void Validation_checks_each_entry_and_the_sum(double a, double b, double c, double d, bool valid, string message)
    {
        var w = new EnsembleWeights(new Dictionary<string, double> { ["xgb"] = a, ["lgbm"] = b, ["nhits"] = c, ["patchtst"] = d });
        Assert.Equal(valid, w.TryValidate(out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void Empty_set_is_invalid()
    {
        Assert.False(new EnsembleWeights(new Dictionary<string, double>()).TryValidate(out var error));
        Assert.Contains("empty", error);
    }

    [Fact]
    public void Round_trips_through_json_with_value_equality()
    {
        var json = JsonSerializer.Serialize(EnsembleWeights.Default);
        var back = JsonSerializer.Deserialize<EnsembleWeights>(json)!;
        Assert.Equal(EnsembleWeights.Default, back);
        Assert.Equal(EnsembleWeights.Default.GetHashCode(), back.GetHashCode());
        Assert.NotEqual(EnsembleWeights.Default, new EnsembleWeights(new Dictionary<string, double> { ["xgb"] = 1.0 }));
    }
}
