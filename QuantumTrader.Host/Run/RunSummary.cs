using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Run;

/// <summary>Weight is the model's effective share of the vote: its weight renormalised over the models served.</summary>
public sealed record ModelSummary(string Id, string Version, double Weight, int Trades, double WinRate, double AvgR, long Failures, long Timeouts);

public sealed record SymbolSummary(string Symbol, long Bars, int TradesOpened, int TradesClosed, int SignalsRejected, double RealizedPnl, string? Regime, bool PositionOpen);

public sealed record RejectedRow(string File, int Line, string Field, string Reason);

/// <summary>The run's result, printed as a table and written as JSON with --summary-json.</summary>
public sealed partial record RunSummary(
    long Bars,
    int RejectedRows,
    int TradesOpened,
    int TradesClosed,
    int OpenPositions,
    double NetPnl,
    double WinRate,
    double AvgR,
    double Sharpe,
    double MaxDrawdown,
    double FinalEquity,
    long EventsPersisted,
    long BarsReplayedFromJournal,
    long BarsAlreadyProcessed,
    int SignalsRejected,
    int Divergences,
    double ElapsedSeconds,
    double ReplaySeconds,
    double BarsPerSecond,
    IReadOnlyList<ModelSummary> Models,
    IReadOnlyList<SymbolSummary> Symbols,
    IReadOnlyList<RejectedRow> Rejected,
    SizingSummary? Sizing = null)
{
    /// <summary>CPU time the whole process spent during the replay (every thread): on a shared machine a steadier cost than the wall clock.</summary>
    public double ReplayCpuSeconds { get; init; }

    /// <summary>Time the garbage collector paused the process during the replay, and the memory the replay allocated.</summary>
    public double ReplayGcPauseSeconds { get; init; }
    public double ReplayAllocatedMegabytes { get; init; }

    /// <summary>Round trips of the replay to the symbols: batches of timestamps sent (<see cref="RunSettings.MaxBatch"/>).</summary>
    public long ReplayBatches { get; init; }

    /// <summary>Bars a symbol decided past the point where another symbol's bar changed the portfolio: dropped and decided again.</summary>
    public long BarsDecidedAgain { get; init; }

    /// <summary>Batches sent while the trades before them were still with the learning cascade, and decided again because those trades changed the weights, the served models or the emergency-stop mode.</summary>
    public long BatchesDecidedAgain { get; init; }

    /// <summary>The account's emergency-stop mode after the run (EMERGENCY, PROTECTIVE, CAUTIOUS or NORMAL).</summary>
    public string EssMode { get; init; } = "NORMAL";

    /// <summary>
    /// The deepest drawdown of the equity the emergency stop read (settled trades plus the open positions marked at each
    /// bar's close), percent, and when; <see cref="MaxDrawdown"/> is the ledger's, which sees only closed trades.
    /// </summary>
    public double MarkedMaxDrawdown { get; init; }
    public DateTimeOffset? MarkedMaxDrawdownAt { get; init; }

    /// <summary>Every ESS mode change of the account, in market time, as its journal holds them.</summary>
    public IReadOnlyList<EssTransitionRow> EssTransitions { get; init; } = [];

    /// <summary>Where a symbol's bars skip an interval in the data (each also reported as the run read it).</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];

    /// <summary>Refused signals per cascade stage (signal_filter, bias_guard, risk_gate, broker).</summary>
    public IReadOnlyDictionary<string, int> SignalsRejectedByStage { get; init; } = new Dictionary<string, int>();
}

public sealed record EssTransitionRow(DateTimeOffset Time, string From, string To, double Drawdown, bool TradingEnabled, bool Manual, string Reason);
