using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Escalation;

/// <summary>
/// The durable outbox on the real thing: the webhook refuses while the escalation fires, the server goes down with the
/// notice undelivered, and after the restart the notice is delivered once and marked delivered; nothing was lost
/// (docs/decisions/0018-notification-outbox.md).
/// </summary>
public sealed class NotificationOutboxEndToEndTests : IAsyncLifetime
{
    private readonly HttpListener _webhook = new();
    private readonly ConcurrentQueue<(string Body, int Status)> _posts = new();
    private readonly int _webhookPort = FreePort.Next();
    private volatile int _status = 503;
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _webhook.Prefixes.Add($"http://127.0.0.1:{_webhookPort.ToString(CultureInfo.InvariantCulture)}/");
        _webhook.Start();
        _ = Task.Run(ReceiveAsync, CancellationToken.None);
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>
        {
            // Step 2 follows one timeout after step 1 (the shard's timer keeps the policy's pace), so the timeout leaves
            // the test room to see the refused notice and acknowledge before a second step: 20 s, because in a full run
            // on a busy machine the dispatcher's first attempt came more than 8 s after its notice, and step 2 with it.
            ["Escalation:AcknowledgeTimeouts:red"] = "00:00:20",
            ["Escalation:WebhookUrl"] = $"http://127.0.0.1:{_webhookPort.ToString(CultureInfo.InvariantCulture)}/hook",
            // The receiver is on loopback, which the outbound policy refuses unless named (decision 0026).
            ["Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _webhook.Close();
    }

    [Fact]
    public async Task A_notice_the_webhook_refused_before_a_restart_is_delivered_after_it_once_and_marked_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var mqtt = await _server.ConnectMqttAsync("outbox-gp-t-001", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/alerts?assetId=gp-t-001", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        var refused = await ServerFixture.EventuallyAsync(
            () => _server.GetJsonAsync($"api/notifications?alertId={alertId}", ct),
            n => n.GetArrayLength() == 1 && n[0].GetProperty("attempts").GetInt32() >= 1 && n[0].GetProperty("lastError").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(60), ct);
        // Acknowledged, so no further step can fire after the restart: what arrives then is the refused notice.
        var ack = await _server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "张值班" }, ct);

        await _server.StopAppAsync();
        _status = 204;
        await _server.StartAppAsync(ct);
        var delivered = await ServerFixture.EventuallyAsync(
            () => _server.GetJsonAsync($"api/notifications?alertId={alertId}", ct),
            n => n.GetArrayLength() == 1 && n[0].GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // a second delivery would land by now
        var history = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        var before = refused[0];
        Assert.Equal("pending", before.GetProperty("status").GetString());
        Assert.Contains("webhook", before.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Contains("signalr", before.GetProperty("deliveredChannels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var after = delivered[0];
        Assert.Equal(1, after.GetProperty("step").GetInt32());
        Assert.Equal(["signalr", "webhook"], after.GetProperty("deliveredChannels").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
        var accepted = Assert.Single(_posts, p => p.Status == 204);
        Assert.Equal(alertId, JsonDocument.Parse(accepted.Body).RootElement.GetProperty("alertId").GetString());
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("action").GetString() == "escalated");
        var bad = await _server.Http.GetAsync("api/notifications?status=lost", ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task ReceiveAsync()
    {
        while (_webhook.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _webhook.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var status = _status;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                _posts.Enqueue((await reader.ReadToEndAsync(), status));
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }
}
