using System.CommandLine;
using QuantumTrader.Host.Run;

namespace QuantumTrader.Host.Cli;

/// <summary>The run verb's sizing options: --sizing ppo|fixed, --sizing-shadow true|false, --ppo-update-every N.</summary>
public sealed class SizingOptions
{
    private readonly Option<SizingMode> _mode = new("--sizing")
    {
        Description = "Position sizing: Fixed (fixed fraction) or Ppo (the learned policy, in shadow mode unless --sizing-shadow false)",
        DefaultValueFactory = _ => SizingMode.Fixed,
    };

    private readonly Option<bool> _shadow = new("--sizing-shadow")
    {
        Description = "PPO decides and is recorded with each trade, but orders keep the fixed-fraction size",
        DefaultValueFactory = _ => true,
    };

    private readonly Option<int> _updateEvery = new("--ppo-update-every")
    {
        Description = "Closed trades per PPO policy update",
        DefaultValueFactory = _ => 100,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_mode);
        command.Options.Add(_shadow);
        command.Options.Add(_updateEvery);
    }

    public RunSettings Apply(ParseResult parse, RunSettings settings)
    {
        var every = parse.GetValue(_updateEvery);
        if (every < 1) throw new UsageException($"--ppo-update-every must be at least 1, got {every}");
        return settings with { Sizing = parse.GetValue(_mode), SizingShadow = parse.GetValue(_shadow), SizingUpdateEvery = every };
    }
}
