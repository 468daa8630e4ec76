using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Persistence;

/// <summary>
/// How many domain events a journal row holds. Entities write what one command or commit decided as one row (the
/// journal's cost is per row), so the count of decisions a run journaled must look inside; it then does not depend on
/// how deliveries happened to be grouped.
/// </summary>
public static class JournalEvents
{
    public static int Count(object payload) => payload switch
    {
        SymbolEventsCommitted c => c.Events.Count,
        ModelOutcomesRecorded m => m.Outcomes.Count,
        TradesSettled s => s.Trades.Count,
        TradesDelivered d => d.TradeIds.Count,
        _ => 1,
    };
}

/// <summary>Every decision record the journal holds: each closed trade's entry decision and each signal a guard refused.</summary>
public static class JournalDecisions
{
    public static async Task<List<TradeDecisionRecord>> ReadAsync(SqlReadJournal journal, IMaterializer materializer)
    {
        var decisions = (await JournalTrades.ReadAsync(journal, materializer)).Select(t => t.Decision).ToList();
        return await journal.CurrentEventsByTag(EventTags.SignalRejected, Offset.NoOffset())
            .RunAggregate(decisions, (list, env) =>
            {
                list.AddRange(SymbolEventsCommitted.Unpack(env.Event).OfType<SignalRejected>().Select(r => r.Decision));
                return list;
            }, materializer);
    }
}

/// <summary>The closed trades a journal holds, from the rows tagged trade-closed, in journal order (a ledger orders them by exit).</summary>
public static class JournalTrades
{
    public static Task<List<ClosedTrade>> ReadAsync(SqlReadJournal journal, IMaterializer materializer) =>
        journal.CurrentEventsByTag(EventTags.TradeClosed, Offset.NoOffset())
            .RunAggregate(new List<ClosedTrade>(), (list, env) =>
            {
                list.AddRange(SymbolEventsCommitted.Unpack(env.Event).OfType<TradeClosed>().Select(t => t.Trade));
                return list;
            }, materializer);
}

/// <summary>An account's emergency stop rebuilt from its journal, and every state it passed through on the way (<see cref="AccountEss.Apply(IDomainEvent, List{EssState})"/>).</summary>
public sealed record JournaledEss(AccountEss Account, IReadOnlyList<EssState> Path);

/// <summary>Each account's emergency stop, rebuilt from the inputs its journal holds as the account entity rebuilds it.</summary>
public static class JournalEss
{
    public static async Task<IReadOnlyList<JournaledEss>> ReadAsync(SqlReadJournal journal, IMaterializer materializer, double startingEquity)
    {
        var ids = await journal.CurrentPersistenceIds()
            .Where(id => id.StartsWith(EntityIds.Account(""), StringComparison.Ordinal))
            .RunAggregate(new List<string>(), (list, id) => { list.Add(id); return list; }, materializer);
        var accounts = new List<JournaledEss>();
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            var path = new List<EssState>();
            var ess = await journal.CurrentEventsByPersistenceId(id, 0, long.MaxValue)
                .RunAggregate(AccountEss.Start(id[EntityIds.Account("").Length..], startingEquity), (state, env) =>
                    env.Event is EssTradesSettled or EssManualTrigger or EssManualReset ? state.Apply((IDomainEvent)env.Event, path).Next : state,
                    materializer);
            if (ess.Clock is not null) accounts.Add(new JournaledEss(ess, path));
        }
        return accounts;
    }
}
