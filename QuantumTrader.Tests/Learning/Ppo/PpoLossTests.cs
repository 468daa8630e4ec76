using QuantumTrader.Models.Learning.Ppo;
using TorchSharp;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class PpoLossTests
{
    [Theory]
    // Positive advantage: a ratio above 1+ε earns no more than at 1+ε; below 1−ε the pessimistic unclipped term counts.
    [InlineData(1.5, 2.0, -2.4)]
    [InlineData(0.5, 2.0, -1.0)]
    // Negative advantage: above 1+ε the unclipped (worse) term counts; below 1−ε it is clipped at 1−ε.
    [InlineData(1.5, -2.0, 3.0)]
    [InlineData(0.5, -2.0, 1.6)]
    // Inside the clip range the loss is simply −r·A.
    [InlineData(1.1, 2.0, -2.2)]
    [InlineData(1.0, -3.0, 3.0)]
    public void Clipped_surrogate_matches_known_values(double ratio, double advantage, double expected)
    {
        Assert.Equal(expected, PpoLoss.ClippedSurrogate(ratio, advantage, 0.2), 12);
    }

    [Fact]
    public void Tensor_clipped_surrogate_is_the_mean_of_the_per_sample_losses()
    {
        using var ratio = torch.tensor(new[] { 1.5, 0.5, 1.5, 0.5 });
        using var adv = torch.tensor(new[] { 2.0, 2.0, -2.0, -2.0 });
        using var loss = PpoLoss.ClippedSurrogate(ratio, adv, 0.2);
        Assert.Equal((-2.4 - 1.0 + 3.0 + 1.6) / 4, loss.item<double>(), 12);
    }

    [Theory]
    // V moved 0.5 from V_old = 1 towards R = 2: the clipped value 1.2 is further from R, so ½·0.8² = 0.32.
    [InlineData(1.5, 1.0, 2.0, 0.32)]
    // V moved past R = 1: the unclipped error 0.5 is the larger one, ½·0.5² = 0.125.
    [InlineData(1.5, 1.0, 1.0, 0.125)]
    // Within the clip range both terms agree: ½·1.9² = 1.805.
    [InlineData(1.1, 1.0, 3.0, 1.805)]
    public void Clipped_value_loss_matches_known_values(double value, double oldValue, double target, double expected)
    {
        Assert.Equal(expected, PpoLoss.ClippedValue(value, oldValue, target, 0.2), 12);
    }

    [Fact]
    public void Tensor_clipped_value_loss_is_the_mean_and_unclipped_loss_is_half_the_mse()
    {
        using var v = torch.tensor(new[] { 1.5, 1.5, 1.1 });
        using var old = torch.tensor(new[] { 1.0, 1.0, 1.0 });
        using var r = torch.tensor(new[] { 2.0, 1.0, 3.0 });
        using var clipped = PpoLoss.ClippedValue(v, old, r, 0.2);
        using var plain = PpoLoss.Value(v, r);
        Assert.Equal((0.32 + 0.125 + 1.805) / 3, clipped.item<double>(), 12);
        Assert.Equal(0.5 * (0.25 + 0.25 + 3.61) / 3, plain.item<double>(), 12);
    }
}
