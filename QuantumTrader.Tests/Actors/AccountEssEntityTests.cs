using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using QuantumTrader.Actors.Accounts;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Models.Risk;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>The account entity's emergency stop on a real SQLite journal, driven by injected equity and operator commands.</summary>
public sealed class AccountEssEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Account = "paper";
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly NodeFixture _node;

    public AccountEssEntityTests() : this(new NodeFixture([])) { }

    private AccountEssEntityTests(NodeFixture node) : base(node.System) => _node = node;

    private static DateTimeOffset H(double hours) => T0.AddHours(hours);

    private static EssTrade Trade(string id, double exitHour, double pnl) => new(id, "BTCUSDT", H(exitHour - 1), H(exitHour), pnl);

    private Task<EssStatus> Settle(double asOfHour, params EssTrade[] trades) =>
        _node.Accounts.Ask<EssStatus>(new SettleEssTrades(new EssTradesSettled(Account, H(asOfHour), trades)), Timeout);

    private Task<EssStatus> Status() => _node.Accounts.Ask<EssStatus>(new GetEssStatus(Account), Timeout);

    private async Task<List<IEssModeChanged>> Journaled() =>
        (await JournalReader.Events(_node.System, EntityIds.Account(Account))).OfType<IEssModeChanged>().ToList();

    /// <summary>A trade batch is answered before it is written, so its mode changes reach the journal a moment later.</summary>
    private async Task<List<IEssModeChanged>> JournaledAtLeast(int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var journaled = await Journaled();
        while (journaled.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            journaled = await Journaled();
        }
        return journaled;
    }

    [Fact]
    public async Task Injected_equity_walks_into_emergency_and_back_and_every_change_is_journaled_and_survives_a_crash()
    {
        await Settle(2, Trade("crash", 1, -1_200), Trade("rebound", 2, 1_250));
        var recovery = Enumerable.Range(3, 19).Select(h => Trade($"w{h:00}", h, 1)).ToArray();
        var status = await Settle(21, recovery);

        Assert.Equal(EssMode.Normal, status.Mode);
        Assert.Equal(10_069, status.Equity, 9);
        Assert.Equal(21, status.TradesApplied);
        Assert.Equal(
            [(H(1), EssMode.Normal, EssMode.Emergency), (H(8), EssMode.Emergency, EssMode.Protective),
             (H(14), EssMode.Protective, EssMode.Cautious), (H(20), EssMode.Cautious, EssMode.Normal)],
            status.Transitions.Select(t => (t.Time, t.From, t.To)));

        var journaled = await JournaledAtLeast(status.Transitions.Count);
        var triggered = Assert.IsType<EmergencyTriggered>(journaled[0]);
        Assert.Equal((EssMode.Normal, EssMode.Emergency, -12.0, false), (triggered.OldMode, triggered.NewMode, triggered.Drawdown, triggered.TradingEnabled));
        Assert.Equal("drawdown -12.00% is below the EMERGENCY threshold -10.00%", triggered.Reason);
        Assert.All(journaled.Skip(1), e => Assert.IsType<EmergencyRecovered>(e));
        Assert.Equal([EssMode.Protective, EssMode.Cautious, EssMode.Normal], journaled.Skip(1).Select(e => e.NewMode));
        Assert.All(journaled.Skip(1), e => Assert.True(e.TradingEnabled));

        await _node.CrashAndStart();

        var recovered = await Status();
        Assert.Equal(status.Mode, recovered.Mode);
        Assert.Equal(status.Equity, recovered.Equity);
        Assert.Equal(status.Transitions.Select(t => (t.Time, t.To)), recovered.Transitions.Select(t => (t.Time, t.To)));

        // The driver re-sends after a restart: applied trades are recognised, nothing is journaled twice.
        var events = (await JournalReader.Events(_node.System, EntityIds.Account(Account))).Count;
        var again = await Settle(21, recovery);
        Assert.Equal(21, again.TradesApplied);
        Assert.Equal(events, (await JournalReader.Events(_node.System, EntityIds.Account(Account))).Count);
    }

    [Fact]
    public async Task A_manual_trigger_latches_emergency_with_its_reason_is_published_and_a_reset_releases_it()
    {
        var probe = CreateTestProbe();
        DistributedPubSub.Get(Sys).Mediator.Tell(new Subscribe(AccountEntity.EssTopic(Account), probe.Ref), probe.Ref);
        probe.ExpectMsg<SubscribeAck>(Timeout);
        await Settle(10, Trade("small-loss", 2, -100));

        var triggered = await _node.Accounts.Ask<EssStatus>(new TriggerEmergency(Account, "exchange outage", DateTimeOffset.UtcNow), Timeout);
        Assert.Equal((EssMode.Emergency, false, true), (triggered.Mode, triggered.TradingEnabled, triggered.ManualLatch));
        var published = probe.ExpectMsg<EmergencyTriggered>(Timeout);
        Assert.Equal((H(10), true, "manual trigger: exchange outage", -1.0), (published.Time, published.Manual, published.Reason, published.Drawdown));

        var stillLatched = await Settle(30, Trade("big-win", 29, 500));
        Assert.Equal(EssMode.Emergency, stillLatched.Mode);

        await _node.CrashAndStart();
        Assert.True((await Status()).ManualLatch);

        var reset = await _node.Accounts.Ask<EssStatus>(new ResetEmergency(Account, "venue back", DateTimeOffset.UtcNow), Timeout);
        Assert.Equal((EssMode.Normal, true, false), (reset.Mode, reset.TradingEnabled, reset.ManualLatch));
        var journaled = await Journaled();
        Assert.Equal(["manual trigger: exchange outage", "manual reset: venue back"], journaled.Select(e => e.Reason));
        Assert.All(journaled, e => Assert.True(e.Manual));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _node.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
