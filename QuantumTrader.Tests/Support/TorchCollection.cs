namespace QuantumTrader.Tests.Support;

/// <summary>
/// TorchSharp keeps process-wide state (thread count, seeds) and native memory the GC does not see, so the tests that
/// train or run torch models share one collection that runs alone, never beside another test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
