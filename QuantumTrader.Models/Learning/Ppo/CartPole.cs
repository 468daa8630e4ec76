namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>Cart position and velocity, pole angle (radians, 0 upright) and angular velocity.</summary>
public readonly record struct CartPoleState(double X, double XDot, double Theta, double ThetaDot)
{
    public double[] ToArray() => [X, XDot, Theta, ThetaDot];
}

/// <summary>
/// CartPole-v1 as published by Gym/Gymnasium (Barto, Sutton &amp; Anderson 1983): action 0 pushes left and 1 right with
/// 10 N, explicit Euler at τ = 0.02 s, the episode terminates when |x| &gt; 2.4 or |θ| &gt; 12°, every step (the
/// terminating one included) earns 1, and 500 steps truncate. Reset draws all four state variables from U(−0.05, 0.05).
/// The state is kept in double precision (Gymnasium stores float32).
/// </summary>
public sealed class CartPole : IDiscreteEnvironment
{
    public const double Gravity = 9.8;
    public const double MassCart = 1.0;
    public const double MassPole = 0.1;
    public const double TotalMass = MassCart + MassPole;
    public const double Length = 0.5; // half the pole's length
    public const double PoleMassLength = MassPole * Length;
    public const double ForceMag = 10.0;
    public const double Tau = 0.02;
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    public const double XThreshold = 2.4;
    public const int DefaultMaxEpisodeSteps = 500;

    private readonly PpoRandom rng;
    private readonly int maxEpisodeSteps;
    private bool needsReset = true;

    public CartPole(long seed, int maxEpisodeSteps = DefaultMaxEpisodeSteps)
    {
        if (maxEpisodeSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "must be at least 1");
        rng = new PpoRandom(seed);
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    public int ObservationSize => 4;
    public int ActionCount => 2;
    public CartPoleState State { get; private set; }
    public int EpisodeSteps { get; private set; }

    /// <summary>One Euler step of the published equations of motion.</summary>
    public static CartPoleState Dynamics(CartPoleState s, int action)
    {
        if (action is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(action), action, "CartPole actions are 0 (left) and 1 (right)");
        var force = action == 1 ? ForceMag : -ForceMag;
        var cos = Math.Cos(s.Theta);
        var sin = Math.Sin(s.Theta);
        var temp = (force + PoleMassLength * s.ThetaDot * s.ThetaDot * sin) / TotalMass;
        var thetaAcc = (Gravity * sin - cos * temp) / (Length * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
        var xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        return new CartPoleState(
            s.X + Tau * s.XDot,
            s.XDot + Tau * xAcc,
            s.Theta + Tau * s.ThetaDot,
            s.ThetaDot + Tau * thetaAcc);
    }

    public static bool IsTerminal(CartPoleState s) =>
        s.X < -XThreshold || s.X > XThreshold || s.Theta < -ThetaThreshold || s.Theta > ThetaThreshold;

    public double[] Reset()
    {
        return ResetTo(new CartPoleState(rng.Uniform(-0.05, 0.05), rng.Uniform(-0.05, 0.05), rng.Uniform(-0.05, 0.05), rng.Uniform(-0.05, 0.05)));
    }

    /// <summary>Starts an episode from a chosen state.</summary>
    public double[] ResetTo(CartPoleState state)
    {
        State = state;
        EpisodeSteps = 0;
        needsReset = false;
        return state.ToArray();
    }

    public EnvStep Step(int action)
    {
        if (needsReset) throw new InvalidOperationException("CartPole: call Reset before Step, and again after an episode ends");
        State = Dynamics(State, action);
        EpisodeSteps++;
        var terminated = IsTerminal(State);
        var truncated = !terminated && EpisodeSteps >= maxEpisodeSteps;
        needsReset = terminated || truncated;
        return new EnvStep(State.ToArray(), 1.0, terminated, truncated);
    }
}
