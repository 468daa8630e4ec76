using Akka.Persistence.Journal;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Actors.Persistence;

public static class EventTags
{
    public const string TradeClosed = "trade-closed";
    public const string RegimeChanged = "regime-changed";
    public const string SignalRejected = "signal-rejected";
}

/// <summary>Tags journaled events for the read side, so actors never deal with tags themselves.</summary>
public sealed class EventTagger : IWriteEventAdapter
{
    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt switch
    {
        TradeClosed => new Tagged(evt, [EventTags.TradeClosed]),
        RegimeChanged => new Tagged(evt, [EventTags.RegimeChanged]),
        SignalRejected => new Tagged(evt, [EventTags.SignalRejected]),
        _ => evt,
    };
}
