using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>A real SMTP server for a test (smtp4dev, the repository's local dotnet tool) and what it received, read back through its API.</summary>
public sealed class Smtp4devMailbox : IAsyncDisposable
{
    private readonly ServiceProcess _smtp = ServiceProcess.Smtp4dev();
    private readonly HttpClient _api = new() { Timeout = TimeSpan.FromSeconds(30) };

    public int SmtpPort => _smtp.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _smtp.StartAsync(cancellationToken);
        _api.BaseAddress = new Uri($"http://127.0.0.1:{_smtp.WebPort.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Settings that send the server's e-mail here, unencrypted, from the given sender.</summary>
    public Dictionary<string, string?> ServerSettings(string from = "城市安全监测 <alerts@city.example>") => new()
    {
        ["Messaging:Smtp:Host"] = "127.0.0.1",
        ["Messaging:Smtp:Port"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Messaging:Smtp:Security"] = "None",
        ["Messaging:Smtp:From"] = from,
    };

    /// <summary>Every message received so far: id, first recipient, subject.</summary>
    public async Task<List<(string Id, string To, string Subject)>> MailsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var page = await _api.GetFromJsonAsync<JsonElement>("api/messages?pageSize=100", cancellationToken);
            return [.. page.GetProperty("results").EnumerateArray().Select(m => (
                m.GetProperty("id").GetString()!, m.GetProperty("to")[0].GetString()!, m.GetProperty("subject").GetString()!))];
        }
        catch (HttpRequestException)
        {
            return []; // the web API starts a moment after the SMTP port
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return []; // too busy to answer within the client's timeout: the caller's wait asks again
        }
    }

    public Task<string> PlainTextAsync(string id, CancellationToken cancellationToken) =>
        _api.GetStringAsync($"api/messages/{id}/plaintext", cancellationToken);

    /// <summary>The message as the SMTP server received it (MIME), attachments included.</summary>
    public Task<byte[]> RawAsync(string id, CancellationToken cancellationToken) =>
        _api.GetByteArrayAsync($"api/messages/{id}/raw", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _smtp.DisposeAsync();
    }
}
