using System.Text.Json;
using QuantumTrader.Host.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The main job on the bundled data: it trades, reports, journals, and does the same thing twice.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class RunJobTests(ReferenceRun reference)
{
    [Fact]
    public void The_bundled_data_replays_with_its_duplicate_rows_reported_and_trades_closed()
    {
        var s = reference.Summary;
        Assert.Equal(4309 * 2, s.Bars);
        Assert.Equal(10, s.RejectedRows);
        Assert.Equal(10, reference.BadRows.Count);
        Assert.All(reference.BadRows, r => Assert.Contains("duplicate", r.Reason));
        Assert.True(s.TradesClosed > 0, "the models trade the out-of-sample part");
        Assert.Equal(s.TradesClosed + s.OpenPositions, s.TradesOpened);
        Assert.Equal(["xgb", "lgbm", "nhits", "patchtst"], s.Models.Select(m => m.Id));
        // The supervisor moved the seed weights (0.25/0.25/0.30/0.20) on live performance, within the floor and the cap.
        Assert.True(s.WeightChanges.Count > 0, "the replay rebalanced the ensemble at least once");
        Assert.Equal(1, s.Models.Sum(m => m.Weight), 9);
        Assert.All(s.Models, m => Assert.InRange(m.Weight, 0.05 - 1e-9, 0.40 + 1e-9));
        Assert.All(s.Models, m => Assert.Equal((0L, 0L), (m.Failures, m.Timeouts)));
        Assert.All(s.Models, m => Assert.True(m.Trades > 0));
        Assert.True(s.EventsPersisted >= 2 * s.TradesClosed, "fills and closed trades are journaled");
        Assert.Equal(0, s.Divergences);
    }

    [Fact]
    public void The_summary_json_and_trade_ledger_are_written_for_scripts()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(reference.Dir.File("summary.json")));
        var root = doc.RootElement;
        foreach (var field in new[] { "bars", "rejectedRows", "tradesOpened", "tradesClosed", "netPnl", "winRate", "sharpe", "maxDrawdown", "markedMaxDrawdown", "eventsPersisted", "models" })
            Assert.True(root.TryGetProperty(field, out _), $"summary JSON lacks '{field}'");
        var model = root.GetProperty("models")[0];
        foreach (var field in new[] { "id", "weight", "trades", "winRate", "avgR" })
            Assert.True(model.TryGetProperty(field, out _), $"model entry lacks '{field}'");

        var lines = File.ReadAllLines(reference.TradesCsv);
        Assert.Equal(string.Join(',', TradeCsv.Header), lines[0]);
        Assert.Equal(reference.Summary.TradesClosed, lines.Length - 1);
        var pnl = lines.Skip(1).Sum(l => double.Parse(l.Split(',')[9], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(reference.Summary.NetPnl, pnl, 6);
    }

    /// <summary>
    /// A second run trains its own models and decides one timestamp at a time (the reference run decides in batches, drops
    /// what later turned out to follow a portfolio change, and decides again the batches that the weight changes overtook):
    /// the same trades, byte for byte.
    /// </summary>
    [Fact]
    public async Task The_same_data_settings_and_seed_give_the_same_trades_in_batches_or_one_timestamp_at_a_time()
    {
        Assert.True(reference.Summary.BarsDecidedAgain > 0, "the reference run dropped and decided bars again");
        Assert.True(reference.Summary.BatchesDecidedAgain > 0, "the reference run decided batches again after weight changes");
        Assert.True(reference.Summary.ReplayBatches < reference.Summary.Bars / 2, "the reference run decided in batches");

        using var dir = new TempDir();
        var settings = new RunSettings { Data = [ReferenceRun.Data], StateDirectory = dir.File("state"), TradesOut = dir.File("trades.csv"), MaxBatch = 1 };
        var again = await RunJob.ExecuteAsync(settings, new CollectingObserver([], []), CancellationToken.None);
        Assert.True(again.ReplayBatches >= again.Bars / 2, "one timestamp (two bars) per batch");
        Assert.Equal(reference.Summary.TradesClosed, again.TradesClosed);
        Assert.Equal(reference.Summary.SignalsRejected, again.SignalsRejected);
        Assert.Equal(reference.Summary.EventsPersisted, again.EventsPersisted);
        Assert.Equal(File.ReadAllLines(reference.TradesCsv), File.ReadAllLines(dir.File("trades.csv")));
    }

    [Fact]
    public async Task A_second_start_on_a_finished_journal_processes_nothing_again()
    {
        var settings = new RunSettings { Data = [ReferenceRun.Data], StateDirectory = reference.Dir.File("state"), TradesOut = reference.Dir.File("trades-again.csv") };
        var messages = new List<string>();
        var again = await RunJob.ExecuteAsync(settings, new CollectingObserver(messages, []), CancellationToken.None);
        Assert.Equal(again.Bars, again.BarsAlreadyProcessed);
        Assert.DoesNotContain(messages, m => m.StartsWith("training", StringComparison.Ordinal));
        foreach (var slot in new[] { "nhits", "patchtst" })
        {
            var version = reference.Summary.Models.Single(m => m.Id == slot).Version;
            Assert.Contains(messages, m => m.StartsWith($"loaded {slot} {version} from ", StringComparison.Ordinal));
        }
        Assert.Equal(reference.Summary.TradesClosed, again.TradesClosed);
        Assert.Equal(File.ReadAllLines(reference.TradesCsv), File.ReadAllLines(reference.Dir.File("trades-again.csv")));
    }
}
