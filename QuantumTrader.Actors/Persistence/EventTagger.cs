using Akka.Persistence.Journal;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Persistence;

public static class EventTags
{
    public const string TradeClosed = "trade-closed";
    public const string SignalRejected = "signal-rejected";
}

/// <summary>
/// Tags journaled events for the read side, so actors never deal with tags themselves. Only what a projection reads is
/// tagged; a symbol's commit row carries the tags of the events in it.
/// </summary>
public sealed class EventTagger : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt)
    {
        var events = SymbolEventsCommitted.Unpack(evt);
        var tags = new List<string>(2);
        if (events.Any(e => e is TradeClosed)) tags.Add(EventTags.TradeClosed);
        if (events.Any(e => e is SignalRejected)) tags.Add(EventTags.SignalRejected);
        return tags.Count == 0 ? evt : new Tagged(evt, tags);
    }
}
