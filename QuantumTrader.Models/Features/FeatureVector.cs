namespace QuantumTrader.Models.Features;

/// <summary>A named, versioned list of features; a model trained on one version refuses rows of another.</summary>
public sealed record FeatureSet(string Version, IReadOnlyList<string> Names)
{
    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++) if (Names[i] == name) return i;
        throw new KeyNotFoundException($"feature '{name}' is not in feature set {Version}");
    }
}

/// <summary>One bar's feature row; Values line up with Set.Names. IsWarm is false until every indicator has its full window.</summary>
public sealed record FeatureVector(FeatureSet Set, DateTimeOffset Time, double[] Values, bool IsWarm)
{
    public double this[string name] => Values[Set.IndexOf(name)];
}
