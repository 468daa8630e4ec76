using QuantumTrader.Models.Learning.Ppo;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Learning.Ppo;

[Collection(TorchCollection.Name)]
public class CartPoleTests
{
    [Fact]
    public void Push_left_from_rest_matches_the_equations_by_hand()
    {
        // θ = 0: temp = −10/1.1 = −100/11; θ̈ = (100/11)/(0.5·(4/3 − 0.1/1.1)) = 600/41;
        // ẍ = −100/11 − 0.05·(600/41)/1.1 = −400/41. Euler: ẋ = 0.02·ẍ = −8/41, θ̇ = 0.02·θ̈ = 12/41.
        var s = CartPole.Dynamics(new CartPoleState(0, 0, 0, 0), 0);
        Assert.Equal(0.0, s.X, 15);
        Assert.Equal(-8.0 / 41, s.XDot, 12);
        Assert.Equal(0.0, s.Theta, 15);
        Assert.Equal(12.0 / 41, s.ThetaDot, 12);
    }

    [Fact]
    public void Push_right_from_a_tilted_moving_state_matches_the_published_equations()
    {
        // From (0.01, 0.02, 0.03, 0.04): temp = 9.0909113, θ̈ = −14.1534359, ẍ = 9.7339598 (worked through the
        // Gym equations separately); the Euler update uses the old velocities for the positions.
        var s = CartPole.Dynamics(new CartPoleState(0.01, 0.02, 0.03, 0.04), 1);
        Assert.Equal(0.01 + 0.02 * 0.02, s.X, 12);
        Assert.Equal(0.02 + 0.02 * 9.733959787377762, s.XDot, 10);
        Assert.Equal(0.03 + 0.02 * 0.04, s.Theta, 12);
        Assert.Equal(0.04 + 0.02 * -14.153435898000408, s.ThetaDot, 10);
    }

    [Theory]
    [InlineData(2.4, 0.0, false)]
    [InlineData(2.41, 0.0, true)]
    [InlineData(-2.41, 0.0, true)]
    [InlineData(0.0, 0.2094, false)] // just under 12° = 0.20944 rad
    [InlineData(0.0, 0.2095, true)]
    [InlineData(0.0, -0.2095, true)]
    public void Terminates_beyond_2_4_metres_or_12_degrees(double x, double theta, bool terminal)
    {
        Assert.Equal(terminal, CartPole.IsTerminal(new CartPoleState(x, 0, theta, 0)));
    }

    [Fact]
    public void A_falling_pole_terminates_with_reward_and_then_requires_reset()
    {
        var env = new CartPole(seed: 1);
        env.ResetTo(new CartPoleState(0, 0, 0.209, 1.0));
        var step = env.Step(0);
        Assert.True(step.Terminated);
        Assert.False(step.Truncated);
        Assert.Equal(1.0, step.Reward);
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
    }

    [Fact]
    public void Episode_step_limit_truncates_without_terminating()
    {
        var env = new CartPole(seed: 1, maxEpisodeSteps: 3);
        env.ResetTo(new CartPoleState(0, 0, 0, 0));
        Assert.False(env.Step(1).Done);
        Assert.False(env.Step(0).Done);
        var last = env.Step(1);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }

    [Fact]
    public void Reset_is_seeded_and_within_plus_minus_0_05()
    {
        var a = new CartPole(seed: 42);
        var b = new CartPole(seed: 42);
        var c = new CartPole(seed: 43);
        for (var i = 0; i < 50; i++)
        {
            var sa = a.Reset();
            Assert.Equal(sa, b.Reset());
            Assert.NotEqual(sa, c.Reset());
            Assert.All(sa, v => Assert.InRange(v, -0.05, 0.05));
        }
    }

    [Fact]
    public void Vector_environment_resets_a_finished_episode_and_keeps_its_final_observation()
    {
        var falling = new CartPole(seed: 1);
        var upright = new CartPole(seed: 2);
        var vec = new VectorEnvironment([falling, upright]);
        vec.Reset();
        falling.ResetTo(new CartPoleState(0, 0, 0.209, 1.0));

        var step = vec.Step([0, 1]);

        Assert.Equal([true, false], step.Terminated);
        Assert.NotNull(step.FinalObservations[0]);
        Assert.True(step.FinalObservations[0]![2] > CartPole.ThetaThreshold);
        Assert.Null(step.FinalObservations[1]);
        Assert.InRange(step.Observations[2], -0.05f, 0.05f); // env 0's θ after its automatic reset
        Assert.Equal([1.0], step.CompletedReturns);
    }
}
