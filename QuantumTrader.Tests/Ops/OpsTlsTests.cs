using System.Runtime.Versioning;
using QuantumTrader.Host.Cli;
using QuantumTrader.Host.Ops;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// The ops API over https with a certificate made by 'qt access cert': the console trusts it only when told to
/// (--ca-cert), and a node listens beyond this machine only with an access file and TLS.
/// </summary>
public sealed class OpsTlsTests : IAsyncLifetime
{
    private OperatorKeys _keys = null!;
    private ServedNode _served = null!;

    private string Cert => _keys.File("node.crt");
    private string Key => _keys.File("node.key");
    private string Access => _keys.AccessFile;

    public async Task InitializeAsync()
    {
        _keys = await OperatorKeys.CreateAsync(("alice", "operate"));
        Assert.Equal(0, await QtCli.RunAsync(["access", "cert", "--host", "127.0.0.1", "--cert-out", Cert, "--key-out", Key]));
        _served = await ServedNode.StartAsync(endpoint: OpsEndpoint.Open("https://127.0.0.1:0", Access, Cert, Key));
    }

    public async Task DisposeAsync()
    {
        await _served.DisposeAsync();
        _keys.Dispose();
    }

    private Task<int> Ctl(params string[] args) =>
        QtCli.RunAsync(["ctl", .. args, "--node", _served.Api.Url, "--token-file", _keys.TokenFile("alice")]);

    [Fact]
    public async Task The_console_talks_to_an_https_node_only_when_it_trusts_the_certificate_the_node_serves()
    {
        Assert.StartsWith("https://127.0.0.1:", _served.Api.Url, StringComparison.Ordinal);
        Assert.Equal(0, await Ctl("ess", "status", "--ca-cert", Cert));
        Assert.Equal(0, await Ctl("ess", "trigger", "--reason", "over TLS", "--ca-cert", Cert));

        // Not trusted: neither by the system nor by another self-signed certificate for the same address.
        Assert.Equal(ExitCodes.Failure, await Ctl("ess", "status"));
        var other = _keys.File("other.crt");
        Assert.Equal(0, await QtCli.RunAsync(["access", "cert", "--host", "127.0.0.1", "--cert-out", other, "--key-out", _keys.File("other.key")]));
        Assert.Equal(ExitCodes.Failure, await Ctl("ess", "status", "--ca-cert", other));
        Assert.Equal(ExitCodes.BadInput, await Ctl("ess", "status", "--ca-cert", _keys.File("missing.crt")));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void The_options_of_an_endpoint_are_checked_together_and_the_key_is_kept_from_other_accounts()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Key));
        Assert.NotNull(OpsEndpoint.Open("https://0.0.0.0:0", Access, Cert, Key).Certificate);

        string Refusal(Func<OpsEndpoint> open) => Assert.Throws<UsageException>(open).Message;
        Assert.Contains("needs the certificate --tls-cert", Refusal(() => OpsEndpoint.Open("https://127.0.0.1:0")), StringComparison.Ordinal);
        Assert.Contains("go together", Refusal(() => OpsEndpoint.Open("https://127.0.0.1:0", null, Cert)), StringComparison.Ordinal);
        Assert.Contains("listen on https://", Refusal(() => OpsEndpoint.Open("http://127.0.0.1:0", null, Cert, Key)), StringComparison.Ordinal);
        Assert.Contains("without an access file", Refusal(() => OpsEndpoint.Open("https://0.0.0.0:0", null, Cert, Key)), StringComparison.Ordinal);
        Assert.Contains("not a PEM certificate and its private key", Refusal(() => OpsEndpoint.Open("https://127.0.0.1:0", null, Access, Key)), StringComparison.Ordinal);
    }
}
