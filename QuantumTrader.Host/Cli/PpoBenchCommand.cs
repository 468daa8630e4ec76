using System.CommandLine;
using System.Globalization;
using QuantumTrader.Models.Learning.Ppo;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// bench ppo: PPO (rl-baselines3-zoo's CartPole-v1 settings) trained on CartPole-v1 for several seeds; the final mean
/// return over 100 greedy evaluation episodes per seed against the steps trained and the wall time.
/// </summary>
public static class PpoBenchCommand
{
    public static Command Create()
    {
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds (1, 2, ...)", DefaultValueFactory = _ => 3 };
        var steps = new Option<long>("--steps") { Description = "Environment steps per seed", DefaultValueFactory = _ => 100_000 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads (the networks are small: one is usually fastest)", DefaultValueFactory = _ => 1 };
        var json = new Option<string?>("--json") { Description = "Write {\"results\": [{seed, steps, meanReturn, wallSeconds}, ...]} to this file" };
        var command = new Command("ppo", "PPO on CartPole-v1: mean evaluation return over 100 episodes per seed, steps and wall time")
        {
            seeds, steps, threads, json,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var options = new PpoBenchmarkOptions { Seeds = parse.GetValue(seeds), Steps = parse.GetValue(steps) };
            var threadCount = parse.GetValue(threads);
            if (threadCount < 1) throw new UsageException($"--threads must be at least 1, got {threadCount}");
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }

            TorchSharp.torch.set_num_threads(threadCount);
            var result = await Task.Run(() => PpoBenchmark.Run(options, m => AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(m)), cancel), cancel);

            var table = new Table().Title($"bench ppo: CartPole-v1, {options.EvalEpisodes} evaluation episodes per seed")
                .AddColumn("seed").AddColumn(new TableColumn("steps").RightAligned())
                .AddColumn(new TableColumn("mean return").RightAligned()).AddColumn(new TableColumn("wall s").RightAligned());
            foreach (var s in result.Seeds)
                table.AddRow(s.Seed.ToString(CultureInfo.InvariantCulture), s.Steps.ToString(CultureInfo.InvariantCulture),
                    s.MeanReturn.ToString("F1", CultureInfo.InvariantCulture), s.WallSeconds.ToString("F1", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{result.SeedsReaching(options.SolvedReturn)} of {result.Seeds.Count} seed(s) reach a mean return of {options.SolvedReturn.ToString(CultureInfo.InvariantCulture)}");

            JsonOut.Write(parse.GetValue(json), new
            {
                results = result.Seeds.Select(s => new { s.Seed, s.Steps, s.MeanReturn, s.WallSeconds }).ToArray(),
            });
            return ExitCodes.Ok;
        });
        return command;
    }
}
