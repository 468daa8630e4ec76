using QuantumTrader.Models.Execution;

namespace QuantumTrader.Models.Trading;

public sealed record LedgerSummary(int Trades, double NetPnl, double WinRate, double AverageR, double Sharpe, double MaxDrawdownPercent, double FinalEquity);

/// <summary>
/// The account's closed trades in exit order, each once. Sizing asks for the equity before a bar's time: only trades
/// that exited strictly earlier count, which makes the figure the same whether the run was interrupted or not.
/// </summary>
public sealed class TradeLedger(double startingEquity)
{
    private readonly List<ClosedTrade> _trades = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private double[] _prefix = [0];
    private double[] _peak = [0];
    private bool _dirty;

    public double StartingEquity { get; } = startingEquity;

    public IReadOnlyList<ClosedTrade> Trades => _trades;

    public int Count => _trades.Count;

    public bool Add(ClosedTrade trade)
    {
        if (!_ids.Add(trade.TradeId)) return false;
        var i = _trades.BinarySearch(trade, Order.Instance);
        _trades.Insert(i < 0 ? ~i : i, trade);
        _dirty = true;
        return true;
    }

    public double EquityBefore(DateTimeOffset time) => StartingEquity + _prefix[CountBefore(time)];

    /// <summary>Equity and its running peak from the trades that exited strictly before <paramref name="time"/>.</summary>
    public PortfolioView ViewBefore(DateTimeOffset time)
    {
        var n = CountBefore(time);
        return PortfolioView.Of(StartingEquity + _prefix[n]) with { PeakEquity = StartingEquity + _peak[n] };
    }

    private int CountBefore(DateTimeOffset time)
    {
        if (_dirty)
        {
            _prefix = new double[_trades.Count + 1];
            _peak = new double[_trades.Count + 1];
            for (var i = 0; i < _trades.Count; i++)
            {
                _prefix[i + 1] = _prefix[i] + _trades[i].Pnl;
                _peak[i + 1] = Math.Max(_peak[i], _prefix[i + 1]);
            }
            _dirty = false;
        }
        int lo = 0, hi = _trades.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_trades[mid].ExitTime < time) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Sharpe is per trade: mean over standard deviation of each trade's return on the equity it started from.</summary>
    public LedgerSummary Summarize()
    {
        var equity = StartingEquity;
        var peak = equity;
        var maxDrawdown = 0.0;
        var returns = new List<double>(_trades.Count);
        foreach (var t in _trades)
        {
            returns.Add(equity > 0 ? t.Pnl / equity : 0);
            equity += t.Pnl;
            peak = Math.Max(peak, equity);
            maxDrawdown = Math.Min(maxDrawdown, Drawdown.Percent(equity, peak));
        }
        var n = _trades.Count;
        var wins = _trades.Count(t => t.Pnl > 0);
        var mean = n == 0 ? 0 : returns.Average();
        var std = n < 2 ? 0 : Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (n - 1));
        return new LedgerSummary(
            n, equity - StartingEquity, n == 0 ? 0 : wins / (double)n, n == 0 ? 0 : _trades.Average(t => t.RMultiple),
            std > 0 ? mean / std : 0, maxDrawdown, equity);
    }

    private sealed class Order : IComparer<ClosedTrade>
    {
        public static readonly Order Instance = new();

        public int Compare(ClosedTrade? x, ClosedTrade? y)
        {
            var c = x!.ExitTime.CompareTo(y!.ExitTime);
            return c != 0 ? c : string.CompareOrdinal(x.TradeId, y.TradeId);
        }
    }
}
