using System.Net;
using System.Text.Json;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// A real HTTP endpoint on a free loopback port that takes webhook POSTs: it refuses the first <c>refuse</c> of them
/// with 503, accepts the rest with 200 and keeps the JSON bodies it accepted, in arrival order.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<JsonElement> _accepted = [];
    private int _refuse;

    public WebhookReceiver(int refuse = 0)
    {
        _refuse = refuse;
        Url = new Uri($"http://127.0.0.1:{FreePort.Next()}/hooks/ops/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    /// <summary>How many requests were refused so far.</summary>
    public int Refused { get; private set; }

    public IReadOnlyList<JsonElement> Accepted
    {
        get { lock (_accepted) return _accepted.ToArray(); }
    }

    /// <summary>Waits until <paramref name="count"/> bodies were accepted and returns them; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> AwaitAccepted(int count, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Accepted.Count < count)
        {
            Assert.True(waited.Elapsed < timeout, $"the webhook accepted {Accepted.Count} of {count} posts within {timeout}");
            await Task.Delay(50);
        }
        return Accepted;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            if (_refuse > 0)
            {
                _refuse--;
                Refused++;
                context.Response.StatusCode = 503;
            }
            else
            {
                lock (_accepted) _accepted.Add(JsonDocument.Parse(body).RootElement.Clone());
                context.Response.StatusCode = 200;
            }
            context.Response.Close();
        }
    }
}
