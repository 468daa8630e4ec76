using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantumTrader.Host.Cli;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The reference run replayed: the same decisions; a copy that lost a commit parts there; one without its settings is refused.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class ReferenceReplayTests(ReferenceRun reference)
{
    private string State => reference.Dir.File("state");

    [Fact]
    public async Task The_reference_run_replays_to_the_same_decisions()
    {
        var view = await ReplayVerb.RunAsync(State, null, null, new CollectingObserver([], []), CancellationToken.None);

        Assert.True(view.Comparison.Identical, $"parted at {view.Comparison.FirstDifference}");
        Assert.Equal(reference.Summary.TradesClosed, view.ReplayTradesClosed);
        Assert.Equal(reference.Summary.TradesClosed, view.Comparison.Kinds.Single(k => k.Kind == "trade-closed").Journal);
        Assert.Equal(0, view.Comparison.BeyondHorizon);
        Assert.True(view.Comparison.Compared > 1_000, $"compared {view.Comparison.Compared} decisions");
    }

    [Fact]
    public async Task A_journal_that_lost_a_commit_parts_from_its_replay_at_the_first_decision_of_that_commit()
    {
        using var dir = new TempDir();
        var copy = reference.CopyState(dir.File("state"));
        const string symbol = "symbol-BTCUSDT";
        var original = await AuditVerb.ReadAsync(State, CancellationToken.None);
        var lost = original.Trail.Where(e => e.Source == symbol && e.Kind == "trade-closed").ElementAt(10);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(copy, "journal.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM journal WHERE persistence_id = '{symbol}' AND sequence_number = {lost.SequenceNr}";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var firstLost = original.Trail.Where(e => e.Source == symbol && e.SequenceNr == lost.SequenceNr)
            .OrderBy(e => e.Time).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Detail, StringComparer.Ordinal).First();

        Assert.Equal(1, await QtCli.RunAsync(["replay", "--state", copy, "--json", dir.File("replay.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("replay.json")));
        var replaySide = doc.RootElement.GetProperty("comparison").GetProperty("firstDifference").GetProperty("replay");
        Assert.Equal((firstLost.Time, firstLost.Kind, firstLost.Detail),
            (replaySide.GetProperty("time").GetDateTimeOffset(), replaySide.GetProperty("kind").GetString(), replaySide.GetProperty("detail").GetString()));
        Assert.Equal(symbol, replaySide.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_state_directory_without_recorded_settings_is_refused_with_exit_code_2()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("state"));
        File.Copy(Path.Combine(State, "journal.db"), dir.File(Path.Combine("state", "journal.db")));
        Assert.Equal(2, await QtCli.RunAsync(["replay", "--state", dir.File("state")]));
    }
}
