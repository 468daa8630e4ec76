using QuantumTrader.Models.Audit;

namespace QuantumTrader.Host.Ops;

/// <summary>
/// A node's access file (<see cref="OperatorAccess"/>), read again whenever it changes, so an operator added or removed
/// takes effect at the next request. A file that becomes unreadable or invalid lets nobody in until it is fixed.
/// </summary>
public sealed class AccessFile
{
    private readonly Lock _gate = new();
    private DateTime _readAt;
    private long _length = -1;
    private OperatorAccess? _access;
    private OperatorAccessException? _problem;

    private AccessFile(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    /// <summary>Opens the file; a file that cannot be read or is invalid throws <see cref="OperatorAccessException"/> (the node does not start).</summary>
    public static AccessFile Open(string path)
    {
        var file = new AccessFile(path);
        var (_, problem) = file.Current();
        return problem is null ? file : throw problem;
    }

    /// <summary>Lets the request in as the operator of its token, or refuses it.</summary>
    public AccessCheck Check(string? token, bool command)
    {
        var (access, problem) = Current();
        return access is null
            ? new AccessCheck(null, null, AccessRefusal.Unauthenticated, $"the node's access file is invalid, so nobody is let in until it is fixed: {problem!.Message}")
            : access.Check(token, command, DateTimeOffset.UtcNow);
    }

    private (OperatorAccess? Access, OperatorAccessException? Problem) Current()
    {
        lock (_gate)
        {
            var info = new FileInfo(Path);
            var stamp = info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue;
            var length = info.Exists ? info.Length : -1;
            if (_readAt != stamp || _length != length || (_access is null && _problem is null))
            {
                _readAt = stamp;
                _length = length;
                try
                {
                    _access = OperatorAccess.Read(Path);
                    _problem = null;
                }
                catch (OperatorAccessException ex)
                {
                    _access = null;
                    _problem = ex;
                }
            }
            return (_access, _problem);
        }
    }
}
