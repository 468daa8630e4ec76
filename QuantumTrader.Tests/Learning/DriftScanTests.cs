using System.Text.Json;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Tests.Learning;

public class DriftScanTests
{
    private static IReadOnlyList<TradeOutcome> Parse(string csv, string file = "trades.csv") =>
        TradeLedgerReader.Read(new StringReader(csv), file);

    [Fact]
    public void Reads_the_drift_csv_with_model_column()
    {
        var trades = Parse("time,model,r_multiple\n2025-12-03T14:30:00Z,xgb,1.5\n\n2025-12-03T15:00:00+01:00,lgbm,-1\n");

        Assert.Equal(2, trades.Count);
        Assert.Equal(new TradeOutcome(new DateTimeOffset(2025, 12, 3, 14, 30, 0, TimeSpan.Zero), "xgb", 1.5), trades[0]);
        Assert.Equal(new DateTimeOffset(2025, 12, 3, 14, 0, 0, TimeSpan.Zero), trades[1].Time.ToUniversalTime());
        Assert.Equal(-1.0, trades[1].RMultiple);
    }

    [Fact]
    public void Reads_a_run_ledger_by_exit_time_and_files_rows_without_model_under_ensemble()
    {
        const string ledger = "symbol,entry_time,exit_time,side,pnl,r_multiple,note\n"
            + "BTCUSDT,2025-01-01T00:00:00Z,2025-01-01T04:00:00Z,Buy,12.5,0.8,\"tp, trailing\"\n"
            + "BTCUSDT,2025-01-01T05:00:00Z,2025-01-01T06:00:00,Sell,-10,-1.0,\"said \"\"stop\"\"\"\n";

        var trades = Parse(ledger);

        Assert.Equal(2, trades.Count);
        Assert.All(trades, t => Assert.Equal(TradeLedgerReader.DefaultModel, t.ModelId));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 4, 0, 0, TimeSpan.Zero), trades[0].Time);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 6, 0, 0, TimeSpan.Zero), trades[1].Time);
        Assert.Equal([0.8, -1.0], trades.Select(t => t.RMultiple));
    }

    [Theory]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z,xgb,1\n12/03/2025,xgb,1\n", 3, "time", "'12/03/2025' is not an ISO-8601 time")]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z,xgb,abc\n", 2, "r_multiple", "'abc' is not a finite number")]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z,xgb,NaN\n", 2, "r_multiple", "'NaN' is not a finite number")]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z, ,1\n", 2, "model", "is empty")]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z,xgb\n", 2, "row", "has 2 fields, the header has 3")]
    [InlineData("time,model,r_multiple\n2025-01-01T00:00:00Z,\"xgb,1\n", 2, "row", "a quoted field is not closed")]
    [InlineData("time,model,pnl\n2025-01-01T00:00:00Z,xgb,1\n", 1, "header", "no 'r_multiple' column")]
    [InlineData("when,model,r_multiple\n", 1, "header", "no time column: expected 'time' or 'exit_time'")]
    [InlineData("", 1, "header", "the file is empty; expected a header with time or exit_time, model and r_multiple")]
    public void Bad_rows_name_file_line_field_and_reason(string csv, int line, string field, string reason)
    {
        var e = Assert.Throws<TradeLedgerException>(() => Parse(csv, "ledger.csv"));

        Assert.Equal(("ledger.csv", line, field, reason), (e.File, e.Line, e.Field, e.Reason));
        Assert.Equal($"ledger.csv:{line}: field '{field}': {reason}", e.Message);
    }

    [Fact]
    public void Reading_a_file_names_its_path_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "exit_time,r_multiple\n2025-01-01T00:00:00Z,0.5\n2025-01-01T01:00:00Z,\n");
        try
        {
            var e = Assert.Throws<TradeLedgerException>(() => TradeLedgerReader.ReadFile(path));
            Assert.Equal($"{path}:3: field 'r_multiple': '' is not a finite number", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Scan_reports_each_alarm_with_the_index_among_that_models_trades()
    {
        var t0 = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new (string Model, double R)[]
        {
            ("a", 1), ("b", 0.5), ("a", -1), ("b", -1), ("a", 1), ("b", -1), ("a", -1), ("b", -0.5), ("a", 1),
        };
        var trades = rows.Select((row, i) => new TradeOutcome(t0.AddHours(i), row.Model, row.R)).ToArray();

        var alarms = DriftScan.Run(trades);

        var alarm = Assert.Single(alarms);
        Assert.Equal((DriftDetectorNames.ConsecutiveLosses, "b", 3L, t0.AddHours(7), DriftSeverity.Warning),
            (alarm.Detector, alarm.Model, alarm.Index, alarm.Time, alarm.Severity));

        using var json = JsonDocument.Parse(DriftScan.ToJson(alarms));
        var item = Assert.Single(json.RootElement.GetProperty("alarms").EnumerateArray().ToArray());
        Assert.Equal("consecutive-losses", item.GetProperty("detector").GetString());
        Assert.Equal("b", item.GetProperty("model").GetString());
        Assert.Equal(3, item.GetProperty("index").GetInt32());
        Assert.Equal(t0.AddHours(7), item.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public void Scan_flags_a_collapse_in_mean_r_as_drift_from_the_statistical_detectors()
    {
        var t0 = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var healthy = Enumerable.Range(0, 300).Select(i => i % 3 == 2 ? -1.0 : 1.0);
        var broken = Enumerable.Range(0, 200).Select(i => i % 3 == 2 ? 1.0 : -1.0);
        var trades = healthy.Concat(broken).Select((r, i) => new TradeOutcome(t0.AddHours(i), "nhits", r)).ToArray();

        var drift = DriftScan.Run(trades).Where(a => a.Severity == DriftSeverity.Drift).ToArray();

        Assert.Equal([DriftDetectorNames.PageHinkley, DriftDetectorNames.Adwin], drift.Select(a => a.Detector));
        Assert.All(drift, a => Assert.InRange(a.Index, 300, 399));
    }
}
