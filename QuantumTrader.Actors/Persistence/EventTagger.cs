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
/// tagged: a tagged row costs the SQL journal a second insert.
/// </summary>
public sealed class EventTagger : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt switch
    {
        TradeClosed => new Tagged(evt, [EventTags.TradeClosed]),
        SignalRejected => new Tagged(evt, [EventTags.SignalRejected]),
        _ => evt,
    };
}
