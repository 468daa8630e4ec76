using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Prints the run's messages; a progress bar on a terminal, a line every tenth of the way when the output is redirected.
/// Bad rows go to standard error so a pipeline still sees them.
/// </summary>
public sealed class ConsoleObserver : IRunObserver
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private long _lastDecile = -1;
    private bool _barOpen;

    public void Info(string message)
    {
        EndBar();
        Console.WriteLine(message);
    }

    public void BadRow(BadRow row)
    {
        EndBar();
        Console.Error.WriteLine($"rejected row: {row}");
    }

    public void Progress(long done, long total)
    {
        if (_interactive)
        {
            const int width = 40;
            var filled = (int)(width * done / Math.Max(1, total));
            Console.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} bars");
            _barOpen = done < total;
            if (!_barOpen) Console.WriteLine();
            return;
        }
        var decile = done * 10 / Math.Max(1, total);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.WriteLine($"progress: {done}/{total} bars ({decile * 10}%)");
    }

    private void EndBar()
    {
        if (!_barOpen) return;
        Console.WriteLine();
        _barOpen = false;
    }
}
