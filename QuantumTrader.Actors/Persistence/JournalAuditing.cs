using Akka.Persistence.Query;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Persistence;

public static class JournalAuditing
{
    /// <summary>Hands one journal row to the auditor: a symbol commit event by event, settlements, deliveries, outcomes, every other domain event.</summary>
    public static void Read(JournalAuditor auditor, EventEnvelope envelope)
    {
        var (source, seq) = (envelope.PersistenceId, envelope.SequenceNr);
        auditor.Row(source, seq);
        switch (envelope.Event)
        {
            case SymbolEventsCommitted or SymbolEvent:
                foreach (var e in SymbolEventsCommitted.Unpack(envelope.Event)) auditor.Symbol(source, seq, e);
                break;
            case TradesSettled s:
                foreach (var t in s.Trades) auditor.Settled(source, seq, t.TradeId, t.Symbol, t.Time, t.Pnl, t.EquityAfter);
                break;
            case TradeSettled t:
                auditor.Settled(source, seq, t.TradeId, t.Symbol, t.Time, t.Pnl, t.EquityAfter);
                break;
            case TradesDelivered d:
                auditor.Delivered(d.TradeIds);
                break;
            case TradeFeedAdvanced a:
                auditor.Delivered([a.TradeId]);
                break;
            case ModelOutcomesRecorded m:
                auditor.OutcomesRecorded(m.ModelId, m.Outcomes.Select(o => o.TradeId));
                break;
            case ModelOutcomeRecorded m:
                auditor.OutcomesRecorded(m.ModelId, [m.TradeId]);
                break;
            case IDomainEvent e:
                auditor.Record(source, seq, e);
                break;
        }
    }
}
