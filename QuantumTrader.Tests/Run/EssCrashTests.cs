using Akka.Actor;
using QuantumTrader.Actors.Hosting;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;
using QuantumTrader.Models.Trading;
using QuantumTrader.Models.Validation;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>
/// The replay driver, a node with the risk gate and the account's emergency stop, through a synthetic crash: injected
/// losses send the account to EMERGENCY, the open position is closed at the next open, new entries are refused with the
/// reason, and injected gains bring it back to NORMAL stage by stage, after which trading resumes.
/// </summary>
public sealed class EssCrashTests : IAsyncLifetime
{
    private const string Symbol = "TEST";
    private const string Hedge = "HEDGE";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly ClosedTrade Sample = SymbolTimeline.Run().Events.OfType<TradeClosed>().First().Trade;
    private readonly List<Bar> _bars = SyntheticBars.Make(Symbol, 90);
    private NodeFixture _node = null!;
    private AccountDriver _driver = null!;
    private readonly EssHandover _handover = new();
    private readonly List<string> _modes = [];

    public async Task InitializeAsync()
    {
        var buys = new[] { 40, 50, 60, 80 }.Select(i => _bars[i].Time).ToHashSet();
        var vote = (string slot) => new ScriptedPredictor(slot, i => new Prediction(slot, buys.Contains(i.Features.Time) ? TradeAction.Buy : TradeAction.Hold, 0.9));
        _node = new NodeFixture([vote(ModelSlots.Xgb), vote(ModelSlots.Lgbm)], services: s => s.WithRiskGate(new KnownSymbols([Symbol, Hedge])));
        _handover.Open();
        _driver = await AccountDriver.StartAsync(_node.System, _node.Accounts, "paper", new AccountBook(new TradeLedger(10_000)), _handover, [], CancellationToken.None);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private DateTimeOffset T(int bar) => _bars[bar].Time;

    /// <summary>A closed trade in another instrument: the injected equity change, visible from the next bar on.</summary>
    private void Inject(int bar, double pnl) =>
        _driver.Record(Sample with { TradeId = BrokerState.TradeIdFor(Hedge, T(bar)), Symbol = Hedge, EntryTime = T(bar), ExitTime = T(bar), Pnl = pnl });

    /// <summary>The symbol's journal once its background writes landed (a bar is answered before its events are durable).</summary>
    private async Task<List<object>> Journaled()
    {
        await _node.Symbols.Ask<SymbolFlushed>(new FlushSymbol(Symbol), Timeout);
        return await JournalReader.Events(_node.System, EntityIds.Symbol(Symbol));
    }

    private async Task Send(int bar)
    {
        var view = await _driver.ViewBeforeAsync(T(bar));
        _modes.Add(view.EssMode);
        _driver.Record(await _node.Symbols.Ask<BarProcessed>(new ProcessBar(Symbol, bar + 1, _bars[bar], view, true), Timeout));
    }

    [Fact]
    public async Task A_crash_walks_through_emergency_closes_the_position_refuses_entries_and_recovers_to_normal()
    {
        for (var i = 0; i < _bars.Count; i++)
        {
            await Send(i);
            if (i == 40) Inject(i, -1_500);
            if (i == 52) Inject(i, 1_600);
            if (i is > 52 and <= 75) Inject(i, 1);
        }
        var ess = await _driver.FinishAsync(T(_bars.Count - 1));

        Assert.Equal(
            [(T(40), "NORMAL", "EMERGENCY"), (T(58), "EMERGENCY", "PROTECTIVE"), (T(64), "PROTECTIVE", "CAUTIOUS"), (T(70), "CAUTIOUS", "NORMAL")],
            ess.Transitions.Select(t => (t.Time, t.From.Label(), t.To.Label())));
        Assert.Equal(-15.0, ess.Transitions[0].Drawdown, 9);
        Assert.Equal(["EMERGENCY", "PROTECTIVE", "CAUTIOUS", "NORMAL"],
            new[] { 41, 59, 65, 71 }.Select(i => _modes[i]));
        Assert.Equal("EMERGENCY", _modes[58]);
        Assert.All(_modes.Take(41), m => Assert.Equal("NORMAL", m));

        // The long opened at bar 41's open was closed by the emergency stop at bar 42's open.
        var closed = _driver.Book.Ledger.Trades.Where(t => t.Symbol == Symbol).ToList();
        Assert.Equal((T(41), T(42), FillReasons.EmergencyStop), (closed[0].EntryTime, closed[0].ExitTime, closed[0].ExitReason));

        var journal = await Journaled();
        var refused = Assert.Single(journal.OfType<SignalRejected>());
        Assert.Equal((T(50), RejectionStages.RiskGate), (refused.Time, refused.Stage));
        Assert.StartsWith("EMERGENCY mode blocks every new entry", refused.Reason);

        // Recovery is staged: PROTECTIVE lets the buy at bar 60 in at its 100 USD cap, NORMAL the one at bar 80 at 500 USD.
        var opened = journal.OfType<OrderPlaced>().Where(p => p.Order.Purpose == OrderPurpose.Open).ToDictionary(p => p.Time);
        Assert.Equal([T(40), T(60), T(80)], opened.Keys);
        Assert.Equal(100, opened[T(60)].Order.Quantity * _bars[60].Close, 3);
        Assert.Equal(500, opened[T(80)].Order.Quantity * _bars[80].Close, 3);

        var rows = ess.Transitions.Select(RiskReport.Row).ToArray();
        Assert.Equal(("NORMAL", "EMERGENCY", false), (rows[0].From, rows[0].To, rows[0].TradingEnabled));
    }

    [Fact]
    public async Task A_manual_trigger_stops_new_orders_until_the_reset()
    {
        for (var i = 0; i < 45; i++) await Send(i);
        await _node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", DateTimeOffset.UtcNow), Timeout);
        await Until(() => _driver.ChangeAnnounced);
        for (var i = 45; i < 55; i++) await Send(i);
        await _node.Accounts.Ask<EssStatus>(new ResetEmergency("paper", "venue back", DateTimeOffset.UtcNow), Timeout);
        await Until(() => _driver.ChangeAnnounced);
        for (var i = 55; i < _bars.Count; i++) await Send(i);

        Assert.All(_modes.Skip(45).Take(10), m => Assert.Equal("EMERGENCY", m));
        Assert.All(_modes.Skip(55), m => Assert.Equal("NORMAL", m));
        var journal = await Journaled();
        var refused = Assert.Single(journal.OfType<SignalRejected>());
        Assert.Equal(T(50), refused.Time);
        Assert.StartsWith("EMERGENCY mode blocks every new entry", refused.Reason);
        Assert.Contains(journal.OfType<OrderPlaced>(), p => p.Order.Purpose == OrderPurpose.Open && p.Time == T(60));
    }

    [Fact]
    public async Task A_trigger_given_while_bars_are_decided_reaches_the_next_bar_and_is_journaled_one_tick_before_it()
    {
        for (var i = 0; i < 45; i++) await Send(i);
        var trigger = _handover.TryHandOver(new TriggerEmergency("paper", "exchange outage", DateTimeOffset.UtcNow))!;
        Assert.False(trigger.IsCompleted, "answered before the driver reached a bar");
        for (var i = 45; i < 55; i++) await Send(i);
        var triggered = await trigger.WaitAsync(Timeout);
        var reset = _handover.TryHandOver(new ResetEmergency("paper", "venue back", DateTimeOffset.UtcNow))!;
        for (var i = 55; i < _bars.Count; i++) await Send(i);
        await reset.WaitAsync(Timeout);

        Assert.All(_modes.Take(45), m => Assert.Equal("NORMAL", m));
        Assert.All(_modes.Skip(45).Take(10), m => Assert.Equal("EMERGENCY", m));
        Assert.All(_modes.Skip(55), m => Assert.Equal("NORMAL", m));
        Assert.Equal(T(45).AddTicks(-1), triggered.Transitions[^1].Time);
        var account = await JournalReader.Events(_node.System, EntityIds.Account("paper"));
        Assert.Equal([T(45).AddTicks(-1)], account.OfType<EssManualTrigger>().Select(e => e.Time));
        Assert.Equal([T(55).AddTicks(-1)], account.OfType<EssManualReset>().Select(e => e.Time));
        // Once the start has decided its bars, a command goes to the account directly.
        Assert.Empty(_handover.Close());
        Assert.Null(_handover.TryHandOver(new TriggerEmergency("paper", "after the start", DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task A_reset_given_while_a_resumed_start_goes_through_bars_decided_before_it_waits_for_the_first_bar_after_them_and_their_marks()
    {
        // EMERGENCY is latched, and a position open from bar 15 loses 3% from bar 20: while latched its marks change no
        // mode, so they wait in the driver. The last start decided the bars up to 30.
        var hedge = Enumerable.Range(0, _bars.Count).Select(i => i < 20 ? 100.0 : 97).Select((c, i) => new Bar(Hedge, T(i), c, c, c, c, 1)).ToArray();
        _driver.Book.Open(new PositionOpened(BrokerState.TradeIdFor(Hedge, T(15)), Hedge, T(15), 10_000, 100, 0));
        _driver.ObserveBars(Enumerable.Range(0, _bars.Count).SelectMany(i => new[] { _bars[i], hedge[i] }).ToArray());
        _driver.Resumes(T(30));
        await _node.Accounts.Ask<EssStatus>(new TriggerEmergency("paper", "exchange outage", DateTimeOffset.UtcNow, T(0).AddTicks(-1)), Timeout);
        for (var i = 0; i < 10; i++) await Send(i);

        var reset = _handover.TryHandOver(new ResetEmergency("paper", "venue back", DateTimeOffset.UtcNow))!;
        // A batch planned while it waits ends at the position's entry, a known change, or else at the last bar decided before this start.
        Assert.Equal(T(15), _driver.NextKnownChange(T(10)));
        Assert.Equal(T(30), _driver.NextKnownChange(T(16)));
        for (var i = 10; i <= 30; i++) await Send(i);
        Assert.False(reset.IsCompleted);
        Assert.All(_modes, m => Assert.Equal("EMERGENCY", m));

        Assert.Equal(T(31), _driver.NextKnownChange(T(31)));
        await Send(31);
        var status = await reset.WaitAsync(Timeout);

        // The marks of bars 15 to 30 reached the account before the reset, as a replay hands them over, so it resumes in CAUTIOUS.
        var last = status.Transitions[^1];
        Assert.Equal((T(31).AddTicks(-1), "EMERGENCY", "CAUTIOUS"), (last.Time, last.From.Label(), last.To.Label()));
        Assert.Equal(-3.0, last.Drawdown, 9);
        Assert.Equal("CAUTIOUS", _modes[31]);
        var account = await JournalReader.Events(_node.System, EntityIds.Account("paper"));
        Assert.Equal([T(31).AddTicks(-1)], account.OfType<EssManualReset>().Select(e => e.Time));
    }

    [Fact]
    public async Task An_open_loss_marked_at_the_closes_tightens_the_mode_before_its_trade_closes_and_ends_the_batch_there()
    {
        // A 10,000 USD long in another instrument from bar 20 at 100; its close falls to 97.5 at bar 30 and to 95 at bar 35
        // (-2.5% and -5% of the 10,000 equity while open), and the trade closes at bar 45 for -500.
        double HedgeClose(int i) => i < 30 ? 100 : i < 35 ? 97.5 : 95;
        var hedge = Enumerable.Range(0, _bars.Count).Select(i => new Bar(Hedge, T(i), HedgeClose(i), HedgeClose(i), HedgeClose(i), HedgeClose(i), 1)).ToArray();
        var hedgeId = BrokerState.TradeIdFor(Hedge, T(20));
        _driver.Book.Open(new PositionOpened(hedgeId, Hedge, T(20), 10_000, 100, 0));
        _driver.ObserveBars(Enumerable.Range(0, 60).SelectMany(i => new[] { _bars[i], hedge[i] }).ToArray());

        // Planning the batch from bar 25 with the bars ahead: it must end at bar 30, whose mark changes the mode.
        Assert.Equal(T(30), _driver.NextKnownChange(T(25)));

        for (var i = 0; i < 60; i++)
        {
            await Send(i);
            if (i == 45) _driver.Record(Sample with { TradeId = hedgeId, Symbol = Hedge, EntryTime = T(20), ExitTime = T(45), Pnl = -500 });
        }
        var ess = await _driver.FinishAsync(T(59));

        Assert.Equal([(T(30), "NORMAL", "CAUTIOUS"), (T(35), "CAUTIOUS", "PROTECTIVE")],
            ess.Transitions.Select(t => (t.Time, t.From.Label(), t.To.Label())));
        Assert.Equal(-2.5, ess.Transitions[0].Drawdown, 9);
        Assert.Equal(-5.0, ess.Transitions[1].Drawdown, 9);
        Assert.All(_modes.Take(31), m => Assert.Equal("NORMAL", m));
        Assert.Equal(["CAUTIOUS", "CAUTIOUS", "PROTECTIVE", "PROTECTIVE"], new[] { 31, 35, 36, 59 }.Select(i => _modes[i]));

        // The marks are journaled with the settlements, each once, so the account rebuilds the same path. Settlements are
        // written in the background: the last one, at the last bar, is in the journal once every one before it is.
        List<object> account = [];
        await Until(async () => (account = await JournalReader.Events(_node.System, EntityIds.Account("paper"))).OfType<EssTradesSettled>().Any(b => b.AsOf == T(59)));
        var marks = account.OfType<EssTradesSettled>().SelectMany(b => b.Marks).ToArray();
        Assert.Equal(marks.Select(m => m.Time).Distinct().Count(), marks.Length);
        Assert.Equal(-500, marks.Single(m => m.Time == T(35)).OpenPnl, 9);
        Assert.Equal(T(59), ess.MarkedBefore);
    }

    [Fact]
    public async Task A_reset_sees_the_marks_before_it_so_the_account_resumes_in_the_mode_its_marked_drawdown_selects()
    {
        // While EMERGENCY is latched the open position's loss of 3% changes no mode, so its marks wait in the driver.
        var hedge = Enumerable.Range(0, _bars.Count).Select(i => i < 30 ? 100.0 : 97).Select((c, i) => new Bar(Hedge, T(i), c, c, c, c, 1)).ToArray();
        _driver.Book.Open(new PositionOpened(BrokerState.TradeIdFor(Hedge, T(20)), Hedge, T(20), 10_000, 100, 0));
        _driver.ObserveBars(Enumerable.Range(0, _bars.Count).SelectMany(i => new[] { _bars[i], hedge[i] }).ToArray());
        for (var i = 0; i < 25; i++) await Send(i);
        var trigger = _handover.TryHandOver(new TriggerEmergency("paper", "exchange outage", DateTimeOffset.UtcNow))!;
        for (var i = 25; i < 40; i++) await Send(i);
        await trigger.WaitAsync(Timeout);
        var reset = _handover.TryHandOver(new ResetEmergency("paper", "venue back", DateTimeOffset.UtcNow))!;
        await Send(40);
        var status = await reset.WaitAsync(Timeout);

        // The marks went to the account before the reset, so it resumes in CAUTIOUS, not NORMAL first.
        var last = status.Transitions[^1];
        Assert.Equal((T(40).AddTicks(-1), "EMERGENCY", "CAUTIOUS"), (last.Time, last.From.Label(), last.To.Label()));
        Assert.Equal(-3.0, last.Drawdown, 9);
        Assert.Equal(2, status.Transitions.Count);
        Assert.Equal("CAUTIOUS", _modes[40]);
    }

    [Fact]
    public async Task A_command_that_comes_after_its_batch_was_planned_waits_for_the_next_batch_planned_as_one_time()
    {
        _driver.ObserveBars(_bars);
        for (var i = 0; i < 25; i++) await Send(i);
        Assert.Null(_driver.NextKnownChange(T(25)));
        var trigger = _handover.TryHandOver(new TriggerEmergency("paper", "exchange outage", DateTimeOffset.UtcNow))!;

        // Bars a mark could change the mode at after the command may be in the batch planned without it.
        Assert.Equal("NORMAL", (await _driver.ViewBeforeAsync(T(25))).EssMode);
        Assert.False(trigger.IsCompleted);

        Assert.Equal(T(26), _driver.NextKnownChange(T(26)));
        Assert.Equal("EMERGENCY", (await _driver.ViewBeforeAsync(T(26))).EssMode);
        Assert.Equal(T(26).AddTicks(-1), (await trigger.WaitAsync(Timeout)).Transitions[^1].Time);
    }

    /// <summary>Waits for the account's announcement to reach the driver (a message in flight, not a timing assertion).</summary>
    private static Task Until(Func<bool> condition) => Until(() => Task.FromResult(condition()), "the account's mode change never reached the driver");

    private static async Task Until(Func<Task<bool>> condition, string failure = "the account's last settlement never reached the journal")
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(10);
        }
    }
}
