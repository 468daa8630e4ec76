using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;

namespace QuantumTrader.Tests.Ensemble;

public class TreeModelArtifactTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(ModelSlots.Lgbm)]
    [InlineData(ModelSlots.Xgb)]
    public void Saved_model_loads_back_with_its_sidecar_and_serves_the_same_probabilities(string slot)
    {
        var model = TreeTestData.Trained(slot);
        var saved = model.Save(_folder.Path);
        var sidecar = _folder.File(model.Version + ".json");

        var loaded = TreeModelArtifact.Load(sidecar);

        Assert.Equal(saved with { Features = loaded.Features }, loaded);
        Assert.Equal(TreeTestData.Set.Names, loaded.Features.Names);
        Assert.Equal(TreeTestData.Set.Version, loaded.Features.Version);
        Assert.Equal(slot, loaded.Slot);
        Assert.Equal(model.Metrics, loaded.Metrics);
        Assert.Equal(model.TrainedFrom, loaded.TrainedFrom);
        Assert.Equal(model.TrainedTo, loaded.TrainedTo);
        Assert.True(File.Exists(_folder.File(model.Version + ".onnx")));

        var data = TreeTestData.TrainingSet();
        var expected = model.MlNetProbabilities(data.X);
        using var predictor = OnnxTreePredictor.Open(sidecar);
        Assert.Equal(model.Version, predictor.Version);
        for (var i = 0; i < data.Count; i += 7)
            Assert.Equal(expected[i], predictor.ProbabilityUp(data.X[i]), 1e-5);
    }

    [Fact]
    public void A_model_file_that_no_longer_matches_its_sidecar_is_refused()
    {
        var model = TreeTestData.Trained(ModelSlots.Lgbm);
        model.Save(_folder.Path);
        File.AppendAllText(_folder.File(model.Version + ".onnx"), "x");

        var e = Assert.Throws<ModelArtifactException>(() => TreeModelArtifact.Load(_folder.File(model.Version + ".json")));
        Assert.Contains("SHA-256", e.Reason);
        Assert.EndsWith(".onnx", e.FilePath);
    }

    [Fact]
    public void A_sidecar_without_its_model_file_is_refused()
    {
        var model = TreeTestData.Trained(ModelSlots.Lgbm);
        model.Save(_folder.Path);
        File.Delete(_folder.File(model.Version + ".onnx"));

        Assert.Contains("is missing", Assert.Throws<ModelArtifactException>(() => TreeModelArtifact.Load(_folder.File(model.Version + ".json"))).Reason);
    }

    [Fact]
    public void Broken_json_is_reported_with_its_line()
    {
        var path = _folder.File("broken.json");
        File.WriteAllText(path, "{\n  \"Slot\": \"lgbm\",\n  \"Version\": \n}");

        var e = Assert.Throws<ModelArtifactException>(() => TreeModelArtifact.Load(path));
        Assert.Contains("line 4", e.Reason);
    }

    [Fact]
    public void A_version_that_would_escape_the_folder_is_refused()
    {
        var model = TreeTestData.Trained(ModelSlots.Lgbm);
        model.Save(_folder.Path);
        var sidecar = _folder.File(model.Version + ".json");
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace($"\"{model.Version}\"", "\"../../etc/x\""));

        Assert.Contains("field Version '../../etc/x'", Assert.Throws<ModelArtifactException>(() => TreeModelArtifact.Load(sidecar)).Reason);
    }
}
