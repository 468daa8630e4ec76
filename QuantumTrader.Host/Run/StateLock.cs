namespace QuantumTrader.Host.Run;

/// <summary>
/// One process at a time per state directory: two writers on one journal would both append to the same entities and
/// one of them would fail mid-run. The lock is the open lock file, so a process that dies releases it.
/// </summary>
public sealed class StateLock : IDisposable
{
    public const string FileName = "qt.lock";

    private readonly FileStream _file;

    private StateLock(FileStream file) => _file = file;

    public static StateLock Acquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            return new StateLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new Cli.UsageException(
                $"'{stateDirectory}' is in use by another qt process (it holds {path}); wait for it to end, or reach a running node with 'qt ctl'");
        }
    }

    public void Dispose() => _file.Dispose();
}
