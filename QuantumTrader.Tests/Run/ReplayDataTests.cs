using QuantumTrader.Host.Run;
using QuantumTrader.Models.Market;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

public sealed class ReplayDataTests
{
    private static void Write(string path, params string[] lines) => File.WriteAllText(path, "date,open,high,low,close,volume\n" + string.Join("\n", lines) + "\n");

    [Fact]
    public void Files_merge_in_time_order_and_an_overlap_across_files_is_rejected_with_file_and_line()
    {
        using var dir = new TempDir();
        Write(dir.File("AAA-1.csv"), "2021-01-01T00:00:00Z,1,2,1,2,10", "2021-01-01T02:00:00Z,2,3,2,3,10");
        Write(dir.File("AAA-2.csv"), "2021-01-01T02:00:00Z,9,9,9,9,1", "2021-01-01T03:00:00Z,3,4,3,4,10");
        Write(dir.File("BBB-1.csv"), "2021-01-01T01:00:00Z,5,6,5,6,10");
        var rejected = new List<BadRow>();

        var data = ReplayData.Load([dir.Path], DataFormat.Auto, BadRowPolicy.Skip, rejected.Add);

        Assert.Equal(["AAA", "BBB", "AAA", "AAA"], data.Bars.Select(b => b.Symbol));
        Assert.Equal([0, 1, 2, 3], data.Bars.Select(b => b.Time.Hour));
        var overlap = Assert.Single(rejected);
        Assert.EndsWith("AAA-2.csv", overlap.File);
        Assert.Equal(2, overlap.Line);
        Assert.Contains("overlaps AAA-1.csv", overlap.Reason);
    }

    [Fact]
    public void Under_stop_the_first_bad_row_ends_the_load()
    {
        using var dir = new TempDir();
        Write(dir.File("AAA.csv"), "2021-01-01T00:00:00Z,1,2,1,2,10", "2021-01-01T01:00:00Z,1,0.5,1,2,10");
        var ex = Assert.Throws<BadInputException>(() => ReplayData.Load([dir.Path], DataFormat.Auto, BadRowPolicy.Stop, _ => { }));
        Assert.Equal(3, ex.Row.Line);
        Assert.Contains("AAA.csv:3:", ex.Message);
    }
}
