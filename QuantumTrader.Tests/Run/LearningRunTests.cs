using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantumTrader.Actors.Learning;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Forecasting;
using QuantumTrader.Models.Learning;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>The learning cascade on the bundled replay: its decisions in the summary and the journal, and the user verbs over a run's output.</summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class LearningRunTests(ReferenceRun reference)
{
    private static string Qt => Path.Combine(AppContext.BaseDirectory, "qt.dll");

    private long CountEvents(string persistenceId, string manifest)
    {
        using var connection = new SqliteConnection($"Data Source={reference.Dir.File(Path.Combine("state", "journal.db"))};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $id AND manifest = $manifest";
        command.Parameters.AddWithValue("$id", persistenceId);
        command.Parameters.AddWithValue("$manifest", manifest);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public void The_replay_takes_learning_decisions_and_the_summary_reports_what_the_journal_holds()
    {
        var s = reference.Summary;
        Assert.True(s.DriftAlarms.Count + s.WeightChanges.Count >= 1, "the bundled replay raises a drift alarm or changes the weights");
        Assert.Equal(s.DriftAlarms.Count, CountEvents(ModelSupervisor.Id, "learning.drift-detected.v1"));
        Assert.Equal(s.WeightChanges.Count, CountEvents(ModelSupervisor.Id, "learning.weights-rebalanced.v1"));
        Assert.Equal(s.DriftAlarms.Count, s.DriftAlarms.Warnings + s.DriftAlarms.Drifts);
        Assert.Equal(Math.Min(10, s.DriftAlarms.Count), s.DriftAlarms.Latest.Count);
        Assert.Equal(s.TradesClosed, CountEvents(ModelSupervisor.Id, "learning.trade-supervised.v1"));
        Assert.Equal(1.0, s.WeightChanges.FinalWeights.Values.Sum(), 9);
        Assert.Equal(0, s.Rollbacks.Count);

        // Each served version, trees and forecasters, is registered and, being its slot's first, champion.
        Assert.Equal(4, CountEvents(ModelRegistryActor.Id, "registry.version-registered.v1"));
        Assert.Equal(4, CountEvents(ModelRegistryActor.Id, "registry.version-promoted.v1"));

        using var doc = JsonDocument.Parse(File.ReadAllText(reference.Dir.File("summary.json")));
        var root = doc.RootElement;
        Assert.Equal(s.DriftAlarms.Count, root.GetProperty("driftAlarms").GetProperty("count").GetInt32());
        var latest = root.GetProperty("driftAlarms").GetProperty("latest")[0];
        foreach (var field in new[] { "model", "detector", "tradeIndex", "time" })
            Assert.True(latest.TryGetProperty(field, out _), $"drift alarm entry lacks '{field}'");
        Assert.Equal(s.WeightChanges.Count, root.GetProperty("weightChanges").GetProperty("count").GetInt32());
        Assert.Equal(4, root.GetProperty("weightChanges").GetProperty("finalWeights").EnumerateObject().Count());
        Assert.Equal(0, root.GetProperty("rollbacks").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_drift_verb_reads_the_run_ledger_and_names_file_line_and_field_of_a_bad_row()
    {
        using var dir = new TempDir();
        var (code, _, errors) = await RunQt("drift", "--trades", reference.TradesCsv, "--json", dir.File("drift.json"));
        Assert.True(code == 0, errors);
        var expected = DriftScan.Run(TradeLedgerReader.ReadFile(reference.TradesCsv));
        Assert.NotEmpty(expected);
        using (var doc = JsonDocument.Parse(File.ReadAllText(dir.File("drift.json"))))
        {
            var alarms = doc.RootElement.GetProperty("alarms").EnumerateArray().ToArray();
            Assert.Equal(expected.Count, alarms.Length);
            Assert.Equal(expected.Select(a => (a.Detector, a.Model, a.Index)),
                alarms.Select(a => (a.GetProperty("detector").GetString()!, a.GetProperty("model").GetString()!, a.GetProperty("index").GetInt64())));
            Assert.All(alarms, a => Assert.Equal(TradeLedgerReader.DefaultModel, a.GetProperty("model").GetString()));
        }

        var lines = File.ReadAllLines(reference.TradesCsv);
        var rColumn = Array.IndexOf(lines[0].Split(','), "r_multiple");
        var broken = lines[2].Split(',');
        broken[rColumn] = "abc";
        lines[2] = string.Join(',', broken);
        var bad = dir.File("bad.csv");
        File.WriteAllLines(bad, lines);
        var (badCode, _, badErrors) = await RunQt("drift", "--trades", bad);
        Assert.Equal(2, badCode);
        Assert.Contains($"{bad}:3: field 'r_multiple': 'abc' is not a finite number", badErrors);
    }

    [Fact]
    public async Task The_models_verb_lists_the_champions_and_refuses_to_delete_one()
    {
        using var dir = new TempDir();
        var state = reference.Dir.File("state");
        Assert.Equal(0, await QtCli.RunAsync(["models", "list", "--state", state, "--json", dir.File("models.json")]));
        using (var doc = JsonDocument.Parse(File.ReadAllText(dir.File("models.json"))))
        {
            var champions = doc.RootElement.GetProperty("champions").EnumerateArray().ToArray();
            Assert.Equal(["lgbm", "nhits", "patchtst", "xgb"], champions.Select(c => c.GetProperty("slot").GetString()).Order());
            Assert.All(champions, c => Assert.Equal("promoted: first version of the slot", c.GetProperty("why").GetString()));
            Assert.Equal(4, doc.RootElement.GetProperty("versions").GetArrayLength());
            Assert.Equal(reference.Summary.Models.Select(m => (m.Id, m.Version)).Order(),
                champions.Select(c => (c.GetProperty("slot").GetString()!, c.GetProperty("version").GetString()!)).Order());
        }

        Assert.Equal(0, await QtCli.RunAsync(["models", "cleanup", "--state", state, "--json", dir.File("cleanup.json")]));
        using (var doc = JsonDocument.Parse(File.ReadAllText(dir.File("cleanup.json"))))
            Assert.Empty(doc.RootElement.GetProperty("candidates").EnumerateArray());

        var xgb = reference.Summary.Models.Single(m => m.Id == "xgb").Version;
        Assert.Equal(2, await QtCli.RunAsync(["models", "approve-cleanup", "--state", state, "--slot", "xgb", "--version", xgb, "--by", "test"]));
        Assert.True(File.Exists(Path.Combine(state, "models", "xgb", xgb + ".onnx")));
        var nhits = reference.Summary.Models.Single(m => m.Id == "nhits").Version;
        Assert.Equal(2, await QtCli.RunAsync(["models", "approve-cleanup", "--state", state, "--slot", "nhits", "--version", nhits, "--by", "test"]));
        Assert.Single(Directory.GetFiles(Path.Combine(state, "models", "nhits"), Forecaster.ManifestFileName, SearchOption.AllDirectories));
    }

    private static async Task<(int Code, string Output, string Errors)> RunQt(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Qt);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
