using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Models.Trading;

/// <summary>What the cascade needs from outside the symbol to decide on one bar.</summary>
public sealed record BarContext(
    PortfolioView Portfolio, bool TradingEnabled, EnsembleWeights Weights, Func<ModelInput, IReadOnlyList<Prediction>> Predict,
    ISizingPolicy Sizing, IOrderGate Gate);

/// <summary>The rules of one symbol's cascade; all pure, shared by every symbol.</summary>
public sealed class SymbolRules(
    ExecutionOptions? execution = null,
    EnsembleVoterOptions? voter = null,
    SignalFilterOptions? filter = null,
    RegimeThresholds? regime = null,
    int recentCloses = SymbolRules.DefaultRecentCloses)
{
    /// <summary>Closes a symbol keeps for its models: enough for every forecaster's look-back.</summary>
    public const int DefaultRecentCloses = 256;

    public ExecutionOptions Execution { get; } = execution ?? new ExecutionOptions();
    public EnsembleVoter Voter { get; } = new(voter);
    public SignalQualityFilter Filter { get; } = new(filter);
    public RegimeClassifier Regime { get; } = new(regime);
    public int RecentCloses { get; } = recentCloses;
}

/// <summary>
/// One symbol's state. Features, recent closes and the bias guard follow from the bars alone; the broker, the regime
/// and the counters change only through <see cref="Apply"/> of journaled events, so replaying the journal restores them.
/// </summary>
public sealed record SymbolState(
    string Symbol,
    long LastSeq,
    FeatureCalculatorState Features,
    CloseWindow RecentCloses,
    MarketRegime? Regime,
    BiasGuardState Bias,
    BrokerState Broker,
    int TradesOpened,
    int TradesClosed,
    int SignalsRejected,
    double RealizedPnl)
{
    public static SymbolState Start(string symbol, SymbolRules rules, BiasGuardOptions? bias = null, double brokerEquity = 10_000) => new(
        symbol, 0, FeatureCalculator.InitialState(symbol), CloseWindow.Empty, null, BiasGuardState.Start(bias),
        BrokerState.Start(symbol, brokerEquity, rules.Execution), 0, 0, 0, 0);

    /// <summary>
    /// Runs bar <paramref name="seq"/> through the cascade. Returns the state with the bar-derived parts advanced
    /// (not yet the journaled parts) and the events this bar produces; the caller persists them and folds <see cref="Apply"/>.
    /// </summary>
    public (SymbolState Observed, IReadOnlyList<SymbolEvent> Events) Process(Bar bar, long seq, BarContext context, SymbolRules rules)
    {
        if (bar.Symbol != Symbol) throw new ArgumentException($"bar of {bar.Symbol} sent to symbol {Symbol}", nameof(bar));
        if (seq != LastSeq + 1) throw new ArgumentException($"{Symbol}: bar #{seq} arrived after #{LastSeq}; bars must come in order without gaps", nameof(seq));

        var events = new List<SymbolEvent>();
        var broker = Broker.OnBar(bar, out var brokerEvents);
        events.AddRange(brokerEvents.Select(e => ToSymbolEvent(e, seq, bar.Time)).OfType<SymbolEvent>());
        broker = EmergencyClose(broker, bar, seq, context.Portfolio, events);

        var (features, row, closes) = Observe(bar, rules);
        var observed = this with { LastSeq = seq, Features = features, RecentCloses = closes };
        if (!row.IsWarm) return (observed, events);

        var regime = rules.Regime.Classify(row);
        if (regime != Regime)
            events.Add(new RegimeChanged(Symbol, seq, bar.Time, Regime ?? regime, regime, row["atr_pct_14"], row["rv_20"], row["ret_5"]));
        if (!context.TradingEnabled) return (observed, events);

        var atrPct = row["atr_pct_14"];
        var predictions = context.Predict(new ModelInput(Symbol, row, closes));
        var decision = rules.Voter.Vote(predictions, context.Weights, atrPct);
        if (decision.Action == TradeAction.Hold) return (observed, events);

        var filter = rules.Filter.Evaluate(decision, atrPct);
        var (bias, nextBias) = Bias.Check(decision.Action);
        observed = observed with { Bias = nextBias };

        if (filter.Verdict == FilterVerdict.Skip)
        {
            events.Add(Rejected(seq, row, decision, filter, bias, RejectionStages.Filter, filter.Reason));
            return (observed, events);
        }
        if (!bias.Allowed)
        {
            events.Add(Rejected(seq, row, decision, filter, bias, RejectionStages.BiasGuard, bias.Reason));
            return (observed, events);
        }

        // A signal in the direction already held (or with an order in flight) is the normal case, not a decision to journal.
        var sameSide = decision.Action == TradeAction.Buy ? TradeSide.Long : TradeSide.Short;
        if (broker.Pending is not null || broker.Position?.Side == sameSide) return (observed, events);

        var opening = broker.Position is null;
        var sizing = opening
            ? context.Sizing.Size(new SizingInput(Symbol, bar.Time, context.Portfolio, bar.Close, row["atr_14"], atrPct, regime, decision, filter))
            : null;
        var record = TradeDecisionRecord.From(Symbol, row, decision, filter, bias, sizing);
        var quantity = sizing?.Quantity ?? broker.Position!.Quantity;
        var verdict = context.Gate.Check(new OrderProposal(Symbol, bar.Time, decision.Action, opening, quantity, bar.Close, decision.Confidence, regime, context.Portfolio));
        if (!verdict.Approved)
        {
            events.Add(new SignalRejected(Symbol, seq, bar.Time, decision.Action, RejectionStages.RiskGate, string.Join("; ", verdict.Reasons), record));
            return (observed, events);
        }
        if (sizing is not null && verdict.Quantity != sizing.Quantity) record = record with { Sizing = sizing with { Quantity = verdict.Quantity } };
        broker.Submit(new OrderIntent(Symbol, bar.Time, decision.Action, record), out var submitted);
        foreach (var e in submitted)
        {
            switch (e)
            {
                case OrderRejected rejected:
                    events.Add(new SignalRejected(Symbol, seq, bar.Time, decision.Action, RejectionStages.Broker, rejected.Reason, record));
                    break;
                default:
                    events.Add(ToSymbolEvent(e, seq, bar.Time)!);
                    break;
            }
        }
        return (observed, events);
    }

    /// <summary>The model input <see cref="Process"/> builds for <paramref name="bar"/>; null while the features are not warm.</summary>
    public ModelInput? InputFor(Bar bar, SymbolRules rules)
    {
        var (_, row, closes) = Observe(bar, rules);
        return row.IsWarm ? new ModelInput(Symbol, row, closes) : null;
    }

    /// <summary>What <paramref name="bar"/> does to the bar-derived state: the features after it, its feature row, the recent closes with it.</summary>
    private (FeatureCalculatorState Features, FeatureVector Row, CloseWindow Closes) Observe(Bar bar, SymbolRules rules)
    {
        var (features, row) = FeatureCalculator.Step(Features, bar);
        return (features, row, RecentCloses.Append(bar.Close, rules.RecentCloses));
    }

    public SymbolState Apply(SymbolEvent e) => e switch
    {
        OrderPlaced p => this with { Broker = Broker.Apply(new OrderAccepted(p.Order)) },
        FillExecuted f => this with
        {
            Broker = Broker.Apply(new Execution.OrderFilled(f.Fill)),
            TradesOpened = TradesOpened + (f.Fill.Reason == FillReasons.Entry ? 1 : 0),
        },
        TradeClosed t => this with
        {
            Broker = Broker.Apply(new PositionClosed(t.Trade)),
            TradesClosed = TradesClosed + 1,
            RealizedPnl = RealizedPnl + t.Trade.Pnl,
        },
        SignalRejected => this with { SignalsRejected = SignalsRejected + 1 },
        RegimeChanged r => this with { Regime = r.To },
        _ => throw new ArgumentException($"unknown symbol event {e.GetType().Name}", nameof(e)),
    };

    public SymbolState ApplyAll(IEnumerable<SymbolEvent> events) => events.Aggregate(this, (s, e) => s.Apply(e));

    private SymbolEvent? ToSymbolEvent(BrokerEvent e, long seq, DateTimeOffset time) => e switch
    {
        OrderAccepted a => new OrderPlaced(Symbol, seq, time, a.Order),
        Execution.OrderFilled f => new FillExecuted(Symbol, seq, time, f.Fill),
        PositionClosed c => new TradeClosed(Symbol, seq, time, c.Trade),
        _ => null,
    };

    /// <summary>EMERGENCY closes every position: a close order at this bar, filled at the next open, journaled like any order.</summary>
    private BrokerState EmergencyClose(BrokerState broker, Bar bar, long seq, PortfolioView portfolio, List<SymbolEvent> events)
    {
        if (portfolio.EssMode != EssMode.Emergency.Label() || broker.Position is not { } open || broker.Pending is not null) return broker;
        var close = open.Side == TradeSide.Long ? TradeAction.Sell : TradeAction.Buy;
        var next = broker.Submit(new OrderIntent(Symbol, bar.Time, close, open.Decision, FillReasons.EmergencyStop), out var submitted);
        events.AddRange(submitted.Select(e => ToSymbolEvent(e, seq, bar.Time)).OfType<SymbolEvent>());
        return next;
    }

    private SignalRejected Rejected(long seq, FeatureVector row, EnsembleDecision decision, FilterResult filter, BiasCheck bias, string stage, string reason) =>
        new(Symbol, seq, row.Time, decision.Action, stage, reason, TradeDecisionRecord.From(Symbol, row, decision, filter, bias, null));
}
