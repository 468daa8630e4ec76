using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace QuantumTrader.Models.Market;

/// <summary>
/// Splits text into lines (LF or CRLF) and tells whether each line ended with a newline,
/// which StreamReader.ReadLine cannot: an unterminated last line may be a truncated write.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly string _file;
    private readonly char[] _buffer = new char[32 * 1024];
    private readonly StringBuilder _pending = new();
    private int _pos;
    private int _len;
    private bool _eof;

    public LineReader(TextReader reader, string file)
    {
        _reader = reader;
        _file = file;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Whether the line last returned ended with a newline.</summary>
    public bool Terminated { get; private set; }

    public bool TryRead([NotNullWhen(true)] out string? line)
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_pos, _len - _pos);
            var newline = rest.IndexOf('\n');
            if (newline >= 0)
            {
                line = Take(rest[..newline]);
                _pos += newline + 1;
                Terminated = true;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_pending.Length == 0 && rest.IsEmpty)
                {
                    line = null;
                    return false;
                }

                line = Take(rest);
                _pos = _len;
                Terminated = false;
                LineNumber++;
                return true;
            }

            _pending.Append(rest);
            Fill();
        }
    }

    private string Take(ReadOnlySpan<char> tail)
    {
        if (_pending.Length == 0)
        {
            return new string(tail.Length > 0 && tail[^1] == '\r' ? tail[..^1] : tail);
        }

        _pending.Append(tail);
        if (_pending[^1] == '\r')
        {
            _pending.Length--;
        }

        var line = _pending.ToString();
        _pending.Clear();
        return line;
    }

    private void Fill()
    {
        try
        {
            _len = _reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (Exception e) when (MarketFile.IsReadFailure(e))
        {
            throw MarketFile.ReadFailure(_file, LineNumber, e);
        }

        _pos = 0;
        _eof = _len == 0;
    }

    public void Dispose() => _reader.Dispose();
}
