using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class ArtifactTests
{
    private static Forecaster TrainTiny(ForecastModelConfig config, ChannelSeries series) =>
        ForecasterTrainer.Train(config, series, new RowRange(0, 160), new RowRange(160 - config.Lookback, 200),
            new ForecastTrainingOptions(Epochs: 2, BatchSize: 16, LearningRate: 1e-3));

    public static TheoryData<string> Models => ["nhits", "patchtst"];

    private static ForecastModelConfig Tiny(string model) => model == "nhits"
        ? new NhitsConfig(16, 4, [2, 2, 1], [4, 2, 1], [16, 16])
        : new PatchTstConfig(16, 4, PatchLength: 8, Stride: 4, Layers: 2);

    [Theory]
    [MemberData(nameof(Models))]
    public void Save_then_load_gives_identical_forecasts_and_manifest(string model)
    {
        var series = SyntheticSeries.Sines(200, 2, 10);
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using var trained = TrainTiny(Tiny(model), series);
            trained.Save(dir);
            using var loaded = Forecaster.Load(dir);

            var window = Enumerable.Range(180, 16).Select(t => new[] { (double)series[t, 0] * 3, (double)series[t, 1] - 1 }).ToArray();
            var a = trained.Forecast(window);
            var b = loaded.Forecast(window);
            Assert.Equal(4, a.Length);
            for (var h = 0; h < 4; h++) Assert.Equal(a[h], b[h]);

            Assert.Equal(trained.Version, loaded.Version);
            Assert.Equal(JsonSerializer.Serialize(trained.Manifest, Forecaster.JsonOptions), JsonSerializer.Serialize(loaded.Manifest, Forecaster.JsonOptions));
            Assert.Equal(model, loaded.Manifest.Config.ModelId);
            Assert.Equal(new[] { "s0", "s1" }, loaded.Manifest.Channels);
            Assert.Equal(new RowRange(0, 160), loaded.Manifest.Training.Train);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Manifest_json_names_the_model_and_its_hyperparameters()
    {
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using var trained = TrainTiny(new PatchTstConfig(16, 4, PatchLength: 8, Stride: 4, Layers: 1), SyntheticSeries.Sines(200, 1, 10));
            trained.Save(dir);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, Forecaster.ManifestFileName)));
            var root = doc.RootElement;
            Assert.Equal(1, root.GetProperty("FormatVersion").GetInt32());
            Assert.Equal("patchtst", root.GetProperty("Config").GetProperty("model").GetString());
            Assert.Equal(8, root.GetProperty("Config").GetProperty("PatchLength").GetInt32());
            Assert.Equal(16, root.GetProperty("Config").GetProperty("Lookback").GetInt32());
            Assert.Equal(2, root.GetProperty("Training").GetProperty("Epochs").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Loading_a_manifest_of_another_format_version_names_the_file_and_field()
    {
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using (var trained = TrainTiny(Tiny("nhits"), SyntheticSeries.Sines(200, 1, 10))) trained.Save(dir);
            var path = Path.Combine(dir, Forecaster.ManifestFileName);
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"FormatVersion\": 1", "\"FormatVersion\": 9"));
            var ex = Assert.Throws<InvalidDataException>(() => Forecaster.Load(dir));
            Assert.Contains(path, ex.Message);
            Assert.Contains("field FormatVersion is 9", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Loading_broken_json_names_the_file_and_line()
    {
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using (var trained = TrainTiny(Tiny("nhits"), SyntheticSeries.Sines(200, 1, 10))) trained.Save(dir);
            var path = Path.Combine(dir, Forecaster.ManifestFileName);
            File.WriteAllText(path, "{\n  \"FormatVersion\": 1,\n  \"ModelId\": oops\n}");
            var ex = Assert.Throws<InvalidDataException>(() => Forecaster.Load(dir));
            Assert.Contains(path, ex.Message);
            Assert.Contains("line 3", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Weights_of_a_different_network_are_refused()
    {
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using (var trained = TrainTiny(Tiny("nhits"), SyntheticSeries.Sines(200, 1, 10))) trained.Save(dir);
            var path = Path.Combine(dir, Forecaster.ManifestFileName);
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"HiddenUnits\": [\n      16,\n      16\n    ]", "\"HiddenUnits\": [\n      16,\n      17\n    ]"));
            var ex = Assert.Throws<InvalidDataException>(() => Forecaster.Load(dir));
            Assert.Contains(Forecaster.WeightsFileName, ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Configs_and_scaling_round_trip_through_json_with_value_equality()
    {
        ForecastModelConfig nhits = NhitsConfig.Default(480, 96);
        ForecastModelConfig patch = PatchTstConfig.PatchTst42(720);
        Assert.Equal(nhits, JsonSerializer.Deserialize<ForecastModelConfig>(JsonSerializer.Serialize(nhits, Forecaster.JsonOptions), Forecaster.JsonOptions));
        Assert.Equal(patch, JsonSerializer.Deserialize<ForecastModelConfig>(JsonSerializer.Serialize(patch, Forecaster.JsonOptions), Forecaster.JsonOptions));
        Assert.NotEqual(nhits, NhitsConfig.Default(480, 96) with { HiddenUnits = [512, 256] });
        ForecastModelConfig longHorizon = NhitsConfig.LongHorizon(336);
        Assert.Equal(longHorizon, JsonSerializer.Deserialize<ForecastModelConfig>(JsonSerializer.Serialize(longHorizon, Forecaster.JsonOptions), Forecaster.JsonOptions));
        Assert.NotEqual(longHorizon, NhitsConfig.LongHorizon(336) with { ScalerType = WindowScaler.Standard });
        Assert.NotEqual(longHorizon, NhitsConfig.LongHorizon(336) with { Loss = ForecastLoss.Mse });
        Assert.NotEqual(longHorizon, NhitsConfig.LongHorizon(336) with { HuberDelta = 1.0 });
        ForecastModelConfig projected = NhitsConfig.Default(480, 96) with { InputProjection = true };
        Assert.NotEqual(nhits, projected);
        Assert.Equal(projected, JsonSerializer.Deserialize<ForecastModelConfig>(JsonSerializer.Serialize(projected, Forecaster.JsonOptions), Forecaster.JsonOptions));
        var scaling = new ChannelScaling([1.5, -2.25], [0.1, 3]);
        Assert.Equal(scaling, JsonSerializer.Deserialize<ChannelScaling>(JsonSerializer.Serialize(scaling)));
    }

    [Fact]
    public void Nhits_window_scaler_and_loss_survive_save_and_load()
    {
        var series = SyntheticSeries.Sines(200, 2, 10);
        var config = new NhitsConfig(16, 4, [2, 2, 1], [4, 2, 1], [16, 16], Dropout: 0.5, ScalerType: WindowScaler.Robust, Loss: ForecastLoss.Huber, HuberDelta: 0.5);
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using var trained = ForecasterTrainer.Train(config, series, new RowRange(0, 160), new RowRange(160 - 16, 200),
                new ForecastTrainingOptions(Epochs: 2, BatchSize: 16, LearningRate: 1e-3, MaxSteps: 12, ValidationInterval: 5, LearningRateDecays: 2));
            trained.Save(dir);
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, Forecaster.ManifestFileName))))
            {
                var c = doc.RootElement.GetProperty("Config");
                Assert.Equal("robust", c.GetProperty("ScalerType").GetString());
                Assert.Equal("huber", c.GetProperty("Loss").GetString());
                Assert.Equal(0.5, c.GetProperty("HuberDelta").GetDouble());
                var t = doc.RootElement.GetProperty("Training");
                Assert.Equal(12, t.GetProperty("Steps").GetInt32());
                Assert.Equal(2, t.GetProperty("Options").GetProperty("LearningRateDecays").GetInt32());
            }
            using var loaded = Forecaster.Load(dir);
            Assert.Equal<ForecastModelConfig>(config, loaded.Manifest.Config);
            Assert.Equal(trained.Manifest.Training.Options, loaded.Manifest.Training.Options);
            var window = Enumerable.Range(180, 16).Select(t => new[] { (double)series[t, 0] * 3 + 7, (double)series[t, 1] }).ToArray();
            Assert.Equal(trained.Forecast(window), loaded.Forecast(window));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_nhits_manifest_written_before_the_window_scaler_existed_loads_with_the_old_behaviour()
    {
        var series = SyntheticSeries.Sines(200, 1, 10);
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            using (var trained = TrainTiny(Tiny("nhits"), series)) trained.Save(dir);
            var path = Path.Combine(dir, Forecaster.ManifestFileName);
            var manifest = JsonNode.Parse(File.ReadAllText(path))!;
            foreach (var field in new[] { "ScalerType", "Loss", "HuberDelta" }) Assert.True(manifest["Config"]!.AsObject().Remove(field), field);
            foreach (var field in new[] { "Steps", "BestStep" }) Assert.True(manifest["Training"]!.AsObject().Remove(field), field);
            File.WriteAllText(path, manifest.ToJsonString(Forecaster.JsonOptions));
            using var loaded = Forecaster.Load(dir);
            var config = Assert.IsType<NhitsConfig>(loaded.Manifest.Config);
            Assert.Equal((WindowScaler.Identity, ForecastLoss.Mse, 1.0), (config.ScalerType, config.Loss, config.HuberDelta));
            Assert.Equal(0, loaded.Manifest.Training.Steps);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_forecaster_made_inside_a_dispose_scope_outlives_it()
    {
        var series = SyntheticSeries.Sines(200, 1, 10);
        var window = Enumerable.Range(180, 16).Select(t => new[] { (double)series[t, 0] }).ToArray();
        Forecaster trained;
        double[][] before;
        using (TorchSharp.torch.NewDisposeScope())
        {
            trained = TrainTiny(Tiny("patchtst"), series);
            before = trained.Forecast(window);
        }
        using (trained)
            Assert.Equal(before, trained.Forecast(window));
    }

    [Fact]
    public void A_missing_directory_is_reported()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => Forecaster.Load(Path.Combine(Path.GetTempPath(), "qt-no-such-artifact")));
        Assert.Contains("qt-no-such-artifact", ex.Message);
    }
}
