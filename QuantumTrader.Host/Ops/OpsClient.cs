using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Audit;

namespace QuantumTrader.Host.Ops;

/// <summary>The node could not be reached or failed the request; the CLI prints the message and exits with code 1.</summary>
public sealed class NodeCallException(string message) : Exception(message);

/// <summary>
/// Who the console acts as: the token of a node with an access file, and the name it gives itself, which only a node
/// without one journals (a node with one journals the token's operator); and the certificate it trusts for an https
/// node beyond the system's (a self-signed one, say).
/// </summary>
public sealed record OpsCredentials(string? Token, string? Operator, X509Certificate2? TrustedCertificate = null)
{
    public const string TokenVariable = "QT_OPS_TOKEN";

    public static readonly OpsCredentials None = new(null, null);

    /// <summary>The token from <paramref name="tokenFile"/>, else from the environment; the name given, else the account running the console.</summary>
    public static OpsCredentials From(string? tokenFile, string? name, string? caCertificateFile = null)
    {
        X509Certificate2? trusted = null;
        if (caCertificateFile is not null)
        {
            try
            {
                trusted = X509CertificateLoader.LoadCertificateFromFile(caCertificateFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--ca-cert {caCertificateFile}: not a certificate file ({ex.Message})");
            }
        }
        string? token;
        if (tokenFile is null) token = Environment.GetEnvironmentVariable(TokenVariable);
        else
        {
            try
            {
                token = File.ReadAllText(tokenFile).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--token-file {tokenFile}: cannot be read ({ex.Message})");
            }
            if (token.Length == 0) throw new UsageException($"--token-file {tokenFile}: the file is empty; it should hold the token 'qt access add' printed");
        }
        if (name is not null && OperatorAccess.NameProblem(name) is { } problem) throw new UsageException($"--as: {problem}");
        // An account name that cannot name an operator is not sent: the node then journals the command without one.
        var by = name ?? (OperatorAccess.NameProblem(Environment.UserName) is null ? Environment.UserName : null);
        return new OpsCredentials(string.IsNullOrWhiteSpace(token) ? null : token.Trim(), by, trusted);
    }
}

/// <summary>The console's side of <see cref="OpsApi"/>: read views and ask the node's actors, with errors an operator can act on.</summary>
public sealed class OpsClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(500);
    private readonly HttpClient _http;
    private readonly string _url;
    private readonly TimeSpan _refusedFor;
    private readonly OpsCredentials _credentials;
    private bool _warned;

    /// <param name="refusedFor">
    /// How long to keep trying while the node refuses connections (it is starting, or starting again for appended rows);
    /// zero fails at once. Only a refused connection is tried again: the request never reached the node.
    /// </param>
    public OpsClient(string url, OpsCredentials credentials, TimeSpan refusedFor = default)
    {
        _credentials = credentials;
        _url = OpsApi.ParseUrl(url).GetLeftPart(UriPartial.Authority);
        _http = new HttpClient(Handler(credentials.TrustedCertificate)) { BaseAddress = new Uri(_url), Timeout = Timeout };
        _refusedFor = refusedFor;
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancel)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancel);
        return JsonSerializer.Deserialize<T>(await response.Content.ReadAsStringAsync(cancel), JsonOut.Options)
               ?? throw new NodeCallException($"{_url}{path} answered with an empty body");
    }

    /// <summary>Hands one protocol message to a node actor (registry, account, policy, supervisor) and returns its reply.</summary>
    public async Task<T> AskAsync<T>(string target, IProtocolMessage message, CancellationToken cancel)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), ProtocolSerializer.JsonOptions);
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ask/{target}") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(OpsApi.ManifestHeader, ProtocolTypes.ManifestOf(message.GetType()));
            return request;
        }
        using var response = await SendAsync(Request, cancel);
        var manifest = response.Headers.TryGetValues(OpsApi.ManifestHeader, out var values) ? values.Single() : "";
        var reply = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancel), ProtocolTypes.TypeOf(manifest), ProtocolSerializer.JsonOptions);
        return reply is T t ? t : throw new NodeCallException($"{target} answered {message.GetType().Name} with {reply?.GetType().Name ?? "nothing"}");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Checks the node's certificate as usual, and also accepts one that chains to <paramref name="trusted"/>; the host name must match either way.</summary>
    private static HttpClientHandler Handler(X509Certificate2? trusted) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (trusted is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        },
    };

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> newRequest, CancellationToken cancel)
    {
        HttpResponseMessage response;
        HttpRequestMessage Signed()
        {
            var r = newRequest();
            if (_credentials.Token is { } token) r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (_credentials.Operator is { } by) r.Headers.Add(OpsApi.OperatorHeader, by);
            return r;
        }
        var request = Signed();
        var deadline = DateTime.UtcNow + _refusedFor;
        var told = false;
        while (true)
        {
            try
            {
                response = await _http.SendAsync(request, cancel);
                if (!_warned && response.Headers.TryGetValues(OpsApi.TokenWarningHeader, out var warnings))
                {
                    _warned = true;
                    Console.Error.WriteLine($"warning: {warnings.First()}");
                }
                break;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && DateTime.UtcNow + RetryEvery < deadline)
            {
                if (!told) Console.Error.WriteLine($"the node at {_url} does not answer ({ex.Message}); trying again for up to {_refusedFor.TotalSeconds:0} s");
                told = true;
                await Task.Delay(RetryEvery, cancel);
                request.Dispose();
                request = Signed();
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
            {
                throw new NodeCallException($"the node at {_url} did not prove who it is ({ex.InnerException?.Message ?? ex.Message}); " +
                                            "give --ca-cert FILE with the certificate it serves (or the one that signed it), or check the address's host name");
            }
            catch (HttpRequestException ex)
            {
                throw new NodeCallException($"cannot reach the node at {_url} ({ex.Message}); is 'qt node --http {_url}' running?");
            }
            catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new NodeCallException($"the node at {_url} did not answer {request.RequestUri} within {Timeout.TotalSeconds:0} s");
            }
        }
        if (response.IsSuccessStatusCode) return response;
        var body = await response.Content.ReadAsStringAsync(cancel);
        response.Dispose();
        // 400, 401 and 403: the request itself was wrong or not allowed (the operator can fix it); anything else is the node's failure.
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new UsageException($"the node refused: {body}");
        throw new NodeCallException($"the node at {_url} answered {(int)response.StatusCode} {response.StatusCode}: {body}");
    }
}
