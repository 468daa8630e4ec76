using System.CommandLine;
using System.Globalization;
using QuantumTrader.Models.Forecasting;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>One model at one horizon: our test error next to the published one.</summary>
public sealed record ForecastBenchRow(
    string Model, int Horizon, double Mse, double Mae, double TrainSeconds, int Epochs,
    double? PublishedMse, double? PublishedMae, double? MseDifference, double? MaeDifference, double MseGoal, bool? WithinGoal,
    double ValidationMse, double TrainingUnitsMse, double TrainingUnitsMae,
    NhitsTrial? Selected = null, IReadOnlyList<SearchTrialResult>? Search = null, double? SearchSeconds = null,
    IReadOnlyList<NaiveForecastScore>? Baselines = null, RowRange? TrainRows = null, int? Lookback = null, RowRange? ScaledOn = null);

/// <summary>The settings a benchmark ran with, so a reduced run is never mistaken for the full protocol.</summary>
public sealed record ForecastBenchConfiguration(
    string Data, IReadOnlyList<int> Horizons, IReadOnlyList<string> Models, int? Epochs, int? Patience, int? MaxTrainWindows,
    int? BatchSize, double? LearningRate, int Threads, long Seed,
    int? MaxSteps = null, int? ValidationInterval = null, int? LearningRateDecays = null, int? SearchTrials = null,
    ValidationMetric SelectOn = ValidationMetric.Mse, bool KeepFinalWeights = false, int SearchFirstTrial = 1, bool RefitWithValidation = false,
    int? NhitsLookbackFactor = null, bool? ScaleOnValidationMonths = null);

public sealed record ForecastBenchReport(string Dataset, IReadOnlyList<ForecastBenchRow> Results, ForecastBenchConfiguration Configuration);

/// <summary>
/// <c>bench forecast</c>: N-HiTS and PatchTST on an ETT file with the papers' protocol (<see cref="ForecastBenchmark"/>), one model and
/// horizon at a time; the JSON file is rewritten after each, so a long run that is stopped keeps what finished.
/// </summary>
public static class ForecastBenchCommand
{
    /// <summary>The issue's goal: within 0.01 MSE of the published figure at horizons up to 192, within 0.03 beyond.</summary>
    public static double MseGoal(int horizon) => horizon <= 192 ? 0.01 : 0.03;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "ETT file (ETTh1.csv, ETTm1.csv.gz, ...)", Required = true };
        var horizons = new Option<string>("--horizons") { Description = "Comma list of horizons", DefaultValueFactory = _ => "96,192,336,720" };
        var models = new Option<string>("--models") { Description = "Comma list of patchtst, nhits", DefaultValueFactory = _ => string.Join(',', ForecastBenchmark.AllModels) };
        var defaults = new ForecastBenchmarkOptions();
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs per model (default: the model's protocol, 10 PatchTST, as many as the steps N-HiTS)" };
        var patience = new Option<int?>("--patience") { Description = "Validations without improvement before stopping (default: the model's protocol, 3 PatchTST, 10 N-HiTS)" };
        var maxWindows = new Option<int?>("--max-train-windows") { Description = "Reduced run: at most this many shuffled training windows per epoch (default: all)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Training batch size (default: the model's, 128 windows PatchTST, 256 single-channel windows N-HiTS)" };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Adam learning rate (default: the model's protocol, 1e-4 PatchTST, 1e-3 N-HiTS)" };
        var threads = new Option<int>("--threads") { Description = "torch threads", DefaultValueFactory = _ => defaults.Threads };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Most optimiser steps per model (default: the model's protocol, 1000 N-HiTS, none PatchTST)" };
        var validationInterval = new Option<int?>("--validation-interval") { Description = "Steps between validations (default: the model's protocol, 100 N-HiTS, one epoch PatchTST)" };
        var lrDecays = new Option<int?>("--lr-decays") { Description = "Times the learning rate halves, evenly over the steps (default: the model's protocol, 3 N-HiTS, 0 PatchTST)" };
        var seed = new Option<long>("--seed") { Description = "Seed of weights, dropout and shuffling, and of the search's draws", DefaultValueFactory = _ => defaults.Seed };
        var search = new Option<int?>("--search")
        {
            Description = "N-HiTS: random search of this many trials per horizon over neuralforecast's long-horizon space (learning rate, steps, " +
                          "kernels, downsampling, seed), keeping the lowest validation error (--select-on); not with --learning-rate or --max-steps",
        };
        var firstTrial = new Option<int>("--search-from")
        {
            Description = "Run the search's draws from this one on (1-based), to split a long search across processes; the draws are the same",
            DefaultValueFactory = _ => 1,
        };
        var selectOn = new Option<string>("--select-on")
        {
            Description = "The validation error the search keeps the lowest of: mse, or mae (neuralforecast's AutoNHITS)", DefaultValueFactory = _ => "mse",
        };
        var weights = new Option<string>("--weights")
        {
            Description = "Weights each training keeps: best (the best validation's) or final (after the last step, as neuralforecast)", DefaultValueFactory = _ => "best",
        };
        var refit = new Option<bool>("--refit-with-validation")
        {
            Description = "N-HiTS with --search: train the selected trial again on the training and validation months, keep its final weights " +
                          "and test that (neuralforecast's refit_with_val)",
        };
        var lookbackFactor = new Option<int?>("--lookback-factor")
        {
            Description = $"N-HiTS look-back in horizons (default {NhitsConfig.LongHorizonLookbackFactor}, neuralforecast's experiment; the issue names 5)",
        };
        var scaleOn = new Option<string?>("--scale-on")
        {
            Description = "Months whose statistics standardise the channels: training, or training-and-validation " +
                          "(default: the model's protocol, training for PatchTST, training-and-validation for N-HiTS)",
        };
        var json = new Option<string?>("--json") { Description = "Write {dataset, results: [{model, horizon, mse, mae, trainSeconds, ...}]} to this file" };
        var command = new Command("forecast", "Train and test N-HiTS and PatchTST on an ETT file with the papers' protocol; compare with the published MSE/MAE")
        {
            data, horizons, models, epochs, patience, maxWindows, batchSize, learningRate, maxSteps, validationInterval, lrDecays, threads, seed, search,
            firstTrial, selectOn, weights, refit, lookbackFactor, scaleOn, json,
        };
        command.SetAction(parse =>
        {
            var configuration = new ForecastBenchConfiguration(
                parse.GetValue(data)!, ParseHorizons(parse.GetValue(horizons)!), ParseModels(parse.GetValue(models)!),
                parse.GetValue(epochs), parse.GetValue(patience), parse.GetValue(maxWindows), parse.GetValue(batchSize),
                parse.GetValue(learningRate), parse.GetValue(threads), parse.GetValue(seed),
                parse.GetValue(maxSteps), parse.GetValue(validationInterval), parse.GetValue(lrDecays), parse.GetValue(search),
                ParseMetric(parse.GetValue(selectOn)!), ParseKeepFinalWeights(parse.GetValue(weights)!), parse.GetValue(firstTrial),
                parse.GetValue(refit), parse.GetValue(lookbackFactor), ParseScaleOn(parse.GetValue(scaleOn)));
            var report = Run(configuration, parse.GetValue(json), m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)));
            Print(report);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static ForecastBenchReport Run(ForecastBenchConfiguration configuration, string? jsonPath, Action<string> progress)
    {
        var options = new ForecastBenchmarkOptions(
            configuration.Epochs, configuration.BatchSize, configuration.LearningRate, configuration.Patience,
            configuration.MaxTrainWindows, configuration.Threads, configuration.Seed,
            MaxSteps: configuration.MaxSteps, ValidationInterval: configuration.ValidationInterval, LearningRateDecays: configuration.LearningRateDecays,
            SearchTrials: configuration.SearchTrials, SelectOn: configuration.SelectOn, KeepFinalWeights: configuration.KeepFinalWeights,
            SearchFirstTrial: configuration.SearchFirstTrial, RefitWithValidation: configuration.RefitWithValidation,
            NhitsLookbackFactor: configuration.NhitsLookbackFactor, ScaleOnValidationMonths: configuration.ScaleOnValidationMonths);
        try
        {
            options.Validate();
            new ForecastTrainingOptions(options.Epochs ?? 1, options.BatchSize, options.LearningRate, options.Patience ?? 1, options.MaxTrainWindows, options.Threads,
                MaxSteps: options.MaxSteps, ValidationInterval: options.ValidationInterval, LearningRateDecays: options.LearningRateDecays ?? 0).Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        EttData ett;
        try
        {
            ett = EttDataset.Read(configuration.Data);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UsageException(ex.Message);
        }
        progress($"{ett.Name}: {ett.Series.Length} rows of {ett.Series.ChannelCount} channels every {ett.Interval}, from {ett.Start:yyyy-MM-dd HH:mm}");

        var benchmark = new ForecastBenchmark(options, progress);
        var rows = new List<ForecastBenchRow>();
        foreach (var model in configuration.Models)
            foreach (var horizon in configuration.Horizons)
            {
                ForecastBenchmarkResult result;
                try
                {
                    result = benchmark.Run(ett, [horizon], [model]);
                }
                catch (ArgumentException ex)
                {
                    throw new UsageException($"{ett.Name} {model} horizon {horizon}: {ex.Message}");
                }
                rows.Add(RowOf(ett.Name, result.Results[0]));
                JsonOut.Write(jsonPath, new ForecastBenchReport(ett.Name, rows, configuration));
            }
        return new ForecastBenchReport(ett.Name, rows, configuration);
    }

    private static ForecastBenchRow RowOf(string dataset, ForecastResult r)
    {
        var published = ForecastBenchmark.PublishedFor(dataset, r.Model, r.Horizon);
        var goal = MseGoal(r.Horizon);
        return new ForecastBenchRow(r.Model, r.Horizon, r.Mse, r.Mae, r.TrainSeconds, r.Epochs,
            published?.Mse, published?.Mae, r.Mse - published?.Mse, r.Mae - published?.Mae, goal,
            published is null ? null : Math.Abs(r.Mse - published.Mse) <= goal,
            r.ValidationMse, r.TrainingUnitsMse, r.TrainingUnitsMae, r.Selected, r.Search, r.SearchSeconds, r.Baselines, r.TrainRows, r.Lookback, r.ScaledOn);
    }

    public static IReadOnlyList<int> ParseHorizons(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException("--horizons names no horizon");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0
            ? h
            : throw new UsageException($"--horizons: '{p}' is not a positive whole number")).ToArray();
    }

    public static ValidationMetric ParseMetric(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mse" => ValidationMetric.Mse,
        "mae" => ValidationMetric.Mae,
        _ => throw new UsageException($"--select-on: '{text}' is not a validation error; expected mse or mae"),
    };

    public static bool? ParseScaleOn(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "training" => false,
        "training-and-validation" => true,
        _ => throw new UsageException($"--scale-on: '{text}' names no months; expected training or training-and-validation"),
    };

    public static bool ParseKeepFinalWeights(string text) => text.Trim().ToLowerInvariant() switch
    {
        "best" => false,
        "final" => true,
        _ => throw new UsageException($"--weights: '{text}' names no weights; expected best or final"),
    };

    public static IReadOnlyList<string> ParseModels(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.ToLowerInvariant()).ToArray();
        if (parts.Length == 0) throw new UsageException("--models names no model");
        foreach (var p in parts)
            if (!ForecastBenchmark.AllModels.Contains(p))
                throw new UsageException($"--models: unknown model '{p}'; expected {string.Join(" or ", ForecastBenchmark.AllModels)}");
        return parts.Distinct().ToArray();
    }

    private static string F(double? x, string format = "F3") => x?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Signed(double? x) => x is { } v ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";

    private static void Print(ForecastBenchReport report)
    {
        var c = report.Configuration;
        AnsiConsole.MarkupLine(Markup.Escape($"bench forecast: {report.Dataset}, epochs {(c.Epochs is { } e ? $"at most {e.ToString(CultureInfo.InvariantCulture)}" : "per model")}, " +
            $"steps {(c.MaxSteps is { } s ? s.ToString(CultureInfo.InvariantCulture) : "per model")}, patience {(c.Patience is { } p ? p.ToString(CultureInfo.InvariantCulture) : "per model")}, " +
            $"{(c.MaxTrainWindows is { } m ? $"{m} training windows per epoch" : "every training window")}, {c.Threads} thread(s), seed {c.Seed}" +
            (c.SearchTrials is { } n ? $", N-HiTS search of {n} trials{(c.SearchFirstTrial > 1 ? $" from trial {c.SearchFirstTrial}" : "")} on validation {c.SelectOn.ToString().ToUpperInvariant()}" : "") +
            $", {(c.KeepFinalWeights ? "final" : "best validation's")} weights kept" +
            (c.RefitWithValidation ? ", the selection refitted on the training and validation months" : "") +
            (c.NhitsLookbackFactor is { } f ? $", N-HiTS look-back {f} x horizon" : "") +
            (c.ScaleOnValidationMonths is { } v ? $", standardised on the {(v ? "training and validation months" : "training months")}" : "")));
        var table = new Table().Border(TableBorder.Minimal)
            .AddColumns("model", "horizon", "MSE", "MAE", "paper MSE", "paper MAE", "MSE diff", "MAE diff", "goal", "val MSE", "train-unit MSE/MAE", "look-back", "scaled on", "trained on",
                "epochs", "train s", "search s");
        foreach (var r in report.Results)
            table.AddRow(r.Model, r.Horizon.ToString(CultureInfo.InvariantCulture), F(r.Mse), F(r.Mae), F(r.PublishedMse), F(r.PublishedMae),
                Signed(r.MseDifference), Signed(r.MaeDifference),
                r.WithinGoal switch { true => "[green]met[/]", false => "[red]missed[/]", null => "-" },
                F(r.ValidationMse), $"{F(r.TrainingUnitsMse)}/{F(r.TrainingUnitsMae)}", r.Lookback?.ToString(CultureInfo.InvariantCulture) ?? "-",
                r.ScaledOn is { } o ? Markup.Escape($"[{o.Start}, {o.End})") : "-", r.TrainRows is { } t ? Markup.Escape($"[{t.Start}, {t.End})") : "-",
                r.Epochs.ToString(CultureInfo.InvariantCulture), F(r.TrainSeconds, "F0"), F(r.SearchSeconds, "F0"));
        var console = WideConsole.ForTables();
        console.Write(table);
        foreach (var r in report.Results.Where(r => r.Selected is not null))
            console.MarkupLine(Markup.Escape($"{r.Model} horizon {r.Horizon}: selected on validation {c.SelectOn.ToString().ToUpperInvariant()} from {r.Search!.Count} trials: {r.Selected}"));
        console.MarkupLine("goal: |MSE diff| <= 0.01 at horizons up to 192, <= 0.03 beyond; train-unit errors are in standard deviations of the training months");
        var naive = new Table().Border(TableBorder.Minimal).Title("naive forecasts on the same windows, in each model's units")
            .AddColumns("model", "horizon", "forecast", "val MSE", "val MAE", "test MSE", "test MAE");
        foreach (var r in report.Results)
            foreach (var b in r.Baselines ?? [])
                naive.AddRow(r.Model, r.Horizon.ToString(CultureInfo.InvariantCulture), b.Forecast, F(b.ValidationMse), F(b.ValidationMae), F(b.TestMse), F(b.TestMae));
        console.Write(naive);
        console.MarkupLine("zero: the scaling's mean; last: the last value repeated; mean-2w: the mean of the last two weeks; daily: the last day repeated");
    }
}
