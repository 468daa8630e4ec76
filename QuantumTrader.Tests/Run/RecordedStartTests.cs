using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Run;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Run;

/// <summary>starts.jsonl: a line per start, a start killed while writing its line left out, a damaged line named.</summary>
public sealed class RecordedStartTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 22, 2, 0, 0, TimeSpan.Zero);

    private static RecordedStart Start(string state, int hours) =>
        new(RecordedRun.Of(new RunSettings { Data = ["data"], StateDirectory = state, Models = ["xgb"] }),
            new Dictionary<string, DateTimeOffset> { ["BTCUSDT"] = T0.AddHours(hours), ["ETHUSDT"] = T0.AddHours(hours + 24) });

    [Fact]
    public void Starts_read_back_in_order_without_a_line_a_killed_start_left_half_written()
    {
        using var dir = new TempDir();
        RecordedStart.Append(dir.Path, Start(dir.Path, 0));
        RecordedStart.Append(dir.Path, Start(dir.Path, 5));
        File.AppendAllText(RecordedStart.PathIn(dir.Path), "{\"settings\":{\"data\":[");

        var starts = RecordedStart.ReadAll(dir.Path);

        Assert.Equal([T0, T0.AddHours(5)], starts.Select(s => s.LastBars["BTCUSDT"]));
        Assert.True(starts[1].Job.Repeats(Start(dir.Path, 5).Job));
        Assert.False(starts[1].Job.Repeats(starts[0].Job));
        Assert.Equal(["xgb"], starts[0].Settings.Models);
    }

    [Fact]
    public void The_audit_lists_each_start_with_the_settings_it_changed_and_the_symbols_whose_data_lost_rows()
    {
        using var dir = new TempDir();
        var first = Start(dir.Path, 0);
        var fees = first with { Settings = first.Settings with { FeeBps = 12 }, StartedAt = T0.AddDays(2) };
        var shorter = fees with { LastBars = new Dictionary<string, DateTimeOffset> { ["BTCUSDT"] = T0.AddHours(30), ["ETHUSDT"] = T0 } };

        var rows = StartRow.Of([first, fees, shorter]);

        Assert.Equal([1, 2, 3], rows.Select(r => r.Number));
        Assert.Equal([[], ["feeBps"], []], rows.Select(r => r.Changed.ToArray()));
        Assert.Equal([[], [], ["ETHUSDT"]], rows.Select(r => r.LostRows.ToArray()));
        Assert.Equal((T0.AddHours(24), T0.AddDays(2)), (rows[1].LastBar, rows[1].StartedAt!.Value));
    }

    [Fact]
    public void A_damaged_line_is_refused_naming_the_file_and_line()
    {
        using var dir = new TempDir();
        RecordedStart.Append(dir.Path, Start(dir.Path, 0));
        File.AppendAllText(RecordedStart.PathIn(dir.Path), "{\"lastBars\":{}}\n");

        var refused = Assert.Throws<UsageException>(() => RecordedStart.ReadAll(dir.Path));

        Assert.StartsWith($"{RecordedStart.PathIn(dir.Path)}:2: ", refused.Message);
        Assert.Empty(RecordedStart.ReadAll(Path.Combine(dir.Path, "none")));
    }
}
