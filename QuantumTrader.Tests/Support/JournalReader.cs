using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// What the journal holds for one persistence id, read through the same query plugin the node uses; a symbol's commit
/// rows are read as the events they hold.
/// </summary>
public static class JournalReader
{
    public static async Task<List<object>> Events(ActorSystem system, string persistenceId) =>
        await PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier)
            .CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunAggregate(new List<object>(), (list, env) =>
            {
                if (env.Event is SymbolEventsCommitted commit) list.AddRange(commit.Events);
                else list.Add(env.Event);
                return list;
            }, system.Materializer());
}
