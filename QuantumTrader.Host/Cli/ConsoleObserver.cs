using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Prints the run's messages; a progress bar on a terminal, a line every tenth of the way when the output is redirected.
/// Bad rows and gaps go to standard error so a pipeline still sees them.
/// </summary>
/// <param name="serveAfterReplay">A node's observer: after the replay it prints the summary and keeps the node up until Ctrl-C or SIGTERM.</param>
/// <param name="follow">The node watches its data for new rows (--follow), and stops serving to resume with them.</param>
/// <param name="stopping">Cancelled by Ctrl-C or SIGTERM: serving that ends without it ended for new rows.</param>
public sealed class ConsoleObserver(bool serveAfterReplay = false, bool follow = false, CancellationToken stopping = default) : IRunObserver
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

    public void Gap(DataGap gap)
    {
        EndBar();
        Console.Error.WriteLine($"gap: {gap}");
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

    /// <summary>The replay finished, the summary was printed and the node served until it was stopped: a node's normal end.</summary>
    public bool Served { get; private set; }

    public async Task AfterReplayAsync(RunSummary summary, CancellationToken cancel)
    {
        if (!serveAfterReplay) return;
        EndBar();
        SummaryTable.Print(summary);
        Console.WriteLine(follow
            ? "the replay is done; the node keeps serving its ops API and dashboard and watches its data for new rows until Ctrl-C or SIGTERM"
            : "the replay is done; the node keeps serving its ops API and dashboard until Ctrl-C or SIGTERM");
        Served = true;
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Console.WriteLine("stopping the node");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void EndBar()
    {
        if (!_barOpen) return;
        Console.WriteLine();
        _barOpen = false;
    }
}
