using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Risk;

/// <summary>
/// One per node: the regime coordinator and the node's replica of the risk policy, both written into the
/// <see cref="RiskBoard"/> the node's risk gate reads.
/// <list type="bullet">
/// <item>A symbol entity sends its <see cref="RegimeChanged"/> here the moment its bar produced it (no polling cycle);
/// the coordinator puts the policy's overlay for the new regime in force and answers <see cref="RegimeApplied"/>, and the
/// entity replies to its bar only then, so the overlay is in force before the next decision anywhere.</item>
/// <item>It subscribes to the policy store's replicated register: a limit changed on any node reaches this node's
/// gate, and every applied overlay is looked up again in the new policy. A start hands it the store's state before its
/// first bar (answered with the posture), so that bar is decided under the journal's limits whenever gossip arrives.</item>
/// </list>
/// </summary>
public sealed class RiskCoordinator : ReceiveActor
{
    private readonly RiskBoard _board;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RiskCoordinator(RiskBoard board)
    {
        _board = board;
        Receive<RegimeChanged>(Apply);
        Receive<Changed>(c => c.Key.Equals(PolicyReplication.Key), c => Adopt(c.Get(PolicyReplication.Key).Value));
        Receive<RiskPolicyState>(state =>
        {
            Adopt(state);
            Sender.Tell(new RiskPosture(_board.Policy, _board.Regimes.Symbols));
        });
        Receive<GetRiskPosture>(_ => Sender.Tell(new RiskPosture(_board.Policy, _board.Regimes.Symbols)));
    }

    public static Props PropsFor(RiskBoard board) => Props.Create(() => new RiskCoordinator(board));

    protected override void PreStart() => DistributedData.Get(Context.System).Replicator.Tell(Dsl.Subscribe(PolicyReplication.Key, Self));

    private void Apply(RegimeChanged change)
    {
        var regime = change.To.ToString();
        var book = _board.Regimes.Apply(change.Symbol, regime, change.BarSeq, change.Time, _board.Policy.Policy);
        _board.SetRegimes(book, change.Symbol, change.BarSeq);
        Sender.Tell(new RegimeApplied(change.Symbol, change.BarSeq, regime, book.For(change.Symbol)!.Overlay));
    }

    private void Adopt(RiskPolicyState state)
    {
        if (!_board.TryUpdatePolicy(state)) return;
        _board.SetRegimes(_board.Regimes.Resolve(state.Policy));
        _log.Info("risk policy version {0} in force on this node", state.Version);
    }
}
