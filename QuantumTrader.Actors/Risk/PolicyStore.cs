using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Akka.Persistence;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Actors.Risk;

/// <summary>The replicated register every node's <see cref="RiskCoordinator"/> subscribes to.</summary>
public static class PolicyReplication
{
    public static readonly LWWRegisterKey<RiskPolicyState> Key = new("risk-policy");

    /// <summary>A change is acknowledged once most nodes hold it; the rest get it by gossip.</summary>
    public static readonly IWriteConsistency Consistency = new WriteMajority(TimeSpan.FromSeconds(3));
}

/// <summary>
/// The policy store, a cluster singleton: risk limits per ESS mode (seed 003's defaults until changed). A change is
/// checked, journaled as <see cref="RiskLimitsChanged"/> (previous and new limits, reason, time) and then replicated
/// through Akka.DistributedData, so every node's gate sees it; after a restart the journal rebuilds the policy and the
/// store replicates it again. An invalid change cannot be made: <see cref="ChangeRiskLimits"/> refuses it when constructed.
/// A change is dated by the operator's clock, and refused while this node's job decides the bars of a start
/// (<see cref="MarketClock.StampLimitChange"/>): which of those bars it would reach depends on timing.
/// </summary>
public sealed class PolicyStore : ReceivePersistentActor
{
    public const string Id = "risk-policy-store";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RiskPolicy _policy = RiskPolicy.Default;
    private long _version;

    public PolicyStore(MarketClock clock)
    {
        Recover<RiskLimitsChanged>(Apply);
        Command<ChangeRiskLimits>(cmd =>
        {
            var stamp = clock.StampLimitChange(DateTimeOffset.UtcNow);
            if (stamp.Time is { } time) Change(cmd.Mode, cmd.Limits, cmd.Reason, time, cmd.Operator);
            else Sender.Tell(new Status.Failure(new OperatorRefusedException(stamp.Refusal!)));
        });
        Command<RepeatRiskLimitsChange>(cmd => Change(cmd.Change.Mode, cmd.Change.Current, cmd.Change.Reason, cmd.Change.Time, cmd.Change.Operator));
        Command<GetRiskPolicy>(_ => Sender.Tell(State));
        Command<UpdateSuccess>(_ => { });
        Command<IUpdateFailure>(f => _log.Warning("risk policy version {0} not yet on a majority of nodes ({1}); gossip carries it on", _version, f.GetType().Name));
    }

    public override string PersistenceId => Id;

    public static Props PropsFor(MarketClock clock) => Props.Create(() => new PolicyStore(clock));

    private RiskPolicyState State => new(_policy, _version);

    protected override void OnReplaySuccess() => Replicate();

    private void Change(EssMode mode, RiskLimits limits, string reason, DateTimeOffset time, string? by)
    {
        // The command checked itself when it was made (or deserialized): mode, limits and reason are valid here.
        var (_, change) = _policy.Change(mode, limits, reason, time);
        var sender = Sender;
        Persist(change with { Operator = by }, e =>
        {
            Apply(e);
            Replicate();
            sender.Tell(State);
        });
    }

    private void Apply(RiskLimitsChanged e)
    {
        _policy = _policy.Apply(e);
        _version++;
    }

    private void Replicate()
    {
        var self = Cluster.Get(Context.System).SelfUniqueAddress;
        var state = State;
        DistributedData.Get(Context.System).Replicator.Tell(Dsl.Update(PolicyReplication.Key, new LWWRegister<RiskPolicyState>(self, state),
            PolicyReplication.Consistency, register => register.WithValue(self, state)));
    }
}
