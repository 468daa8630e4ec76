using QuantumTrader.Actors.Alerts;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Audit;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Actors;

/// <summary>--alert-webhook: a URL, or SEVERITY=URL for a webhook of its own least severity; anything else refused before the node starts.</summary>
public sealed class AlertRouteTests
{
    [Fact]
    public void A_webhook_takes_the_default_least_severity_unless_it_names_its_own()
    {
        Assert.Equal(new AlertRoute(new Uri("https://chat.example/hooks/ops"), AlertSeverity.Warning),
            AlertRoute.Parse("https://chat.example/hooks/ops", AlertSeverity.Warning));
        Assert.Equal(new AlertRoute(new Uri("https://pager.example/hook?key=a=b"), AlertSeverity.Critical),
            AlertRoute.Parse("critical=https://pager.example/hook?key=a=b", AlertSeverity.Warning));
        Assert.Equal(AlertSeverity.Info, AlertRoute.Parse("INFO=http://127.0.0.1:9000/", AlertSeverity.Critical).MinSeverity);
    }

    [Theory]
    [InlineData("ftp://files.example/alerts")]
    [InlineData("urgent=https://pager.example/hook")]
    [InlineData("critical=")]
    [InlineData("chat.example/hooks/ops")]
    public void Anything_but_an_http_url_with_or_without_a_severity_is_refused_naming_it(string value)
    {
        var refused = Assert.Throws<ArgumentException>(() => AlertRoute.Parse(value, AlertSeverity.Warning));
        Assert.Equal($"--alert-webhook '{value}' is not an http or https URL, with or without a leading info=, warning= or critical=", refused.Message);
    }

    [Fact]
    public async Task A_node_given_the_same_webhook_twice_or_a_bad_one_exits_2_before_it_starts()
    {
        using var dir = new TempDir();
        Assert.Equal(2, await QtCli.RunAsync(["node", "--state", dir.File("state"), "--alert-webhook", "http://127.0.0.1:9/a", "--alert-webhook", "critical=http://127.0.0.1:9/a"]));
        Assert.Equal(2, await QtCli.RunAsync(["node", "--state", dir.File("state"), "--alert-webhook", "pager"]));
        Assert.False(Directory.Exists(dir.File("state")));
    }
}
