using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QuantumTrader.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol the way an operator uses a page: open it, read it,
/// click, and answer every confirm() dialog with OK and every prompt() with <see cref="PromptAnswer"/> (the dialogs' texts are kept).
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _browser;
    private readonly TempDir _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _next;
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeadlessChromium(Process browser, TempDir profile)
    {
        _browser = browser;
        _profile = profile;
    }

    /// <summary>The messages of the dialogs the page opened, in order.</summary>
    public ConcurrentQueue<string> Dialogs { get; } = new();

    /// <summary>What the operator types into the next prompt() dialogs; null cancels them.</summary>
    public string? PromptAnswer { get; set; }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex Listening();

    public static async Task<HeadlessChromium> StartAsync()
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException($"{Executable} not found: install Debian's chromium package (.ci/run does)");
        var profile = new TempDir();
        var start = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        // Chromium's own temporary files go into the profile too, so nothing of it is left in /tmp.
        start.Environment["TMPDIR"] = profile.Path;
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", "about:blank" })
            start.ArgumentList.Add(a);
        var browser = Process.Start(start)!;
        var chromium = new HeadlessChromium(browser, profile);
        try
        {
            await chromium.ConnectAsync();
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        string? browserSocket = null;
        while (browserSocket is null)
        {
            var line = await _browser.StandardError.ReadLineAsync(cancel.Token) ?? throw new InvalidOperationException("chromium exited before it listened");
            if (Listening().Match(line) is { Success: true } m) browserSocket = m.Groups[1].Value;
        }
        _ = _browser.StandardError.ReadToEndAsync(_stop.Token);
        var port = new Uri(browserSocket).Port;
        using var http = new HttpClient();
        var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", cancel.Token)).RootElement;
        var page = targets.EnumerateArray().First(t => t.GetProperty("type").GetString() == "page").GetProperty("webSocketDebuggerUrl").GetString()!;
        await _socket.ConnectAsync(new Uri(page), cancel.Token);
        _receiving = ReceiveAsync();
        await SendAsync("Page.enable");
    }

    /// <summary>Opens <paramref name="url"/> afresh (a new document even when only its fragment differs) and waits for its load event.</summary>
    public async Task OpenAsync(string url)
    {
        foreach (var address in new[] { "about:blank", url })
        {
            _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync("Page.navigate", new JsonObject { ["url"] = address });
            await _loaded.Task.WaitAsync(Timeout);
        }
    }

    /// <summary>The value of a JavaScript expression in the page (awaited when it is a promise).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (reply.TryGetProperty("exceptionDetails", out var failed)) throw new InvalidOperationException($"{expression} threw: {failed}");
        return reply.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Waits until <paramref name="expression"/> is true in the page.</summary>
    public async Task WaitForAsync(string expression)
    {
        var waited = Stopwatch.StartNew();
        while (await EvaluateAsync($"!!({expression})") is not { ValueKind: JsonValueKind.True })
        {
            if (waited.Elapsed > Timeout) throw new TimeoutException($"the page never showed {expression}; it holds: {await EvaluateAsync("document.body.innerText")}");
            await Task.Delay(100);
        }
    }

    public async Task<string> TextAsync() => (await EvaluateAsync("document.body.innerText")).GetString() ?? "";

    private async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _next);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }
        return await answer.Task.WaitAsync(Timeout);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                var json = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                message.SetLength(0);
                if (json.TryGetProperty("id", out var id) && _answers.TryRemove(id.GetInt32(), out var answer))
                {
                    if (json.TryGetProperty("error", out var error)) answer.TrySetException(new InvalidOperationException(error.ToString()));
                    else answer.TrySetResult(json.GetProperty("result"));
                }
                else if (json.TryGetProperty("method", out var method))
                {
                    switch (method.GetString())
                    {
                        case "Page.loadEventFired":
                            _loaded.TrySetResult();
                            break;
                        case "Page.javascriptDialogOpening":
                            var dialog = json.GetProperty("params");
                            Dialogs.Enqueue(dialog.GetProperty("message").GetString() ?? "");
                            var prompt = dialog.GetProperty("type").GetString() == "prompt";
                            _ = SendAsync("Page.handleJavaScriptDialog", prompt
                                ? new JsonObject { ["accept"] = PromptAnswer is not null, ["promptText"] = PromptAnswer ?? "" }
                                : new JsonObject { ["accept"] = true });
                            break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (!_browser.HasExited) _browser.Kill(entireProcessTree: true);
            await _browser.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
        await _receiving;
        _socket.Dispose();
        _browser.Dispose();
        _profile.Dispose();
        _stop.Dispose();
        _sending.Dispose();
    }
}
