namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>What one environment step returns: <c>Terminated</c> is a true end, <c>Truncated</c> a time limit.</summary>
public sealed record EnvStep(double[] Observation, double Reward, bool Terminated, bool Truncated)
{
    public bool Done => Terminated || Truncated;
}

/// <summary>An episodic environment with a discrete action set.</summary>
public interface IDiscreteEnvironment
{
    int ObservationSize { get; }
    int ActionCount { get; }
    double[] Reset();
    EnvStep Step(int action);
}
