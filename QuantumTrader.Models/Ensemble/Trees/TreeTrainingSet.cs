using System.Security.Cryptography;
using QuantumTrader.Models.Features;

namespace QuantumTrader.Models.Ensemble.Trees;

/// <summary>
/// Rows for a binary tree classifier: X[i] lines up with Set.Names, Y[i] is true when the price went up over the horizon.
/// Times, when known, gives each row's bar time (oldest first) and fixes the training range of the model. Weights, when
/// given, weight each row in training (seed 004's replayed errors count more); null trains every row once.
/// </summary>
public sealed record TreeTrainingSet(FeatureSet Set, float[][] X, bool[] Y, IReadOnlyList<DateTimeOffset>? Times = null, float[]? Weights = null)
{
    public int Count => X.Length;

    public int PositiveCount => Y.Count(y => y);

    /// <summary>Throws ArgumentException naming the row and feature when the set is not usable for training.</summary>
    public void Validate()
    {
        if (X.Length != Y.Length)
            throw new ArgumentException($"training set has {X.Length} feature rows but {Y.Length} labels");
        if (Times is not null && Times.Count != X.Length)
            throw new ArgumentException($"training set has {X.Length} feature rows but {Times.Count} times");
        if (Weights is not null && Weights.Length != X.Length)
            throw new ArgumentException($"training set has {X.Length} feature rows but {Weights.Length} weights");
        if (Weights is not null && Array.FindIndex(Weights, w => !(w > 0 && float.IsFinite(w))) is var badWeight and >= 0)
            throw new ArgumentException($"training row {badWeight}{TimeSuffix(badWeight)}: weight {Weights[badWeight]} is not a positive number");
        var width = Set.Names.Count;
        if (width == 0) throw new ArgumentException($"feature set {Set.Version} has no features");
        for (var i = 0; i < X.Length; i++)
        {
            var row = X[i] ?? throw new ArgumentException($"training row {i} is missing");
            if (row.Length != width)
                throw new ArgumentException($"training row {i} has {row.Length} values but feature set {Set.Version} has {width}");
            for (var j = 0; j < width; j++)
                if (!float.IsFinite(row[j]))
                    throw new ArgumentException($"training row {i}{TimeSuffix(i)}: feature '{Set.Names[j]}' is {row[j]}, trees need finite values");
        }
        if (Times is not null)
            for (var i = 1; i < Times.Count; i++)
                if (Times[i] < Times[i - 1])
                    throw new ArgumentException($"training row {i}: time {Times[i]:O} is before the previous row's {Times[i - 1]:O}");
    }

    /// <summary>
    /// Labels each warm row t with close[t + horizon] &gt; close[t]. rows[t] and closes[t] describe the same bar.
    /// Rows that are not warm and the last <paramref name="horizon"/> rows (whose outcome is unknown) are skipped.
    /// </summary>
    public static TreeTrainingSet FromFeatures(IReadOnlyList<FeatureVector> rows, IReadOnlyList<double> closes, int horizon)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(closes);
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least one bar");
        if (rows.Count == 0) throw new ArgumentException("no feature rows to label", nameof(rows));
        if (rows.Count != closes.Count)
            throw new ArgumentException($"{rows.Count} feature rows but {closes.Count} closes; each row needs its bar's close", nameof(closes));

        var set = rows[0].Set;
        var x = new List<float[]>();
        var y = new List<bool>();
        var times = new List<DateTimeOffset>();
        for (var t = 0; t + horizon < rows.Count; t++)
        {
            var row = rows[t];
            if (!SameFeatureSet(row.Set, set))
                throw new ArgumentException($"feature row {t} ({row.Time:O}) uses feature set {row.Set.Version}, the first row uses {set.Version}");
            if (!row.IsWarm) continue;
            if (row.Values.Length != set.Names.Count)
                throw new ArgumentException($"feature row {t} ({row.Time:O}) has {row.Values.Length} values but feature set {set.Version} has {set.Names.Count}");
            var now = closes[t];
            var later = closes[t + horizon];
            if (!double.IsFinite(now) || !double.IsFinite(later))
                throw new ArgumentException($"close at row {(double.IsFinite(now) ? t + horizon : t)} is not a finite number");
            var values = new float[row.Values.Length];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = (float)row.Values[j];
                if (!float.IsFinite(values[j]))
                    throw new ArgumentException($"feature row {t} ({row.Time:O}): feature '{set.Names[j]}' is {row.Values[j]}, trees need finite values");
            }
            x.Add(values);
            y.Add(later > now);
            times.Add(row.Time);
        }
        return new TreeTrainingSet(set, x.ToArray(), y.ToArray(), times);
    }

    /// <summary>The older rows for training and the newest <paramref name="validationFraction"/> for hold-out (time order kept).</summary>
    public (TreeTrainingSet Train, TreeTrainingSet Validation) SplitChronologically(double validationFraction)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        var validationRows = (int)Math.Floor(Count * validationFraction);
        var cut = Count - validationRows;
        return (Slice(0, cut), Slice(cut, Count));
    }

    public TreeTrainingSet Slice(int start, int end) =>
        new(Set, X[start..end], Y[start..end], Times is null ? null : Times.Skip(start).Take(end - start).ToArray(), Weights?[start..end]);

    /// <summary>SHA-256 (lower-case hex) over the feature set, every value's bits and every label: identical data, identical hash.</summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendTo(hash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    internal void AppendTo(IncrementalHash hash)
    {
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Set.Version + "\n" + string.Join("\n", Set.Names) + "\n"));
        Span<byte> bits = stackalloc byte[4];
        foreach (var row in X)
            foreach (var v in row)
            {
                BitConverter.TryWriteBytes(bits, v);
                hash.AppendData(bits);
            }
        foreach (var label in Y) hash.AppendData([label ? (byte)1 : (byte)0]);
        if (Weights is null) return;
        foreach (var w in Weights)
        {
            BitConverter.TryWriteBytes(bits, w);
            hash.AppendData(bits);
        }
    }

    internal static bool SameFeatureSet(FeatureSet a, FeatureSet b) =>
        ReferenceEquals(a, b) || (a.Version == b.Version && a.Names.SequenceEqual(b.Names));

    private string TimeSuffix(int i) => Times is null ? "" : $" ({Times[i]:O})";
}
