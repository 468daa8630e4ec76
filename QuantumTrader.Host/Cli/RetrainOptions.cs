using System.CommandLine;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Cli;

/// <summary>The run verb's retraining options: the interval, the shadow minimum, the promotion gate's thresholds and the A/B test (seed defaults).</summary>
public sealed class RetrainOptions
{
    private static readonly PromotionGateSettings Seed = PromotionGateSettings.Seed;
    private static readonly AbTestSettings SeedAb = AbTestSettings.Seed;
    private static readonly ErrorReplaySettings SeedReplay = ErrorReplaySettings.Seed;
    private static readonly MarketDriftSettings SeedDrift = MarketDriftSettings.Seed;

    private readonly Option<double> _every = new("--retrain-every")
    {
        Description = "Hours of market time between retrainings of the tree models (also on a drift alarm); 0 turns retraining off",
        DefaultValueFactory = _ => RetrainSettings.Weekly().Every.TotalHours,
    };

    private readonly Option<int> _shadowMin = new("--shadow-min")
    {
        Description = "Calls a retrained model makes in shadow before the promotion gate judges it",
        DefaultValueFactory = _ => Seed.MinShadowCalls,
    };

    private readonly Option<double> _minAccuracy = new("--gate-min-accuracy") { Description = "Promotion gate: least shadow accuracy", DefaultValueFactory = _ => Seed.MinAccuracy };
    private readonly Option<double> _minCrash = new("--gate-min-crash-accuracy") { Description = "Promotion gate: least accuracy in the crash regime", DefaultValueFactory = _ => Seed.MinCrashAccuracy };
    private readonly Option<double> _minSymbol = new("--gate-min-symbol-accuracy") { Description = "Promotion gate: least accuracy on any symbol", DefaultValueFactory = _ => Seed.MinSymbolAccuracy };
    private readonly Option<double> _maxDrift = new("--gate-max-drift") { Description = "Promotion gate: the shadow bars' feature drift (Kolmogorov-Smirnov) from the challenger's training bars must stay below this, or below the threshold calibrated on those bars when higher", DefaultValueFactory = _ => Seed.MaxDrift };
    private readonly Option<double> _minReplay = new("--gate-min-replay-improvement")
    {
        Description = "Promotion gate: share of the replayed errors the challenger must now call right (seed 004's error replay improvement)",
        DefaultValueFactory = _ => Seed.MinReplayImprovement,
    };

    private readonly Option<double> _minImprovement = new("--gate-min-improvement") { Description = "Promotion gate: accuracy gain over the champion must exceed this fraction", DefaultValueFactory = _ => Seed.MinImprovement };

    private readonly Option<double> _abShare = new("--ab-share")
    {
        Description = "Share of the slot's decisions an approved challenger takes in its A/B test; 0 promotes on the gate's approval",
        DefaultValueFactory = _ => SeedAb.Share,
    };

    private readonly Option<bool> _autoPromote = new("--auto-promote")
    {
        Description = "Promote a challenger the gate approved or that won its A/B test (seed 001); false: it awaits an operator's promote or decline (seed 002)",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<int> _abMinTrades = new("--ab-min-trades") { Description = "A/B test: challenger trades that end it and that a switch needs", DefaultValueFactory = _ => SeedAb.MinTrades };
    private readonly Option<double> _abDays = new("--ab-days") { Description = "A/B test: days of market time after which it ends", DefaultValueFactory = _ => SeedAb.Duration.TotalDays };
    private readonly Option<double> _abMinImprovement = new("--ab-min-improvement") { Description = "A/B test: how much better the challenger's Sharpe ratio must be to switch", DefaultValueFactory = _ => SeedAb.MinImprovement };

    private readonly Option<int> _replaySize = new("--error-replay-size")
    {
        Description = "Error replay buffer: the most confident wrong calls kept per tree slot; 0 turns error replay off",
        DefaultValueFactory = _ => SeedReplay.MaxSize,
    };

    private readonly Option<int> _replayPerRun = new("--error-replay-per-run") { Description = "Error replay: worst errors added per judged shadow test", DefaultValueFactory = _ => SeedReplay.PerRun };
    private readonly Option<double> _replayWeight = new("--error-replay-weight") { Description = "Error replay: weight of a buffered error in the next retraining", DefaultValueFactory = _ => SeedReplay.Weight };
    private readonly Option<double> _replayShare = new("--error-replay-share") { Description = "Error replay: most buffered errors replayed, as a share of the training rows", DefaultValueFactory = _ => SeedReplay.MaxShare };

    private readonly Option<int> _driftWindow = new("--market-drift-window")
    {
        Description = "Drift detection (seed 004): bars in the window each retraining check compares with the champion's training bars; 0 turns the checks off; given with --retrain-every 0, the checks run without retraining",
        DefaultValueFactory = _ => SeedDrift.Window,
    };

    private readonly Option<double> _driftThreshold = new("--market-drift-threshold")
    {
        Description = "Drift detection: least Kolmogorov-Smirnov statistic (or share of bars whose regime moved) that is drift",
        DefaultValueFactory = _ => SeedDrift.Threshold,
    };

    private readonly Option<double> _driftConfidence = new("--market-drift-confidence")
    {
        Description = "Drift detection: quantile of the baseline's own windows a measure must also pass",
        DefaultValueFactory = _ => SeedDrift.Confidence,
    };

    private readonly Option<int> _driftConfirm = new("--market-drift-confirm")
    {
        Description = "Drift detection: bars earlier a window must have drifted too for the drift to count; 0 counts one window",
        DefaultValueFactory = _ => SeedDrift.Confirm,
    };

    private readonly Option<bool> _driftRetrain = new("--market-drift-retrain")
    {
        Description = "Drift detection: retrain a slot whose market drifted on bars none of its versions learned from (seed 004)",
        DefaultValueFactory = _ => SeedDrift.Retrain,
    };

    private readonly Option<double> _reviewReminder = new("--review-reminder-hours")
    {
        Description = "With --auto-promote false: hours of market time a promotion may await review before each reminder (a critical alert)",
        DefaultValueFactory = _ => RetrainSettings.DefaultReviewReminder.TotalHours,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
                 {
                     _every, _shadowMin, _minAccuracy, _minCrash, _minSymbol, _maxDrift, _minImprovement, _minReplay, _abShare, _abMinTrades, _abDays, _abMinImprovement, _autoPromote,
                     _replaySize, _replayPerRun, _replayWeight, _replayShare, _driftWindow, _driftThreshold, _driftConfidence, _driftConfirm, _driftRetrain, _reviewReminder,
                 })
            command.Options.Add(option);
    }

    private static double Hours(double hours, string option) =>
        hours > 0 && double.IsFinite(hours) ? hours : throw new UsageException($"{option} must be a positive number of hours, got {hours}");

    private MarketDriftSettings? Drift(ParseResult parse)
    {
        var window = parse.GetValue(_driftWindow);
        if (window < 0) throw new UsageException($"--market-drift-window must be 0 (off) or more bars, got {window}");
        return window == 0
            ? null
            : new MarketDriftSettings(window, parse.GetValue(_driftThreshold), parse.GetValue(_driftConfidence), SeedDrift.CalibrationStep, parse.GetValue(_driftConfirm),
                parse.GetValue(_driftRetrain));
    }

    public RunSettings Apply(ParseResult parse, RunSettings settings)
    {
        var hours = parse.GetValue(_every);
        if (!(hours >= 0 && double.IsFinite(hours))) throw new UsageException($"--retrain-every must be a number of hours >= 0, got {hours}");
        // --retrain-every 0 turns the drift checks off too, unless the drift window is given: then they run alone.
        if (hours == 0)
        {
            if (parse.GetResult(_driftWindow) is not { Implicit: false } || Drift(parse) is not { } alone) return settings with { Retrain = null };
            var checksOnly = RetrainSettings.DriftOnly(alone);
            return checksOnly.Validate() is { } invalid ? throw new UsageException(invalid) : settings with { Retrain = checksOnly };
        }
        if (hours < 24) throw new UsageException($"--retrain-every must be at least 24 hours (the check interval) or 0, got {hours}");
        var gate = new PromotionGateSettings(parse.GetValue(_shadowMin), parse.GetValue(_minAccuracy), parse.GetValue(_minCrash),
            parse.GetValue(_minSymbol), parse.GetValue(_maxDrift), parse.GetValue(_minImprovement), MinReplayImprovement: parse.GetValue(_minReplay));
        var share = parse.GetValue(_abShare);
        var days = parse.GetValue(_abDays);
        if (!(days > 0 && double.IsFinite(days))) throw new UsageException($"--ab-days must be a positive number of days, got {days}");
        var ab = share == 0 ? null : new AbTestSettings(share, parse.GetValue(_abMinTrades), TimeSpan.FromDays(days), parse.GetValue(_abMinImprovement));
        var size = parse.GetValue(_replaySize);
        if (size < 0) throw new UsageException($"--error-replay-size must be 0 (off) or more, got {size}");
        var replay = size == 0 ? null : new ErrorReplaySettings(size, parse.GetValue(_replayPerRun), parse.GetValue(_replayWeight), parse.GetValue(_replayShare));
        var drift = Drift(parse);
        var retrain = RetrainSettings.Weekly(gate) with
        {
            Every = TimeSpan.FromHours(hours), MaxShadow = TimeSpan.FromHours(2 * hours), AbTest = ab, ErrorReplay = replay, AutoPromote = parse.GetValue(_autoPromote),
            MarketDrift = drift, ReviewReminder = TimeSpan.FromHours(Hours(parse.GetValue(_reviewReminder), "--review-reminder-hours")),
        };
        if (retrain.Validate() is { } error) throw new UsageException(error);
        return settings with { Retrain = retrain };
    }
}
