using System.IO.Compression;
using System.Text;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Tests.Market;

/// <summary>A temporary folder for files a test writes; deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("qt-market-").FullName;
    }

    public string Path { get; }

    public string Write(string name, string text) => WriteBytes(name, new UTF8Encoding(false).GetBytes(text));

    public string WriteBytes(string name, byte[] bytes)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public string WriteGzip(string name, string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return WriteBytes(name, buffer.ToArray());
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class MarketTestFiles
{
    /// <summary>A file under the repository's data folder, found by walking up to the folder holding QuantumTrader.sln.</summary>
    public static string RepoData(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumTrader.sln")))
            {
                return Path.Combine([dir.FullName, "data", .. parts]);
            }
        }

        throw new InvalidOperationException("QuantumTrader.sln not found above " + AppContext.BaseDirectory);
    }

    public static List<Bar> Bars(IEnumerable<MarketRecord> records) => records.OfType<BarRecord>().Select(r => r.Bar).ToList();

    public static List<BadRow> BadRows(IEnumerable<MarketRecord> records) => records.OfType<BadRowRecord>().Select(r => r.Row).ToList();

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
