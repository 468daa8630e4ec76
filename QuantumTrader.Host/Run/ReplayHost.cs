using QuantumTrader.Actors.Replay;
using QuantumTrader.Actors.Risk;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Host.Run;

/// <summary>The run's side of the replay: the account's view and book, the learning cascade, retraining, sizing, the risk board and progress.</summary>
public sealed class ReplayHost(
    AccountDriver account, LearningDriver learning, SizingRun sizing, RetrainingDriver? retraining, RiskBoard risk, Action<long> progress,
    CancellationToken cancel) : IReplayHost
{
    /// <summary>Every bar of the batch is in the correlation before any of them is decided (decisions read it as of their time).</summary>
    public void BeforeBatch(IReadOnlyList<Bar> bars)
    {
        foreach (var bar in bars) risk.ObserveBar(bar);
        learning.BeforeBar(bars[0].Time);
        retraining?.BeforeBatch(bars[0].Time);
    }

    public DateTimeOffset? NextKnownChange(DateTimeOffset time, IReadOnlyList<Bar> ahead)
    {
        account.ObserveBars(ahead);
        return Earliest(Earliest(account.NextKnownChange(time), learning.NextWeightChange(time)), retraining?.NextServingChange(time));
    }

    public Task<PortfolioView> ViewBefore(DateTimeOffset time) => account.ViewBeforeAsync(time, cancel);

    public PortfolioView ViewFromBook(DateTimeOffset time) => account.ViewAsKnown(time);

    public string DecisionInputs(DateTimeOffset time) => learning.DecisionInputs(time);

    public IReadOnlyList<ClosedTrade> Record(IReadOnlyList<PositionOpened> opened, IReadOnlyList<ClosedTrade> closed)
    {
        foreach (var p in opened) account.Book.Open(p);
        return closed.Where(account.Book.Close).ToArray();
    }

    public bool DurableBeforeTrades => sizing.NeedsDurableTrades;

    public Task AfterTrades(IReadOnlyList<ClosedTrade> closed) =>
        Task.WhenAll(learning.AfterBarAsync(closed, cancel), sizing.AfterTrades(closed, cancel));

    public void Progress(long bars) => progress(bars);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
