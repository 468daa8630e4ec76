using System.Globalization;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Execution;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The closed-trade ledger of --trades-out: one row per trade in exit order, with the ensemble's verdict and every
/// model slot's vote, so the drift verb and a spreadsheet can both read it.
/// </summary>
public static class TradeCsv
{
    public static readonly string[] Header =
    [
        "trade_id", "symbol", "side", "entry_time", "entry_price", "exit_time", "exit_price", "quantity", "fees", "pnl",
        "r_multiple", "exit_reason", "model", "ensemble_confidence", "agreement", "filter_verdict",
        .. ModelSlots.All.Select(s => "vote_" + s),
    ];

    public static void Write(string path, IEnumerable<ClosedTrade> trades)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var w = new StreamWriter(path);
        w.WriteLine(string.Join(',', Header));
        foreach (var t in trades)
        {
            var d = t.Decision;
            var votes = ModelSlots.All.Select(slot => d.Ensemble.Votes.FirstOrDefault(v => v.ModelId == slot) is { } v
                ? $"{v.Action.ToString().ToUpperInvariant()}:{N(v.Confidence)}"
                : "");
            w.WriteLine(string.Join(',', [
                t.TradeId, t.Symbol, t.Side.ToString().ToLowerInvariant(), T(t.EntryTime), N(t.EntryPrice), T(t.ExitTime), N(t.ExitPrice),
                N(t.Quantity), N(t.Fees), N(t.Pnl), N(t.RMultiple), t.ExitReason, "ensemble", N(d.Ensemble.Confidence), N(d.Ensemble.Agreement),
                d.Filter.Verdict.ToString(), .. votes,
            ]));
        }
    }

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
