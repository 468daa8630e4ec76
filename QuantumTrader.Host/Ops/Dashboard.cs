namespace QuantumTrader.Host.Ops;

/// <summary>The dashboard page, embedded in the assembly so a copied executable serves it without other files.</summary>
public static class Dashboard
{
    public static readonly string Html = Load();

    private static string Load()
    {
        using var stream = typeof(Dashboard).Assembly.GetManifestResourceStream("QuantumTrader.Host.Ops.dashboard.html")
                           ?? throw new InvalidOperationException("the dashboard page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
