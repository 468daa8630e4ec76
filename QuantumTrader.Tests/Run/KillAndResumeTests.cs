using System.Diagnostics;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Audit;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// kill -9 in the middle of a run, then the same command again: the final ledger equals the uninterrupted run's,
/// with no trade lost and none duplicated, and the audit of the journal fails no check after the kill and passes every one after the resume.
/// </summary>
[Collection(ReferenceRunCollection.Name)]
public sealed class KillAndResumeTests(ReferenceRun reference)
{
    private static string Qt => Path.Combine(AppContext.BaseDirectory, "qt.dll");

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Qt);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Fact]
    public async Task A_run_killed_mid_replay_resumes_to_the_same_ledger()
    {
        using var dir = new TempDir();
        // Without retraining, as the reference run: its ledger is the one to resume to.
        string[] args = ["run", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--trades-out", dir.File("trades.csv"), "--retrain-every", "0"];
        // The reference run's artifacts are the ones this run would train (same data, settings and seed): the run finds and
        // loads them instead of training, so the test spends its time on the kill and the resume.
        CopyFolder(Path.Combine(reference.Dir.File("state"), "models"), Path.Combine(dir.File("state"), "models"));

        using (var victim = Start(args))
        {
            var killed = false;
            while (await victim.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("progress:", StringComparison.Ordinal) || !line.Contains("(50%)")) continue;
                victim.Kill(entireProcessTree: true);
                killed = true;
                break;
            }
            await victim.WaitForExitAsync();
            Assert.True(killed, "the first run was killed half way: " + await victim.StandardError.ReadToEndAsync());
        }
        Assert.False(File.Exists(dir.File("trades.csv")));
        var afterKill = await AuditVerb.ReadAsync(dir.File("state"), CancellationToken.None);
        Assert.True(afterKill.Passed, "the kill lost nothing the audit checks: " + string.Join("; ", afterKill.Checks.Select(c => $"{c.Name} {c.Outcome}: {c.Detail}")));

        using var resumed = Start(args);
        var output = await resumed.StandardOutput.ReadToEndAsync();
        var errors = await resumed.StandardError.ReadToEndAsync();
        await resumed.WaitForExitAsync();
        Assert.True(resumed.ExitCode == 0, $"resume failed ({resumed.ExitCode}): {errors}\n{output}");
        Assert.Contains("already processed", output);

        Assert.Equal(File.ReadAllLines(reference.TradesCsv), File.ReadAllLines(dir.File("trades.csv")));
        var audit = await AuditVerb.ReadAsync(dir.File("state"), CancellationToken.None);
        Assert.All(audit.Checks, c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        Assert.Equal(reference.Summary.FinalEquity, audit.FinalEquity!.Value, 6);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public async Task A_bad_row_under_stop_exits_with_code_2_naming_file_line_and_reason()
    {
        using var dir = new TempDir();
        using var process = Start("run", "--data", ReferenceRun.Data, "--state", dir.File("state"), "--on-bad-row", "Stop");
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Matches(@"BTCUSDT-1h\.csv:\d+: time: duplicate", errors);
    }

    [Fact]
    public async Task An_unknown_option_exits_with_code_2()
    {
        using var process = Start("run", "--no-such-option");
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
    }
}
