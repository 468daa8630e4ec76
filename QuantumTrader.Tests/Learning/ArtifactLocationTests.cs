using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public sealed class ArtifactLocationTests
{
    [Fact]
    public void An_artifact_recorded_under_another_state_directory_is_found_under_this_ones_models_folder()
    {
        var here = Path.GetFullPath("/srv/qt/state");
        var local = Path.Combine(here, "models", "xgb", "xgb-v2.json");

        Assert.Equal(local, ArtifactLocation.Resolve("/home/ops/old-state/models/xgb/xgb-v2.json", "xgb", here, p => p == local));
        var forecaster = Path.Combine(here, "models", "nhits", "nhits-20210101140000-c21b9311");
        Assert.Equal(forecaster, ArtifactLocation.Resolve("/home/ops/old-state/models/nhits/nhits-20210101140000-c21b9311", "nhits", here, p => p == forecaster));
    }

    [Fact]
    public void The_recorded_path_stays_when_this_state_directory_has_no_such_file_or_the_path_is_not_in_a_models_folder()
    {
        var here = Path.GetFullPath("/srv/qt/state");

        Assert.Equal("/home/ops/old-state/models/xgb/xgb-v2.json", ArtifactLocation.Resolve("/home/ops/old-state/models/xgb/xgb-v2.json", "xgb", here, _ => false));
        Assert.Equal("/opt/imports/model.onnx", ArtifactLocation.Resolve("/opt/imports/model.onnx", "xgb", here, _ => true));
        // Another slot's folder is not this slot's.
        Assert.Equal("/old/models/lgbm/lgbm-v1.json", ArtifactLocation.Resolve("/old/models/lgbm/lgbm-v1.json", "xgb", here, _ => true));
    }
}
