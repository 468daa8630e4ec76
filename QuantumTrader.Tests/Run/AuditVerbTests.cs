using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantumTrader.Host.Cli;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The audit of a real run's journal: what an operator checks before trusting a ledger.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class AuditVerbTests(ReferenceRun reference)
{
    private string State => reference.Dir.File("state");

    private static JsonElement Check(JsonDocument doc, string name) =>
        doc.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static int Count(JsonDocument doc, string kind) =>
        doc.RootElement.GetProperty("kinds").EnumerateArray().Where(k => k.GetProperty("kind").GetString() == kind)
            .Sum(k => k.GetProperty("count").GetInt32());

    [Fact]
    public async Task The_reference_run_passes_every_check_and_its_trail_explains_every_closed_trade()
    {
        using var dir = new TempDir();
        Assert.Equal(0, await QtCli.RunAsync(["audit", "--state", State, "--json", dir.File("audit.json"), "--trail", dir.File("trail.csv"), "--alerts", "3"]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("audit.json")));
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.All(doc.RootElement.GetProperty("checks").EnumerateArray(), c => Assert.Equal("Passed", c.GetProperty("outcome").GetString()));
        var s = reference.Summary;
        Assert.Equal(s.FinalEquity, doc.RootElement.GetProperty("finalEquity").GetDouble(), 6);
        Assert.Equal(s.TradesClosed, Count(doc, "trade-closed"));
        Assert.Equal(s.TradesClosed, Count(doc, "trade-settled"));
        Assert.Equal(s.WeightChanges.Count, Count(doc, "weights-rebalanced"));
        Assert.Equal(s.DriftAlarms.Count, Count(doc, "drift-warning") + Count(doc, "drift-alarm"));
        Assert.Equal(s.SignalsRejected, Count(doc, "signal-rejected"));
        // The warnings and criticals are exactly the decisions of those kinds; info counts the rest, crash regimes among them.
        var alerts = doc.RootElement.GetProperty("alerts");
        Assert.Equal(new[] { "emergency-triggered", "drift-alarm", "version-rolled-back", "version-degraded", "weights-refused", "breaker-tripped", "model-failing" }
                .Sum(k => Count(doc, k)),
            alerts.GetProperty("Warning").GetInt32() + alerts.GetProperty("Critical").GetInt32());
        Assert.True(alerts.GetProperty("Info").GetInt32() >= Count(doc, "drift-warning") + Count(doc, "emergency-recovered") + Count(doc, "version-promoted"));
        var total = alerts.GetProperty("Info").GetInt32() + alerts.GetProperty("Warning").GetInt32() + alerts.GetProperty("Critical").GetInt32();
        Assert.Equal([total - 2L, total - 1L, total], doc.RootElement.GetProperty("latestAlerts").EnumerateArray().Select(a => a.GetProperty("number").GetInt64()));

        var tradeIds = File.ReadLines(reference.TradesCsv).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        var closedInTrail = File.ReadLines(dir.File("trail.csv")).Where(l => l.Contains(",money,trade-closed,"))
            .Select(l => l.Split(',')[4].TrimStart('"').Split(' ')[0]).ToHashSet();
        Assert.Equal(tradeIds, closedInTrail);
    }

    [Fact]
    public async Task A_journal_that_lost_a_settlement_fails_the_audit_naming_the_row_and_the_trade()
    {
        using var dir = new TempDir();
        var copy = reference.CopyState(dir.File("state"));
        long removed;
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(copy, "journal.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT min(sequence_number) FROM journal WHERE persistence_id = 'account-paper' AND manifest = 'account.trades-settled.v1'";
            removed = (long)command.ExecuteScalar()!;
            command.CommandText = $"DELETE FROM journal WHERE persistence_id = 'account-paper' AND sequence_number = {removed}";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        Assert.Equal(1, await QtCli.RunAsync(["audit", "--state", copy, "--json", dir.File("audit.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("audit.json")));
        Assert.False(doc.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("Failed", Check(doc, "journal-sequence").GetProperty("outcome").GetString());
        Assert.Contains($"account-paper: #{removed} missing", Check(doc, "journal-sequence").GetProperty("detail").GetString());
        Assert.Equal("Failed", Check(doc, "settlements").GetProperty("outcome").GetString());
        Assert.Contains("delivered by the trade feed but never settled", Check(doc, "settlements").GetProperty("detail").GetString());
        Assert.Equal("Passed", Check(doc, "trades").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_trade_is_told_from_its_decision_to_its_settlement_with_the_versions_that_voted()
    {
        using var dir = new TempDir();
        var row = File.ReadLines(reference.TradesCsv).Skip(1).ElementAt(10).Split(',');
        var tradeId = row[0];
        Assert.Equal(0, await QtCli.RunAsync(["audit", "--state", State, "--latest", "0", "--trade", tradeId, "--json", dir.File("audit.json")]));

        using var doc = JsonDocument.Parse(File.ReadAllText(dir.File("audit.json")));
        var trade = doc.RootElement.GetProperty("trade");
        Assert.Equal(tradeId, trade.GetProperty("trade").GetProperty("tradeId").GetString());
        // Entry order, its fill, a closing order unless a stop or target filled, the exit fill, the close, the settlement.
        var kinds = trade.GetProperty("story").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal("order-placed", kinds[0]);
        Assert.Equal(2, kinds.Count(k => k == "fill"));
        Assert.Equal(["trade-closed", "trade-settled"], kinds[^2..]);
        Assert.Equal(row[11] is "stop_loss" or "take_profit" ? 1 : 2, kinds.Count(k => k == "order-placed"));
        var served = trade.GetProperty("served").EnumerateArray().ToDictionary(s => s.GetProperty("slot").GetString()!, s => s.GetProperty("champion").GetString());
        Assert.Equal(reference.Summary.Models.ToDictionary(m => m.Id, m => (string?)m.Version), served);
        Assert.Empty(doc.RootElement.GetProperty("latest").EnumerateArray());

        Assert.Equal(2, await QtCli.RunAsync(["audit", "--state", State, "--trade", "NO-SUCH-TRADE"]));
    }

    [Fact]
    public async Task A_state_directory_without_a_journal_is_refused_with_exit_code_2()
    {
        using var dir = new TempDir();
        Assert.Equal(2, await QtCli.RunAsync(["audit", "--state", dir.File("nothing-here")]));
    }
}
