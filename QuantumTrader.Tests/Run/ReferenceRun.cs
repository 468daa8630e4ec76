using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// Runs alone: a run trains N-HiTS and PatchTST in process, and torch's random generator and thread count are process-wide,
/// so a torch test running beside it would change the trained weights and the trades the other run tests compare.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReferenceRunCollection : ICollectionFixture<ReferenceRun>
{
    public const string Name = "reference run";
}

/// <summary>One uninterrupted run of the bundled data, shared by the run tests that compare against it.</summary>
public sealed class ReferenceRun : IAsyncLifetime
{
    public TempDir Dir { get; } = new();
    public RunSummary Summary { get; private set; } = null!;
    public string TradesCsv => Dir.File("trades.csv");
    public List<string> Messages { get; } = [];
    public List<BadRow> BadRows { get; } = [];

    public static string Data => RepoPaths.Of("data", "binance");

    public async Task InitializeAsync()
    {
        var settings = new RunSettings { Data = [Data], StateDirectory = Dir.File("state"), TradesOut = TradesCsv, SummaryJson = Dir.File("summary.json") };
        Summary = await RunJob.ExecuteAsync(settings, new CollectingObserver(Messages, BadRows), CancellationToken.None);
    }

    /// <summary>
    /// A copy of the run's journal, its plan and its recorded settings in <paramref name="target"/>, for a test that alters
    /// it (the models stay where the registry names them).
    /// </summary>
    public string CopyState(string target)
    {
        var state = Dir.File("state");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(state, "journal.db*").Append(RecordedRun.PathIn(state)).Append(StoredPlan.PathIn(state)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class CollectingObserver(List<string> messages, List<BadRow> badRows) : IRunObserver
{
    public void Info(string message) { lock (messages) messages.Add(message); }
    public void BadRow(BadRow row) { lock (badRows) badRows.Add(row); }
    public void Progress(long done, long total) { }
}
