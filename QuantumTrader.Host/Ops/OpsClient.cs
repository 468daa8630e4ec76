using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Serialization;
using QuantumTrader.Host.Cli;

namespace QuantumTrader.Host.Ops;

/// <summary>The node could not be reached or failed the request; the CLI prints the message and exits with code 1.</summary>
public sealed class NodeCallException(string message) : Exception(message);

/// <summary>The console's side of <see cref="OpsApi"/>: read views and ask the node's actors, with errors an operator can act on.</summary>
public sealed class OpsClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(500);
    private readonly HttpClient _http;
    private readonly string _url;
    private readonly TimeSpan _refusedFor;

    /// <param name="refusedFor">
    /// How long to keep trying while the node refuses connections (it is starting, or starting again for appended rows);
    /// zero fails at once. Only a refused connection is tried again: the request never reached the node.
    /// </param>
    public OpsClient(string url, TimeSpan refusedFor = default)
    {
        _url = OpsApi.ParseUrl(url).GetLeftPart(UriPartial.Authority);
        _http = new HttpClient { BaseAddress = new Uri(_url), Timeout = Timeout };
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

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> newRequest, CancellationToken cancel)
    {
        HttpResponseMessage response;
        var request = newRequest();
        var deadline = DateTime.UtcNow + _refusedFor;
        var told = false;
        while (true)
        {
            try
            {
                response = await _http.SendAsync(request, cancel);
                break;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && DateTime.UtcNow + RetryEvery < deadline)
            {
                if (!told) Console.Error.WriteLine($"the node at {_url} does not answer ({ex.Message}); trying again for up to {_refusedFor.TotalSeconds:0} s");
                told = true;
                await Task.Delay(RetryEvery, cancel);
                request.Dispose();
                request = newRequest();
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
        // A 400 means the request itself was wrong (a refused message the operator can fix); anything else is the node's failure.
        if (response.StatusCode == HttpStatusCode.BadRequest) throw new UsageException($"the node refused: {body}");
        throw new NodeCallException($"the node at {_url} answered {(int)response.StatusCode} {response.StatusCode}: {body}");
    }
}
