using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

/// <summary>torch's random generator and thread count are process-wide, so the forecasting tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[Collection(TorchCollection.Name)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
