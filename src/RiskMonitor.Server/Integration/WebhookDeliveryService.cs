using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Integration;
using RiskMonitor.Server.Platform.Outbound;
using RiskMonitor.Storage.Feed;
using RiskMonitor.Storage.Integration;

namespace RiskMonitor.Server.Integration;

/// <summary>
/// Pushes the feed to each webhook subscription (docs/decisions/0015-webhooks-and-api-keys.md). Every subscription has
/// its own loop, so a slow or dead subscriber only ever waits on itself. A loop POSTs one event at a time in cursor order
/// and moves the stored cursor after each 2xx: delivery is at-least-once (a crash between the 2xx and the cursor write
/// sends that event again) and in order, and <c>X-RiskMonitor-Event-Id</c> (the cursor) lets the receiver drop repeats.
/// A failed delivery is retried, the same event, with exponential backoff and jitter, never skipped.
/// </summary>
internal sealed class WebhookDeliveryService(
    IWebhookStore store, IFeedStore feed, IHttpClientFactory httpClients, IOptions<WebhookOptions> options,
    IOptions<JsonOptions> json, TimeProvider time, ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string EventIdHeader = "X-RiskMonitor-Event-Id";
    public const string EventTypeHeader = "X-RiskMonitor-Event-Type";
    public const string SubscriptionHeader = "X-RiskMonitor-Subscription";

    private readonly Dictionary<string, (CancellationTokenSource Stop, Task Loop)> _loops = [];
    private readonly FeedSignal _changed = new();

    /// <summary>Read the subscriptions again now (called after a create or delete through the API).</summary>
    public void Refresh() => _changed.Pulse();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = _changed.Appended;
                try
                {
                    Reconcile(await store.ListAsync(null, stoppingToken), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    IntegrationLog.RefreshFailed(logger, e);
                }

                try
                {
                    await changed.WaitAsync(options.Value.RefreshInterval, time, stoppingToken);
                }
                catch (TimeoutException)
                {
                    // the periodic re-read picks up subscriptions changed on another node
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            foreach (var (stop, _) in _loops.Values)
            {
                await stop.CancelAsync();
            }

            await Task.WhenAll(_loops.Values.Select(l => l.Loop));
            foreach (var (stop, _) in _loops.Values)
            {
                stop.Dispose();
            }
        }
    }

    private void Reconcile(IReadOnlyList<WebhookSubscription> subscriptions, CancellationToken stoppingToken)
    {
        var wanted = subscriptions.ToDictionary(s => s.SubscriptionId);
        foreach (var id in _loops.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            var (stop, loop) = _loops[id];
            stop.Cancel();
            _ = loop.ContinueWith(_ => stop.Dispose(), TaskScheduler.Default); // the loop ends at its next await
            _loops.Remove(id);
        }

        foreach (var subscription in subscriptions.Where(s => !_loops.ContainsKey(s.SubscriptionId)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _loops[subscription.SubscriptionId] = (stop, Task.Run(() => DeliverAsync(subscription, stop.Token), CancellationToken.None));
        }
    }

    private async Task DeliverAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var schedule = new RetrySchedule(o.InitialRetryDelay, o.MaxRetryDelay);
        // The outbound client refuses loopback, private and metadata addresses at connect time (decision 0026).
        var http = httpClients.CreateClient(OutboundHttp.ClientName);
        http.Timeout = o.RequestTimeout;
        var cursor = subscription.Cursor;
        var health = subscription.Health;
        var attempt = 0;
        IntegrationLog.LoopStarted(logger, subscription.SubscriptionId, subscription.Url, cursor);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var appended = feed.Appended; // taken before the read, so an append in between still wakes the loop
                var events = await feed.ReadAsync(new FeedQuery(cursor, o.BatchSize, subscription.Types, subscription.RegionId), cancellationToken);
                if (events.Count == 0)
                {
                    try
                    {
                        await appended.WaitAsync(o.IdlePoll, time, cancellationToken);
                    }
                    catch (TimeoutException)
                    {
                        // read again: another node may have appended
                    }

                    continue;
                }

                foreach (var feedEvent in events)
                {
                    while (true)
                    {
                        var error = await SendAsync(http, subscription, feedEvent, cancellationToken);
                        var now = time.GetUtcNow();
                        if (error is null)
                        {
                            var wasFailing = health.State == WebhookState.Failing;
                            health = health.Delivered();
                            attempt = 0;
                            cursor = feedEvent.Cursor;
                            await store.AdvanceAsync(subscription.SubscriptionId, cursor, now, health, cancellationToken);
                            if (wasFailing)
                            {
                                IntegrationLog.Resumed(logger, subscription.SubscriptionId, cursor);
                            }

                            break;
                        }

                        attempt++;
                        var before = health.State;
                        health = health.Failed(now, o.FailingAfter, error);
                        await store.RecordHealthAsync(subscription.SubscriptionId, health, cancellationToken);
                        if (before != WebhookState.Failing && health.State == WebhookState.Failing)
                        {
                            IntegrationLog.MarkedFailing(logger, subscription.SubscriptionId, health.FirstFailureAt, error);
                        }

                        var delay = schedule.Delay(attempt, Random.Shared.NextDouble());
                        IntegrationLog.DeliveryFailed(logger, subscription.SubscriptionId, feedEvent.Cursor, attempt, error, delay);
                        await Task.Delay(delay, time, cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The store or the feed is unreachable: start again from the last cursor this loop knows was delivered.
                IntegrationLog.LoopError(logger, subscription.SubscriptionId, e);
                try
                {
                    await Task.Delay(o.MaxRetryDelay < TimeSpan.FromSeconds(5) ? o.MaxRetryDelay : TimeSpan.FromSeconds(5), time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        IntegrationLog.LoopStopped(logger, subscription.SubscriptionId);
    }

    /// <summary>One POST; null when the subscriber answered 2xx, else why not.</summary>
    private async Task<string?> SendAsync(HttpClient http, WebhookSubscription subscription, FeedEvent feedEvent, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(feedEvent, json.Value.SerializerOptions);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(EventIdHeader, feedEvent.Cursor.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(EventTypeHeader, feedEvent.Type);
        request.Headers.Add(SubscriptionHeader, subscription.SubscriptionId);
        // Signed at each attempt, so a retry carries a fresh timestamp and passes the receiver's replay window.
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Header(subscription.Secret, time.GetUtcNow(), body));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e) when (OutboundRefusedException.Find(e) is { } refused)
        {
            // Said the same way whether or not anything listens there, so the status cannot be used to scan ports.
            return "refused by the outbound policy: " + refused.Message;
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError == HttpRequestError.Unknown ? e.Message : e.HttpRequestError.ToString();
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timeout";
        }
    }
}
