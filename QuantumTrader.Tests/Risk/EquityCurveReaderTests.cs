using QuantumTrader.Models.Risk;

namespace QuantumTrader.Tests.Risk;

public class EquityCurveReaderTests
{
    private static IReadOnlyList<EquityPoint> Parse(string text) => EquityCurveReader.Parse(new StringReader(text), "curve.csv");

    private static EquityCurveFormatException Bad(string text) => Assert.Throws<EquityCurveFormatException>(() => Parse(text));

    [Fact]
    public void Reads_iso_times_with_or_without_offsets()
    {
        var points = Parse("""
            time,equity
            2024-03-01T00:00:00Z,1000
            2024-03-01T03:30:00+02:00,995.5

            2024-03-01T02:00:00.250Z,1e3
            2024-03-01 03:00:00,990
            2024-03-02,980
            """);

        Assert.Equal(5, points.Count);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), points[0].Time);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 1, 30, 0, TimeSpan.Zero), points[1].Time.ToUniversalTime());
        Assert.Equal(995.5, points[1].Equity);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 2, 0, 0, 250, TimeSpan.Zero), points[2].Time);
        Assert.Equal(1000, points[2].Equity);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 3, 0, 0, TimeSpan.Zero), points[3].Time);
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero), points[4].Time);
    }

    [Fact]
    public void Header_is_case_and_space_insensitive_and_a_bom_is_ignored()
    {
        var points = Parse("\uFEFF Time , Equity \n2024-03-01T00:00:00Z,1000\n");
        Assert.Equal(1000, Assert.Single(points).Equity);
    }

    [Fact]
    public void Every_bad_row_is_reported_with_file_line_field_and_reason()
    {
        var ex = Bad("""
            time,equity
            2024-03-01T00:00:00Z,1000
            yesterday,990
            2024-03-01T02:00:00Z,abc
            2024-03-01T01:00:00Z,-5
            2024-03-01T04:00:00Z,990,extra
            2024-03-01T05:00:00Z,NaN
            """);

        Assert.Equal(
        [
            "curve.csv:3: time: not an ISO-8601 time: 'yesterday'",
            "curve.csv:4: equity: not a number: 'abc'",
            "curve.csv:5: time: 2024-03-01T01:00:00.0000000+00:00 is not after the previous row's 2024-03-01T02:00:00.0000000+00:00",
            "curve.csv:5: equity: must be a finite number >= 0: '-5'",
            "curve.csv:6: row: expected 2 columns but found 3",
            "curve.csv:7: equity: must be a finite number >= 0: 'NaN'",
        ], ex.Errors.Select(e => e.ToString()));
        Assert.StartsWith("6 error(s) in equity curve:", ex.Message);
        Assert.Contains("curve.csv:4: equity: not a number: 'abc'", ex.Message);
    }

    [Fact]
    public void A_repeated_time_is_refused()
    {
        var ex = Bad("time,equity\n2024-03-01T00:00:00Z,1000\n2024-03-01T00:00:00Z,999\n");
        var e = Assert.Single(ex.Errors);
        Assert.Equal(("curve.csv", 3, "time"), (e.File, e.Line, e.Field));
    }

    [Fact]
    public void The_marked_equity_of_a_report_reads_as_a_curve_with_rows_that_share_a_time()
    {
        var points = Parse(EquityCurveReader.MarkedEquityHeader + "\n" +
            "paper,2024-03-01T00:00:00Z,10000,10000,0,NORMAL\n" +
            "paper,2024-03-01T00:00:00Z,9950.5,10000,-0.495,NORMAL\n" +
            "paper,2024-03-01T01:00:00Z,9700,10000,-3,CAUTIOUS\n");
        Assert.Equal([10_000, 9_950.5, 9_700], points.Select(p => p.Equity));
        Assert.Equal(points[0].Time, points[1].Time);
    }

    [Fact]
    public void A_marked_equity_file_of_two_accounts_or_going_back_in_time_is_refused_row_by_row()
    {
        var ex = Bad(EquityCurveReader.MarkedEquityHeader + "\n" +
            "paper,2024-03-01T01:00:00Z,10000,10000,0,NORMAL\n" +
            "live,2024-03-01T02:00:00Z,9900,10000,-1,NORMAL\n" +
            "paper,2024-03-01T00:00:00Z,9800,10000,-2,CAUTIOUS\n" +
            "paper,2024-03-01T03:00:00Z,x,10000,-2,CAUTIOUS\n" +
            "paper,2024-03-01T04:00:00Z,9800\n");
        Assert.Equal(
        [
            "curve.csv:3: account: 'live' after 'paper': the file holds more than one account; give one account's rows",
            "curve.csv:4: time: 2024-03-01T00:00:00.0000000+00:00 is not after the previous row's 2024-03-01T02:00:00.0000000+00:00",
            "curve.csv:5: marked_equity: not a number: 'x'",
            "curve.csv:6: row: expected 6 columns but found 3",
        ], ex.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Wrong_header_empty_file_and_no_rows_are_refused()
    {
        Assert.Equal("curve.csv:1: header: expected time,equity (or account,time,marked_equity,peak_equity,drawdown_pct,mode) but found date,close", Assert.Single(Bad("date,close\n2024-03-01,1\n").Errors).ToString());
        Assert.Equal("curve.csv:1: header: file is empty; expected header time,equity", Assert.Single(Bad("").Errors).ToString());
        Assert.Equal("curve.csv:2: row: no data rows after the header", Assert.Single(Bad("time,equity\n\n").Errors).ToString());
    }

    [Fact]
    public void Read_names_the_file_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"equity-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "time,equity\n2024-03-01T00:00:00Z,1000\n2024-03-01T01:00:00Z,x\n");
        try
        {
            var ex = Assert.Throws<EquityCurveFormatException>(() => EquityCurveReader.Read(path));
            Assert.Equal(path, Assert.Single(ex.Errors).File);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
