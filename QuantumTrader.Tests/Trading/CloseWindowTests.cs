using System.Text.Json;
using QuantumTrader.Models.Trading;

namespace QuantumTrader.Tests.Trading;

public sealed class CloseWindowTests
{
    [Fact]
    public void Keeps_the_last_closes_oldest_first_and_every_earlier_window_stays_as_it_was()
    {
        var windows = new List<CloseWindow> { CloseWindow.Empty };
        for (var i = 1; i <= 100; i++) windows.Add(windows[^1].Append(i, keep: 5));

        Assert.Equal([96.0, 97, 98, 99, 100], windows[100]);
        Assert.Equal([1.0, 2, 3], windows[3]);
        Assert.Equal([46.0, 47, 48, 49, 50], windows[50]);
        Assert.Empty(CloseWindow.Empty);
        Assert.Throws<ArgumentOutOfRangeException>(() => windows[3][3]);
    }

    [Fact]
    public void A_window_appended_to_again_after_a_later_one_gives_the_right_closes_either_way()
    {
        var base10 = Enumerable.Range(1, 10).Aggregate(CloseWindow.Empty, (w, i) => w.Append(i, keep: 4));
        var ahead = base10.Append(11, 4).Append(12, 4);

        // Decided again with the same close: the same values; with another close: its own values, the later window untouched.
        Assert.Equal([8.0, 9, 10, 11], base10.Append(11, 4));
        Assert.Equal([8.0, 9, 10, 99], base10.Append(99, 4));
        Assert.Equal([9.0, 10, 11, 12], ahead);
    }

    [Fact]
    public void Reads_and_writes_json_as_a_plain_array()
    {
        var window = Enumerable.Range(1, 6).Aggregate(CloseWindow.Empty, (w, i) => w.Append(i * 1.5, keep: 4));
        var json = JsonSerializer.Serialize(window);
        Assert.Equal("[4.5,6,7.5,9]", json);
        var back = JsonSerializer.Deserialize<CloseWindow>(json)!;
        Assert.Equal(window, back);
        Assert.Equal([6.0, 7.5, 9, 10], back.Append(10, 4));
    }
}
