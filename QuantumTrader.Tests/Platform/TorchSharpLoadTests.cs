using TorchSharp;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Platform;

[Collection(TorchCollection.Name)]
public class TorchSharpLoadTests
{
    [Fact]
    public void TorchSharp_native_library_loads_and_computes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = torch.tensor(new float[] { 4, 5, 6 });
        using var dot = (a * b).sum();
        Assert.Equal(32f, dot.item<float>());
    }
}
