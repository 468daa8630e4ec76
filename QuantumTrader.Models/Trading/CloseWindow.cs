using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Trading;

/// <summary>
/// The last closes of a symbol, oldest first, at most a fixed number. Immutable: <see cref="Append"/> returns a new window
/// and the old one stays valid. Windows of one symbol share a buffer that only ever grows at its end, so appending copies
/// nothing until the buffer is full; a window appended to again after a later one (a decision made again) reuses the
/// slot when it holds the same close and otherwise copies. Read back from JSON as a plain array.
/// </summary>
[JsonConverter(typeof(CloseWindowJsonConverter))]
public sealed class CloseWindow : IReadOnlyList<double>
{
    private sealed class Buffer(int capacity)
    {
        public readonly double[] Items = new double[capacity];
        public int Used;
    }

    private readonly Buffer _buffer;
    private readonly int _end;

    public static readonly CloseWindow Empty = new(new Buffer(0), 0, 0);

    private CloseWindow(Buffer buffer, int end, int count)
    {
        _buffer = buffer;
        _end = end;
        Count = count;
    }

    public int Count { get; }

    public double this[int index] =>
        (uint)index < (uint)Count ? _buffer.Items[_end - Count + index] : throw new ArgumentOutOfRangeException(nameof(index), index, $"the window holds {Count} closes");

    public static CloseWindow Of(IReadOnlyList<double> closes)
    {
        ArgumentNullException.ThrowIfNull(closes);
        var buffer = new Buffer(Math.Max(16, 2 * closes.Count));
        for (var i = 0; i < closes.Count; i++) buffer.Items[i] = closes[i];
        buffer.Used = closes.Count;
        return new CloseWindow(buffer, closes.Count, closes.Count);
    }

    /// <summary>This window with <paramref name="close"/> appended, keeping the last <paramref name="keep"/>.</summary>
    public CloseWindow Append(double close, int keep)
    {
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), keep, "Keeps at least one close.");
        var count = Math.Min(Count + 1, keep);
        var items = _buffer.Items;
        if (_end < items.Length)
        {
            if (_end == _buffer.Used)
            {
                items[_end] = close;
                _buffer.Used++;
                return new CloseWindow(_buffer, _end + 1, count);
            }
            if (items[_end].Equals(close)) return new CloseWindow(_buffer, _end + 1, count);
        }
        var fresh = new Buffer(Math.Max(16, 4 * keep));
        var kept = count - 1;
        Array.Copy(items, _end - kept, fresh.Items, 0, kept);
        fresh.Items[kept] = close;
        fresh.Used = count;
        return new CloseWindow(fresh, count, count);
    }

    public IEnumerator<double> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A close window is a JSON array of numbers, as snapshots have always held it.</summary>
public sealed class CloseWindowJsonConverter : JsonConverter<CloseWindow>
{
    public override CloseWindow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        CloseWindow.Of(JsonSerializer.Deserialize<double[]>(ref reader, options) ?? throw new JsonException("a close window must be an array of numbers"));

    public override void Write(Utf8JsonWriter writer, CloseWindow value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var close in value) writer.WriteNumberValue(close);
        writer.WriteEndArray();
    }
}
