using System.Globalization;
using System.IO.Compression;

namespace QuantumTrader.Models.Forecasting;

/// <summary>One ETT file (Zhou et al., Informer, AAAI 2021): a regular time grid starting at <see cref="Start"/>, seven channels.</summary>
public sealed record EttData(string Name, ChannelSeries Series, DateTime Start, TimeSpan Interval);

/// <summary>
/// The 12/4/4-month split used by every long-horizon paper (a month is 30 days): training rows [0, TrainEnd); validation and test windows
/// start Lookback rows before their period so every target row of the period is forecast.
/// </summary>
public sealed record EttSplit(int TrainEnd, int ValidationEnd, int TestEnd)
{
    public static EttSplit Standard(TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero || TimeSpan.FromDays(30).Ticks % interval.Ticks != 0)
            throw new ArgumentException($"interval {interval} does not divide a 30-day month");
        var month = (int)(TimeSpan.FromDays(30).Ticks / interval.Ticks);
        return new EttSplit(12 * month, 16 * month, 20 * month);
    }

    public RowRange Train => new(0, TrainEnd);

    /// <summary>Every row before the test months: training and validation.</summary>
    public RowRange BeforeTest => new(0, ValidationEnd);
    public RowRange Validation(int lookback) => new(TrainEnd - lookback, ValidationEnd);
    public RowRange Test(int lookback) => new(ValidationEnd - lookback, TestEnd);
}

public static class EttDataset
{
    public static readonly IReadOnlyList<string> Channels = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"];
    private const string DateFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Reads ETTh*.csv or ETTm*.csv(.gz). The name is the file name without its extensions.</summary>
    public static EttData Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"ETT file '{path}' does not exist", path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.');
        return Parse(reader, dot > 0 ? name[..dot] : name, path);
    }

    /// <summary>Parses the CSV; any malformed line fails with the source, line number, field and reason.</summary>
    public static EttData Parse(TextReader reader, string name, string source)
    {
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{source}: line 1: the file is empty");
        var expected = "date," + string.Join(',', Channels);
        if (header.Trim() != expected) throw new InvalidDataException($"{source}: line 1: header is '{header}', expected '{expected}'");

        var values = new List<float>();
        DateTime start = default, previous = default;
        var interval = TimeSpan.Zero;
        var lineNumber = 1;
        var rows = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != Channels.Count + 1)
                throw new InvalidDataException($"{source}: line {lineNumber}: {fields.Length} fields, expected {Channels.Count + 1} (date and {Channels.Count} channels)");
            if (!DateTime.TryParseExact(fields[0], DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                throw new InvalidDataException($"{source}: line {lineNumber}: field 'date': '{fields[0]}' is not a {DateFormat} timestamp");
            if (rows == 0) start = time;
            else if (rows == 1)
            {
                interval = time - previous;
                if (interval <= TimeSpan.Zero)
                    throw new InvalidDataException($"{source}: line {lineNumber}: field 'date': {fields[0]} does not come after the previous row");
            }
            else if (time - previous != interval)
                throw new InvalidDataException($"{source}: line {lineNumber}: field 'date': {fields[0]} is not {interval} after the previous row (gap or duplicate)");
            for (var c = 0; c < Channels.Count; c++)
            {
                if (!float.TryParse(fields[c + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                    throw new InvalidDataException($"{source}: line {lineNumber}: field '{Channels[c]}': '{fields[c + 1]}' is not a finite number");
                values.Add(v);
            }
            previous = time;
            rows++;
        }
        if (rows < 2) throw new InvalidDataException($"{source}: {rows} data rows; at least 2 are needed to know the interval");
        return new EttData(name, new ChannelSeries(Channels, values.ToArray()), start, interval);
    }
}
