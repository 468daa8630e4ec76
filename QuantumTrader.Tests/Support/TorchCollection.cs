namespace QuantumTrader.Tests.Support;

/// <summary>
/// TorchSharp keeps process-wide state (thread count, seeds), so the tests that train or run torch models share one
/// collection and never run at the same time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
