using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Escalation;

/// <summary>
/// Escalation on the real thing: the red acknowledgement timeout is cut to 3 s, so steps repeat every 3 s until the
/// alert is acknowledged; notices reach SignalR groups and a signed webhook, and a step that fell due while the server
/// was down fires once when it is back (no step number twice).
/// </summary>
public sealed class EscalationEndToEndTests : IAsyncLifetime
{
    private const string Secret = "s3cret";
    private readonly HttpListener _webhook = new();
    private readonly ConcurrentQueue<(string Body, string? Signature, string? Timestamp)> _posts = new();
    private readonly int _webhookPort = FreePort.Next();
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _webhook.Prefixes.Add($"http://127.0.0.1:{_webhookPort.ToString(CultureInfo.InvariantCulture)}/");
        _webhook.Start();
        _ = Task.Run(ReceiveAsync, CancellationToken.None);
        _server = await OwnServer.StartAsync(new Dictionary<string, string?>
        {
            ["Escalation:AcknowledgeTimeouts:red"] = "00:00:03",
            ["Escalation:RegionParents:d-west"] = "city",
            ["Escalation:WebhookUrl"] = $"http://127.0.0.1:{_webhookPort.ToString(CultureInfo.InvariantCulture)}/hook",
            // The receiver is on loopback, which the outbound policy refuses unless named (decision 0026).
            ["Outbound:AllowedNetworks:0"] = "127.0.0.0/8",
            ["Escalation:WebhookSecret"] = Secret,
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _webhook.Close();
    }

    [Fact]
    public async Task An_unacknowledged_red_alert_reaches_the_duty_officer_over_signalr_and_a_signed_webhook()
    {
        var ct = TestContext.Current.CancellationToken;
        await AddShiftAsync(ct);
        var received = new ConcurrentQueue<JsonElement>();
        await using var hub = await _server.ConnectHubAsync(ct);
        hub.On<JsonElement>("alertEscalated", received.Enqueue);
        await hub.InvokeAsync("JoinUser", "张值班", ct);

        var alertId = await RaiseRedAsync("gp-t-003", ct);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(received.Count), n => n > 0, TimeSpan.FromSeconds(20), ct);
        await ServerFixture.EventuallyAsync(() => Task.FromResult(_posts.Count), n => n > 0, TimeSpan.FromSeconds(10), ct);
        var ack = await _server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "张值班" }, ct);
        var history = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);

        // The first step; a second may follow 3 s later on a slow machine before the acknowledgement lands.
        var notice = received.First();
        Assert.Equal(alertId, notice.GetProperty("alertId").GetString());
        Assert.Equal(1, notice.GetProperty("step").GetInt32());
        Assert.Contains(notice.GetProperty("recipients").EnumerateArray(),
            r => r.GetProperty("kind").GetString() == "duty_officer" && r.GetProperty("name").GetString() == "张值班");
        Assert.Contains(notice.GetProperty("recipients").EnumerateArray(),
            r => r.GetProperty("kind").GetString() == "duty_leader" && r.GetProperty("name").GetString() == "赵领导");
        var (body, signature, timestamp) = _posts.First();
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"))), signature);
        Assert.Equal(alertId, JsonDocument.Parse(body).RootElement.GetProperty("alertId").GetString());
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var actions = history.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
        Assert.Equal(["raised", "escalated"], actions.Take(2));
        Assert.Equal("acknowledged", actions[^1]);
        Assert.All(actions.Skip(1).SkipLast(1), a => Assert.Equal("escalated", a));
    }

    [Fact]
    public async Task A_step_that_fell_due_while_the_server_was_down_fires_exactly_once_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await AddShiftAsync(ct);
        var alertId = await RaiseRedAsync("gp-t-001", ct);

        await _server.StopAppAsync(); // down before the 3 s timeout ran out
        await Task.Delay(TimeSpan.FromSeconds(4), ct);
        await _server.StartAppAsync(ct);

        var history = await ServerFixture.EventuallyAsync(
            () => _server.GetJsonAsync($"api/alerts/{alertId}/history", ct),
            h => h.EnumerateArray().Any(e => e.GetProperty("action").GetString() == "escalated"), TimeSpan.FromSeconds(20), ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct); // a double firing (reminder, timer and sweep) would land by now
        history = await _server.GetJsonAsync($"api/alerts/{alertId}/history", ct);
        var alerts = await _server.GetJsonAsync("api/alerts?assetId=gp-t-001", ct);

        // Steps repeat every 3 s after the first; what must not happen is a step fired twice (by the reminder, the
        // timer and the sweep all finding it due).
        var escalated = history.EnumerateArray().Where(e => e.GetProperty("action").GetString() == "escalated")
            .Select(e => e.GetProperty("note").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(1, escalated.Count).Select(n => $"step {n},"), escalated.Select(n => n[..(n.IndexOf(',', StringComparison.Ordinal) + 1)]));
        Assert.Contains("supervisor of city", escalated[0], StringComparison.Ordinal);
        Assert.Contains("duty officer 张值班", escalated[0], StringComparison.Ordinal);
        Assert.Equal(1, alerts.GetProperty("total").GetInt32()); // the same alert, not a second one for the same leak
        var postedSteps = _posts.Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("step").GetInt32()).ToList();
        Assert.Equal(postedSteps.Distinct(), postedSteps);
    }

    private Task AddShiftAsync(CancellationToken ct) => DutyRoster.PutOnDutyAsync(_server.Http, ct);

    private async Task<string> RaiseRedAsync(string asset, CancellationToken ct)
    {
        using (var mqtt = await _server.ConnectMqttAsync("esc-" + asset, ct))
        {
            await ServerFixture.PublishAsync(mqtt, $"rm/v1/{asset}/telemetry", ServerFixture.Reading(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync($"api/alerts?assetId={asset}", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(10), ct);
        return alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
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

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                _posts.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers["X-RiskMonitor-Signature"], context.Request.Headers["X-RiskMonitor-Timestamp"]));
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
