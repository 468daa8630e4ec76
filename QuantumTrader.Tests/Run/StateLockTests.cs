using System.Diagnostics;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>A state directory another process is using is refused before anything touches its journal.</summary>
public sealed class StateLockTests
{
    private static async Task<(int Code, string Errors)> QtProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qt.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        return (process.ExitCode, await errors);
    }

    [Fact]
    public async Task A_run_or_a_registry_command_on_a_directory_in_use_exits_with_code_2()
    {
        using var dir = new TempDir();
        var state = dir.File("state");
        var journal = Path.Combine(state, "journal.db");
        using (StateLock.Acquire(state))
        {
            var run = await QtProcess("run", "--state", state, "--models", "xgb");
            Assert.Equal((ExitCodes.BadInput, $"error: '{state}' is in use by another qt process (it holds {Path.Combine(state, StateLock.FileName)}); " +
                "wait for it to end, or reach a running node with 'qt ctl'"), (run.Code, run.Errors.Trim()));
            Assert.False(File.Exists(journal));

            File.WriteAllBytes(journal, []);
            var list = await QtProcess("models", "list", "--state", state);
            Assert.Equal(ExitCodes.BadInput, list.Code);
            Assert.Contains("is in use by another qt process", list.Errors);
            Assert.Equal(0, new FileInfo(journal).Length);
            Assert.Throws<UsageException>(() => StateLock.Acquire(state).Dispose());
        }

        StateLock.Acquire(state).Dispose();
    }
}
