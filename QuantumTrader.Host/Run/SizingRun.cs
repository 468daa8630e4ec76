using Akka.Actor;
using Akka.Hosting;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Sizing;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

public enum SizingMode { Ppo, Fixed }

/// <summary>The run's sizing: who sized, shadow on or off, the served policy version and every update with its mean reward.</summary>
public sealed record SizingSummary(
    string Sizer, bool Shadow, int PolicyVersion, int PolicyUpdates, int Experiences, int PendingExperiences, int UpdateEvery,
    IReadOnlyList<PolicyVersionRecord> Updates);

/// <summary>
/// The sizing side of a run. Fixed sizing needs nothing more. PPO sizing serves the learner's policy to the symbol
/// entities and feeds the learner: before the first bar it waits until the learner has recovered (so the policy in
/// force is the one at the crash point) and hands it every closed trade of the journal it may have missed; after each
/// bar that closed trades it first waits until every symbol's events are durable (so no learner state ever runs ahead
/// of the journal a resumed run replays) and then records them, before the next bar is sent.
/// </summary>
public sealed class SizingRun
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);
    private readonly IActorRef? _learner;
    private readonly IActorRef _symbols;
    private readonly IReadOnlyList<string> _symbolNames;
    private readonly NodeServices _services;

    private SizingRun(NodeServices services, IActorRef? learner, IActorRef symbols, IReadOnlyList<string> symbolNames)
    {
        _services = services;
        _learner = learner;
        _symbols = symbols;
        _symbolNames = symbolNames;
    }

    /// <summary>The node's services for the chosen sizing: fixed fraction, or PPO (shadow by default) with its learner.</summary>
    public static NodeServices Services(RunSettings settings, EnsembleServing serving, SymbolRules rules)
    {
        var basic = NodeServices.Default(serving, rules, settings.StartingEquity);
        if (settings.Sizing == SizingMode.Fixed) return basic;
        var ppo = new PpoSizing(rules.Execution, new SizingLimits(), settings.StartingEquity, settings.SizingShadow, settings.Seed);
        return basic with { Sizing = ppo, SizingLearning = new SizingLearning(ppo, settings.SizingUpdateEvery) };
    }

    public static async Task<SizingRun> StartAsync(
        NodeServices services, IReadOnlyActorRegistry registry, IActorRef symbols, IReadOnlyList<string> symbolNames,
        IReadOnlyList<ClosedTrade> journaled, IRunObserver observer, CancellationToken cancel)
    {
        if (services.SizingLearning is null) return new SizingRun(services, null, symbols, symbolNames);
        var learner = await registry.GetAsync<SizingLearnerSingleton>(cancel);
        var status = await learner.Ask<SizingLearnerStatus>(GetSizingLearnerStatus.Instance, AskTimeout, cancel);
        if (status.TradesRecorded > 0)
            observer.Info($"sizing learner resumes at policy v{status.PolicyVersion} with {status.Pending} of {status.UpdateEvery} experiences pending");
        var ack = await learner.Ask<SizingOutcomesAck>(new RecordSizingOutcomes(journaled), AskTimeout, cancel);
        if (ack.Recorded > 0) observer.Info($"sizing learner caught up {ack.Recorded} closed trade(s) from the journal");
        return new SizingRun(services, learner, symbols, symbolNames);
    }

    /// <summary>PPO sizing learns only from trades already in the journal, so a resumed run replays what the policy learned from.</summary>
    public bool NeedsDurableTrades => _learner is not null;

    public async Task AfterTrades(IReadOnlyList<ClosedTrade> closed, CancellationToken cancel)
    {
        if (_learner is null || closed.Count == 0) return;
        foreach (var symbol in _symbolNames)
            await _symbols.Ask<SymbolFlushed>(new FlushSymbol(symbol), AskTimeout, cancel);
        await _learner.Ask<SizingOutcomesAck>(new RecordSizingOutcomes(closed), AskTimeout, cancel);
    }

    public async Task<SizingSummary> SummarizeAsync(CancellationToken cancel)
    {
        if (_learner is null || _services.Sizing is not PpoSizing ppo)
            return new SizingSummary(FixedFractionSizer.Name, false, 0, 0, 0, 0, 0, []);
        var s = await _learner.Ask<SizingLearnerStatus>(GetSizingLearnerStatus.Instance, AskTimeout, cancel);
        return new SizingSummary(ppo.Shadow ? PpoSizing.ShadowName : PpoSizing.Name, ppo.Shadow, s.PolicyVersion, s.History.Count,
            s.Experiences, s.Pending, s.UpdateEvery, s.History);
    }
}
