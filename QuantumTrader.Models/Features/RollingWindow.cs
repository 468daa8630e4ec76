using System.Text.Json.Serialization;

namespace QuantumTrader.Models.Features;

/// <summary>
/// Fixed-capacity ring buffer held as plain data. <see cref="Push"/> copies the buffer, so every earlier
/// value stays a valid snapshot. Head is the slot the next item goes to; Count saturates at the capacity.
/// </summary>
public sealed record RollingWindow(double[] Items, int Count, int Head)
{
    public static RollingWindow Create(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "window capacity must be at least 1");
        return new RollingWindow(new double[capacity], 0, 0);
    }

    [JsonIgnore] public int Capacity => Items.Length;
    [JsonIgnore] public bool IsFull => Count == Items.Length;

    public RollingWindow Push(double value)
    {
        var items = (double[])Items.Clone();
        items[Head] = value;
        return new RollingWindow(items, Math.Min(Count + 1, items.Length), (Head + 1) % items.Length);
    }

    /// <summary>The item pushed <paramref name="ago"/> pushes before the newest (0 is the newest).</summary>
    public double Ago(int ago)
    {
        if (ago < 0 || ago >= Count) throw new ArgumentOutOfRangeException(nameof(ago), ago, $"window holds {Count} items");
        return Items[(Head - 1 - ago + 2 * Items.Length) % Items.Length];
    }

    /// <summary>Arithmetic mean of the held items, summed oldest first.</summary>
    public double Mean() => Sum() / Count;

    public double Sum()
    {
        RequireItems();
        var sum = 0.0;
        for (var i = Count - 1; i >= 0; i--) sum += Ago(i);
        return sum;
    }

    /// <summary>Standard deviation dividing by N (Bollinger's convention).</summary>
    public double PopulationStdDev(double mean) => Math.Sqrt(SquaredDeviations(mean) / Count);

    /// <summary>Standard deviation dividing by N - 1; needs two items.</summary>
    public double SampleStdDev(double mean)
    {
        if (Count < 2) throw new InvalidOperationException("a sample standard deviation needs at least 2 items");
        return Math.Sqrt(SquaredDeviations(mean) / (Count - 1));
    }

    private double SquaredDeviations(double mean)
    {
        RequireItems();
        var sum = 0.0;
        for (var i = Count - 1; i >= 0; i--)
        {
            var d = Ago(i) - mean;
            sum += d * d;
        }
        return sum;
    }

    private void RequireItems()
    {
        if (Count == 0) throw new InvalidOperationException("the window is empty");
    }

    /// <summary>Checks a window read back from a snapshot; <paramref name="field"/> names it in the message.</summary>
    public void Validate(string field, int expectedCapacity)
    {
        if (Items is null) throw new ArgumentException($"{field}.Items: missing");
        if (Items.Length != expectedCapacity)
            throw new ArgumentException($"{field}.Items: length {Items.Length}, expected {expectedCapacity}");
        if (Count < 0 || Count > Items.Length) throw new ArgumentException($"{field}.Count: {Count} is outside 0..{Items.Length}");
        if (Head < 0 || Head >= Items.Length) throw new ArgumentException($"{field}.Head: {Head} is outside 0..{Items.Length - 1}");
        if (Count < Items.Length && Head != Count) throw new ArgumentException($"{field}.Head: {Head} must equal Count {Count} while the window fills");
        foreach (var x in Items)
            if (!double.IsFinite(x)) throw new ArgumentException($"{field}.Items: holds a non-finite value");
    }
}
