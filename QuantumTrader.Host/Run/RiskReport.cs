using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

/// <summary>The risk part of the run summary: the account's ESS transitions and the refused signals per stage, from the journal.</summary>
public static class RiskReport
{
    public static async Task<RunSummary> AttachAsync(RunSummary summary, EssStatus ess, SqlReadJournal journal, IMaterializer materializer)
    {
        var stages = await journal.CurrentEventsByTag(EventTags.SignalRejected, Offset.NoOffset())
            .RunAggregate(new SortedDictionary<string, int>(StringComparer.Ordinal), (counts, env) =>
            {
                foreach (var rejected in SymbolEventsCommitted.Unpack(env.Event).OfType<SignalRejected>())
                    counts[rejected.Stage] = counts.GetValueOrDefault(rejected.Stage) + 1;
                return counts;
            }, materializer);
        return summary with
        {
            EssMode = ess.Mode.Label(),
            MarkedMaxDrawdown = ess.State?.MaxDrawdown ?? 0,
            MarkedMaxDrawdownAt = ess.State?.MaxDrawdownAt,
            EssTransitions = ess.Transitions.Select(Row).ToArray(),
            SignalsRejectedByStage = stages,
        };
    }

    public static EssTransitionRow Row(EssTransition t) =>
        new(t.Time, t.From.Label(), t.To.Label(), t.Drawdown, t.TradingEnabled, t.Manual, t.Reason);
}
