namespace QuantumTrader.Models.Learning.Ppo;

/// <summary>
/// One closed trade as a transition: the state vector at entry, the pre-squash action (<see cref="SizingAction.Raw"/>),
/// its log-probability and value at decision time, the reward (<see cref="SizingReward"/>), the state vector after
/// the trade, and whether the episode ended with it. Plain data, so an actor can persist it.
/// </summary>
public sealed record Experience(double[] State, double[] Action, double LogProb, double Value, double Reward, double[] NextState, bool Done)
{
    public static Experience From(SizingState state, SizingAction action, double reward, SizingState nextState, bool done) =>
        new(state.ToVector(), (double[])action.Raw.Clone(), action.LogProb, action.Value, reward, nextState.ToVector(), done);
}
