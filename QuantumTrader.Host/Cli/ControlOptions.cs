using System.CommandLine;
using System.Globalization;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Validation;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Seed 003's configuration and rollback plan for the run and node verbs: the signal quality filter's thresholds or the
/// filter off, and the emergency stop's thresholds, recovery damping, or its auto-recovery off.
/// </summary>
public sealed class ControlOptions
{
    private static readonly SignalFilterOptions Filter = new();
    private static readonly EssOptions Ess = EssOptions.Default;

    private readonly Option<bool> _filter = new("--signal-filter")
    {
        Description = "Seed 003's signal quality filter; false trades every BUY or SELL the ensemble votes at full size (its rollback switch)",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<double> _minAgreement = new("--filter-min-agreement") { Description = "Signal filter: agreement for a full-size trade", DefaultValueFactory = _ => Filter.MinAgreement };
    private readonly Option<double> _minConfidence = new("--filter-min-confidence") { Description = "Signal filter: least confidence", DefaultValueFactory = _ => Filter.MinConfidenceNormal };
    private readonly Option<double> _minConfidenceHighVol = new("--filter-min-confidence-high-vol")
    {
        Description = "Signal filter: least confidence when volatile", DefaultValueFactory = _ => Filter.MinConfidenceHighVol,
    };

    private readonly Option<double> _highVol = new("--filter-high-vol-atr")
    {
        Description = "Signal filter: ATR in percent of price above which a bar counts as volatile", DefaultValueFactory = _ => Filter.HighVolAtrPercent,
    };

    private readonly Option<bool> _autoRecovery = new("--ess-auto-recovery")
    {
        Description = "The emergency stop relaxes one stage at a time as the drawdown recovers; false: a tightened mode stays until 'ctl ess reset' (seed 003's rollback switch)",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<string> _thresholds = new("--ess-thresholds")
    {
        Description = "Drawdowns in percent below which EMERGENCY, PROTECTIVE and CAUTIOUS start, as E,P,C",
        DefaultValueFactory = _ => string.Create(CultureInfo.InvariantCulture, $"{Ess.EmergencyThreshold},{Ess.ProtectiveThreshold},{Ess.CautiousThreshold}"),
    };

    private readonly Option<double> _hysteresis = new("--ess-hysteresis")
    {
        Description = "Points above a mode's threshold the drawdown must hold to relax it", DefaultValueFactory = _ => Ess.Hysteresis,
    };

    private readonly Option<double> _confirmHours = new("--ess-confirm-hours")
    {
        Description = "Hours of market time the drawdown must hold before each relaxing step", DefaultValueFactory = _ => Ess.ConfirmationPeriod.TotalHours,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _filter, _minAgreement, _minConfidence, _minConfidenceHighVol, _highVol })
            command.Options.Add(option);
        AddEssTo(command);
    }

    /// <summary>The emergency stop's options alone (<c>ess replay</c> takes them too).</summary>
    public void AddEssTo(Command command)
    {
        foreach (var option in new Option[] { _autoRecovery, _thresholds, _hysteresis, _confirmHours })
            command.Options.Add(option);
    }

    public RunSettings Apply(ParseResult parse, RunSettings settings)
    {
        var filter = Filter with
        {
            Enabled = parse.GetValue(_filter), MinAgreement = parse.GetValue(_minAgreement), MinConfidenceNormal = parse.GetValue(_minConfidence),
            MinConfidenceHighVol = parse.GetValue(_minConfidenceHighVol), HighVolAtrPercent = parse.GetValue(_highVol),
        };
        if (filter.Validate() is { } invalid) throw new UsageException(invalid);
        return settings with { SignalFilter = filter, Ess = EssFrom(parse) };
    }

    public EssOptions EssFrom(ParseResult parse)
    {
        var text = parse.GetValue(_thresholds)!;
        var parts = text.Split(',');
        var levels = parts.Select(p => double.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : (double?)null).ToArray();
        if (levels.Length != 3 || levels.Any(l => l is null))
            throw new UsageException($"--ess-thresholds: expected three percentages E,P,C such as -10,-4,-2, got '{text}'");
        var hours = parse.GetValue(_confirmHours);
        if (!(hours >= 0 && double.IsFinite(hours))) throw new UsageException($"--ess-confirm-hours must be a number of hours >= 0, got {hours}");
        try
        {
            return new EssOptions(levels[0]!.Value, levels[1]!.Value, levels[2]!.Value, parse.GetValue(_hysteresis), TimeSpan.FromHours(hours))
            {
                AutoRecovery = parse.GetValue(_autoRecovery),
            };
        }
        catch (DomainValidationException ex)
        {
            throw new UsageException($"--ess-thresholds, --ess-hysteresis: {ex.Message}");
        }
    }
}
