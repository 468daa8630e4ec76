using System.IO.Compression;
using System.Text;

namespace QuantumTrader.Models.Market;

/// <summary>Opens a data file, decompressing it when its first bytes are the gzip magic number (the name is not trusted).</summary>
internal static class MarketFile
{
    private const int BufferSize = 64 * 1024;

    public static Stream OpenStream(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MarketDataException($"cannot open market data file {path}: {e.Message}", e);
        }

        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
    }

    /// <summary>UTF-8 text; a byte order mark is dropped.</summary>
    public static TextReader OpenText(string path) =>
        new StreamReader(OpenStream(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, BufferSize);

    public static MarketDataException ReadFailure(string file, int afterLine, Exception e) =>
        new($"{file}: cannot read past line {afterLine}: {e.Message}", e);

    public static bool IsReadFailure(Exception e) => e is IOException or InvalidDataException;
}
