using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>Which models a run serves: the --models choice, and an imported model in place of the one the run would train.</summary>
public sealed class ModelBootstrapTests
{
    [Theory]
    [InlineData("all", "xgb,lgbm,nhits,patchtst")]
    [InlineData("xgb,lgbm", "xgb,lgbm")]
    [InlineData(" NHiTS , patchtst,nhits", "nhits,patchtst")]
    public void Models_option_names_slots(string option, string expected)
    {
        var slots = ModelBootstrap.Slots([option]);
        Assert.Equal(expected.Split(','), ModelSlots.All.Where(slots.Contains));
    }

    [Theory]
    [InlineData("xgb,arima", "unknown model 'arima'")]
    [InlineData(" , ", "names no model")]
    public void An_unknown_or_empty_models_option_is_a_usage_error(string option, string message)
    {
        var ex = Assert.Throws<UsageException>(() => ModelBootstrap.Slots([option]));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void An_imported_model_serves_its_slot_and_only_the_chosen_slots_serve()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        Assert.NotNull(ModelImportCommand.Import("xgb", Fs1Onnx.Write(dir.Path, "m.onnx", Fs1Onnx.Stump(ModelSlots.Xgb, "xgb-from-python")), state).Artifact);

        var data = ReplayData.Load([RepoPaths.Of("data", "binance")], DataFormat.Auto, BadRowPolicy.Skip, _ => { });
        var serving = new EnsembleServing(EnsembleWeights.Default, TimeSpan.FromSeconds(2), _ => { });
        var messages = new List<string>();
        var plan = ModelBootstrap.Prepare(data, new RunSettings { Data = [], StateDirectory = state, Models = ["xgb"] }, serving, new CollectingObserver(messages, []), new HashSet<(string, string)>());

        Assert.Equal([ModelSlots.Xgb], serving.ModelIds);
        Assert.Equal("xgb-from-python", serving.PredictorOf(ModelSlots.Xgb)!.Version);
        Assert.Contains("serving xgb xgb-from-python (imported) through ONNX Runtime", messages);
        Assert.DoesNotContain(messages, m => m.StartsWith("training", StringComparison.Ordinal));
        Assert.Equal(["BTCUSDT", "ETHUSDT"], plan.TradeFrom.Keys.Order());
    }
}
