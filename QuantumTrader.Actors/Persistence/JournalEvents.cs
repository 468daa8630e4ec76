using QuantumTrader.Actors.Protocol;
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
