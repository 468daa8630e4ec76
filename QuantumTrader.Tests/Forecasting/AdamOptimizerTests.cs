using QuantumTrader.Models.Forecasting;
using TorchSharp;
using static TorchSharp.torch;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class AdamOptimizerTests
{
    [Fact]
    public void Takes_the_same_steps_as_torch_adam()
    {
        using var scope = NewDisposeScope();
        TorchRandom.Exclusive(() =>
        {
            var start = randn(5, 3);
            var target = randn(5, 3);
            var ours = new TorchSharp.Modules.Parameter(start.clone());
            var theirs = new TorchSharp.Modules.Parameter(start.clone());
            using var adam = new AdamOptimizer([ours], 0.05);
            using var reference = optim.Adam([theirs], lr: 0.05);
            for (var step = 0; step < 5; step++)
            {
                adam.ZeroGrad();
                nn.functional.mse_loss(ours, target).backward();
                adam.Step();
                reference.zero_grad();
                nn.functional.mse_loss(theirs, target).backward();
                reference.step();
            }
            Assert.True(allclose(ours, theirs, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - theirs).abs().max().item<float>()}");
            Assert.False(allclose(ours, start, atol: 0.1));
        }, seed: 9);
    }

    [Fact]
    public void First_step_moves_each_weight_by_the_learning_rate_against_its_gradient_sign()
    {
        using var scope = NewDisposeScope();
        var w = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, -2f, 3f }));
        using var adam = new AdamOptimizer([w], 0.1);
        // loss = sum(w * [2, -3, 0.5]): gradients 2, -3, 0.5; Adam's first bias-corrected step is -lr * g / |g|
        (w * tensor(new float[] { 2f, -3f, 0.5f })).sum().backward();
        adam.Step();
        Assert.Equal(new[] { 0.9f, -1.9f, 2.9f }, w.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void A_lowered_learning_rate_shortens_the_next_step()
    {
        using var scope = NewDisposeScope();
        var w = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f }));
        using var adam = new AdamOptimizer([w], 0.1);
        (w * 2f).sum().backward();
        adam.Step();
        // a constant gradient keeps Adam's bias-corrected step at exactly lr
        adam.LearningRate = 0.025;
        adam.ZeroGrad();
        (w * 2f).sum().backward();
        adam.Step();
        Assert.Equal(0.875f, MathF.Round(w.data<float>()[0], 5));
    }
}
