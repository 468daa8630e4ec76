using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Run;

public enum BadRowPolicy { Skip, Stop }

/// <summary>A bad row under --on-bad-row stop: the run exits with code 2 before anything trades.</summary>
public sealed class BadInputException(BadRow row) : Exception($"bad input: {row} (--on-bad-row stop)")
{
    public BadRow Row { get; } = row;
}

/// <summary>
/// The bars of every input file, merged into one deterministic order (time, then file order), each numbered per symbol.
/// Rows that fail validation are reported through the callback and counted; none disappears without a message. Missing
/// bars are found and kept in <see cref="Gaps"/>.
/// <see cref="Lengths"/>: each file's size in bytes before it was read, to tell later whether it grew. When
/// <c>writing</c> is given (a node that follows its data), a bad last line of a file that does not end with a newline
/// is a row still being written: it goes to <c>writing</c>, not to the rejected rows, and is read once it is complete.
/// </summary>
public sealed record ReplayData(IReadOnlyList<Bar> Bars, IReadOnlyList<BadRow> Rejected, IReadOnlyList<string> Files)
{
    public IReadOnlyList<long> Lengths { get; init; } = [];

    /// <summary>Where a symbol's bars skip an interval; the bars are all in <see cref="Bars"/>.</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    public static ReplayData Load(IReadOnlyList<string> paths, DataFormat format, BadRowPolicy policy, Action<BadRow> onBadRow, Action<BadRow>? writing = null)
    {
        var files = MarketDataReader.ExpandPaths(paths);
        var lengths = files.Select(f => new FileInfo(f).Length).ToArray();
        var completeBefore = writing is null ? [] : files.Select((f, i) => CompleteLength(f) == lengths[i]).ToArray();
        var perFile = new List<List<BarRecord>>();
        var rejected = new List<BadRow>();

        void Reject(BadRow row)
        {
            if (policy == BadRowPolicy.Stop) throw new BadInputException(row);
            rejected.Add(row);
            onBadRow(row);
        }

        for (var f = 0; f < files.Count; f++)
        {
            var file = files[f];
            var bars = new List<BarRecord>();
            // A bad row is held until the next record shows it was not the file's last line.
            BadRow? held = null;
            foreach (var record in MarketDataReader.Read(file, format))
            {
                if (held is not null) Reject(held);
                held = null;
                switch (record)
                {
                    case BarRecord b: bars.Add(b); break;
                    case BadRowRecord bad: held = bad.Row; break;
                }
            }
            if (held is not null)
            {
                if (writing is not null && !completeBefore[f]) writing(held);
                else Reject(held);
            }
            perFile.Add(bars);
        }

        var merged = new List<(Bar Bar, string File, int Line)>(perFile.Sum(f => f.Count));
        var lastTime = new Dictionary<string, (DateTimeOffset Time, string File)>(StringComparer.Ordinal);
        var cursor = new int[perFile.Count];
        while (true)
        {
            var pick = -1;
            for (var f = 0; f < perFile.Count; f++)
            {
                if (cursor[f] >= perFile[f].Count) continue;
                if (pick < 0 || perFile[f][cursor[f]].Bar.Time < perFile[pick][cursor[pick]].Bar.Time) pick = f;
            }
            if (pick < 0) break;
            var (bar, line) = perFile[pick][cursor[pick]++];
            if (lastTime.TryGetValue(bar.Symbol, out var last) && bar.Time <= last.Time)
            {
                Reject(new BadRow(files[pick], line, "time",
                    $"{bar.Symbol} bar at {bar.Time:O} overlaps {Path.GetFileName(last.File)}, which already has {bar.Symbol} up to {last.Time:O}"));
                continue;
            }
            lastTime[bar.Symbol] = (bar.Time, files[pick]);
            merged.Add((bar, Path.GetFileName(files[pick]), line));
        }
        return new ReplayData(merged.Select(m => m.Bar).ToArray(), rejected, files) { Lengths = lengths, Gaps = DataGap.Find(merged) };
    }

    /// <summary>
    /// True when the data paths now hold complete rows the load did not read: a file grew past its length then up to a
    /// newline (a row still being written does not count), or a folder holds a new file.
    /// </summary>
    public bool Grew(IReadOnlyList<string> paths)
    {
        var now = MarketDataReader.ExpandPaths(paths);
        if (now.Except(Files, StringComparer.Ordinal).Any()) return true;
        for (var i = 0; i < Files.Count; i++)
            if (CompleteLength(Files[i]) > Lengths[i]) return true;
        return false;
    }

    /// <summary>The file's length up to and including its last newline.</summary>
    private static long CompleteLength(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[4096];
        for (var end = stream.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, (int)(end - start));
            var newline = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start) - 1);
            if (newline >= 0) return start + newline + 1;
            end = start;
        }
        return 0;
    }

    /// <summary>Each symbol's last bar.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LastBars =>
        Bars.GroupBy(b => b.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(b => b.Time), StringComparer.Ordinal);

    /// <summary>The data as a start that read each symbol up to <paramref name="lastBars"/> had it; a symbol it did not read is left out.</summary>
    public ReplayData Until(IReadOnlyDictionary<string, DateTimeOffset> lastBars)
    {
        bool Read(string symbol, DateTimeOffset time) => lastBars.TryGetValue(symbol, out var last) && time <= last;
        return this with { Bars = Bars.Where(b => Read(b.Symbol, b.Time)).ToArray(), Gaps = Gaps.Where(g => Read(g.Symbol, g.Before)).ToArray() };
    }

    public IReadOnlyList<string> Symbols => Bars.Select(b => b.Symbol).Distinct().Order(StringComparer.Ordinal).ToArray();
}
