using Akka.Actor;
using Akka.Persistence;
using QuantumTrader.Actors.Protocol;

namespace QuantumTrader.Actors.Bench;

/// <summary>Writes account settlements to the configured journal as fast as it allows, for the bench verb.</summary>
public sealed class JournalBenchActor : ReceivePersistentActor
{
    public sealed record WriteBatch(int Count);
    public sealed record WriteOne(int Index);
    public sealed record Written(int Count);

    private readonly string _id;

    public JournalBenchActor(string id)
    {
        _id = id;
        Recover<TradeSettled>(_ => { });
        Command<WriteBatch>(cmd =>
        {
            var events = Enumerable.Range(0, cmd.Count)
                .Select(i => new TradeSettled("bench", $"{_id}-{LastSequenceNr + i}", "BENCH", DateTimeOffset.UnixEpoch, 1, 1))
                .ToArray();
            var sender = Sender;
            PersistAll(events, _ => { });
            DeferAsync(cmd.Count, n => sender.Tell(new Written(n)));
        });
        Command<WriteOne>(cmd =>
        {
            var sender = Sender;
            Persist(new TradeSettled("bench", $"{_id}-one-{cmd.Index}", "BENCH", DateTimeOffset.UnixEpoch, 1, 1), _ => sender.Tell(new Written(1)));
        });
    }

    public override string PersistenceId => "bench-journal-" + _id;
}
