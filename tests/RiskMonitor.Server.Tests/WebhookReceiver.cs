using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests;

/// <summary>
/// A city platform's webhook endpoint: real Kestrel on a free loopback port, which can answer 500 to its first N
/// deliveries, hang (answer after <c>hangFor</c>), be stopped (down: connection refused) and started again on the same
/// port. It keeps every delivery it answered 2xx, duplicates included, as a receiver would see them.
/// </summary>
internal sealed class WebhookReceiver(int failFirst = 0, TimeSpan? hangFor = null) : IAsyncDisposable
{
    private readonly int _port = FreePort.Next();
    private int _toFail = failFirst;
    private int _attempts;
    private WebApplication? _app;

    public Uri Url => new($"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}/hook");

    public ConcurrentQueue<ReceivedDelivery> Accepted { get; } = new();

    /// <summary>Every request that reached the handler, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", HandleAsync);
        await app.StartAsync(ct);
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    /// <summary>The first delivery of each event id, in arrival order (what an idempotent receiver applies).</summary>
    public IReadOnlyList<ReceivedDelivery> FirstOfEach() =>
        [.. Accepted.GroupBy(d => d.EventId).Select(g => g.First()).OrderBy(d => d.Sequence)];

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var attempt = Interlocked.Increment(ref _attempts);
        if (hangFor is { } hang)
        {
            await Task.Delay(hang, request.HttpContext.RequestAborted);
        }

        if (Interlocked.Decrement(ref _toFail) >= 0)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Accepted.Enqueue(new ReceivedDelivery(
            attempt,
            long.Parse(request.Headers["X-RiskMonitor-Event-Id"].ToString(), CultureInfo.InvariantCulture),
            root.GetProperty("cursor").GetInt64(),
            root.GetProperty("type").GetString()!,
            root.TryGetProperty("assetId", out var asset) && asset.ValueKind == JsonValueKind.String ? asset.GetString() : null,
            request.Headers["X-RiskMonitor-Signature"].ToString(),
            body));
        return Results.Ok();
    }
}

internal sealed record ReceivedDelivery(int Sequence, long EventId, long Cursor, string Type, string? AssetId, string Signature, string Body);
