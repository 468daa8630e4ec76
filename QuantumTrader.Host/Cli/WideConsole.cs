using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// The console for wide benchmark tables: on a terminal its real width; redirected to a file, 132 columns instead of the 80
/// Spectre assumes, so each row of a log stays on one line.
/// </summary>
public static class WideConsole
{
    public static IAnsiConsole ForTables()
    {
        if (!Console.IsOutputRedirected) return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Width = 132;
        return console;
    }
}
