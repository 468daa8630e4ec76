using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

/// <summary><c>bench forecast</c> through the command line: its JSON for scripts, and exit code 2 for a file it cannot use.</summary>
[Collection(TorchCollection.Name)]
public class ForecastBenchCommandTests
{
    /// <summary>An ETT-shaped file of 20 months (the 12/4/4 split) sampled daily, so it stays small; the seven channels are weekly sines.</summary>
    private static string SyntheticEtt(TempDir dir)
    {
        var path = dir.File("synthetic.csv");
        var text = new StringBuilder("date," + string.Join(',', EttDataset.Channels) + "\n");
        var start = new DateTime(2016, 7, 1);
        for (var t = 0; t < 20 * 30; t++)
        {
            text.Append(start.AddDays(t).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            for (var c = 0; c < 7; c++) text.Append(',').Append((10 + c + Math.Sin(2 * Math.PI * t / 7 + c)).ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public async Task Writes_the_json_scripts_read()
    {
        using var dir = new TempDir();
        var data = SyntheticEtt(dir);
        var json = dir.File("forecast.json");

        var code = await QtCli.RunAsync(["bench", "forecast", "--data", data, "--horizons", "2,3", "--models", "nhits",
            "--epochs", "1", "--max-train-windows", "64", "--json", json]);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("synthetic", root.GetProperty("dataset").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal([2, 3], results.Select(r => r.GetProperty("horizon").GetInt32()));
        foreach (var r in results)
        {
            Assert.Equal("nhits", r.GetProperty("model").GetString());
            Assert.InRange(r.GetProperty("mse").GetDouble(), 0, 10);
            Assert.InRange(r.GetProperty("mae").GetDouble(), 0, 10);
            Assert.True(r.GetProperty("trainSeconds").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("publishedMse").ValueKind);
        }
        Assert.Equal(64, root.GetProperty("configuration").GetProperty("maxTrainWindows").GetInt32());
    }

    [Fact]
    public async Task A_search_reports_the_selected_trial_and_every_trial_in_the_json()
    {
        using var dir = new TempDir();
        var json = dir.File("search.json");
        var code = await QtCli.RunAsync(["bench", "forecast", "--data", SyntheticEtt(dir), "--horizons", "3", "--models", "nhits",
            "--epochs", "1", "--max-train-windows", "32", "--batch-size", "16", "--search", "2", "--json", json]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(2, r.GetProperty("search").GetArrayLength());
        Assert.True(r.GetProperty("selected").GetProperty("learningRate").GetDouble() > 0);
        Assert.True(r.GetProperty("searchSeconds").GetDouble() > 0);
        Assert.True(r.GetProperty("trainingUnitsMse").GetDouble() > 0);
        Assert.Equal(2, doc.RootElement.GetProperty("configuration").GetProperty("searchTrials").GetInt32());
        Assert.Equal(0, r.GetProperty("trainRows").GetProperty("start").GetInt32());
        Assert.Equal(12 * 30, r.GetProperty("trainRows").GetProperty("end").GetInt32());
        Assert.Equal("Mse", doc.RootElement.GetProperty("configuration").GetProperty("selectOn").GetString());
        Assert.False(doc.RootElement.GetProperty("configuration").GetProperty("keepFinalWeights").GetBoolean());
    }

    [Fact]
    public async Task Neuralforecasts_selection_is_chosen_on_the_command_line_and_recorded()
    {
        using var dir = new TempDir();
        var json = dir.File("search.json");
        var code = await QtCli.RunAsync(["bench", "forecast", "--data", SyntheticEtt(dir), "--horizons", "3", "--models", "nhits",
            "--epochs", "1", "--max-train-windows", "32", "--batch-size", "16", "--search", "2", "--select-on", "MAE", "--weights", "final",
            "--refit-with-validation", "--json", json]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var configuration = doc.RootElement.GetProperty("configuration");
        Assert.Equal("Mae", configuration.GetProperty("selectOn").GetString());
        Assert.True(configuration.GetProperty("keepFinalWeights").GetBoolean());
        Assert.True(configuration.GetProperty("refitWithValidation").GetBoolean());
        var r = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray());
        // 20 months of days: the refit trains on the 16 before the test months
        Assert.Equal(0, r.GetProperty("trainRows").GetProperty("start").GetInt32());
        Assert.Equal(16 * 30, r.GetProperty("trainRows").GetProperty("end").GetInt32());
        var lowestMae = r.GetProperty("search").EnumerateArray().MinBy(t => t.GetProperty("validationMae").GetDouble());
        Assert.Equal(lowestMae.GetProperty("trial").GetProperty("seed").GetInt64(), r.GetProperty("selected").GetProperty("seed").GetInt64());
        Assert.Equal(lowestMae.GetProperty("trial").GetProperty("learningRate").GetDouble(), r.GetProperty("selected").GetProperty("learningRate").GetDouble());
    }

    [Fact]
    public async Task A_missing_or_malformed_file_or_a_bad_option_exits_with_code_2()
    {
        using var dir = new TempDir();
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", dir.File("missing.csv"), "--horizons", "96"]));
        File.WriteAllText(dir.File("bad.csv"), "date,HUFL\n2016-07-01 00:00:00,1\n");
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", dir.File("bad.csv"), "--horizons", "96"]));
        var ex = Assert.Throws<UsageException>(() => ForecastBenchCommand.ParseHorizons("96,x"));
        Assert.Contains("'x' is not a positive whole number", ex.Message);
        Assert.Contains("unknown model 'arima'", Assert.Throws<UsageException>(() => ForecastBenchCommand.ParseModels("nhits,arima")).Message);
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", dir.File("missing.csv"), "--epochs", "0"]));
        var data = SyntheticEtt(dir);
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", data, "--models", "nhits", "--search", "0"]));
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", data, "--models", "nhits", "--search", "3", "--learning-rate", "1e-3"]));
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", data, "--models", "nhits", "--refit-with-validation"]));
        Assert.Contains("'rmse' is not a validation error", Assert.Throws<UsageException>(() => ForecastBenchCommand.ParseMetric("rmse")).Message);
        Assert.Contains("'last' names no weights", Assert.Throws<UsageException>(() => ForecastBenchCommand.ParseKeepFinalWeights("last")).Message);
        Assert.Equal(2, await QtCli.RunAsync(["bench", "forecast", "--data", data, "--models", "nhits", "--lookback-factor", "0"]));
        Assert.Contains("'test' names no months", Assert.Throws<UsageException>(() => ForecastBenchCommand.ParseScaleOn("test")).Message);
        Assert.Equal((null, false, true), (ForecastBenchCommand.ParseScaleOn(null), ForecastBenchCommand.ParseScaleOn("training"),
            ForecastBenchCommand.ParseScaleOn("training-and-validation")));
    }

    [Theory]
    [InlineData(96, 0.01)]
    [InlineData(192, 0.01)]
    [InlineData(336, 0.03)]
    [InlineData(720, 0.03)]
    public void The_goal_is_a_hundredth_up_to_192_and_three_hundredths_beyond(int horizon, double goal) =>
        Assert.Equal(goal, ForecastBenchCommand.MseGoal(horizon));
}
