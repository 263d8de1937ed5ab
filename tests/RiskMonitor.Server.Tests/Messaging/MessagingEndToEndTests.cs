using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RiskMonitor.Server.Escalation;
using RiskMonitor.TestSupport;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>
/// People are told, on real services (issue 20 item 5): a red methane alert nobody acknowledges escalates; the officer and
/// the leader on duty get an e-mail through a real SMTP server (smtp4dev, read back through its API) and a signed text
/// through an HTTP SMS gateway that refuses the first message; the outbox retries only that message; the leader's quiet
/// hours do not hold back red; the gateway's delivery receipt is recorded.
/// </summary>
public sealed class MessagingEndToEndTests : IAsyncLifetime
{
    private const string GatewaySecret = "sms-gateway-secret-0123456789";
    private readonly Smtp4devMailbox _mailbox = new();
    private readonly GatewayListener _gateway = new();
    private OwnServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _gateway.Answer = n => n == 1 ? (503, """{"error":"busy"}""") : (200, $$"""{"messageId":"gw-{{n}}","status":"queued"}""");
        await _mailbox.StartAsync(ct);
        var settings = new Dictionary<string, string?>(_mailbox.ServerSettings())
        {
            ["Escalation:AcknowledgeTimeouts:red"] = "00:00:04",
            ["Outbound:AllowedNetworks:0"] = "127.0.0.0/8", // the gateway is on loopback (decision 0026)
            ["Messaging:Sms:Url"] = _gateway.Url.ToString(),
            ["Messaging:Sms:Secret"] = GatewaySecret,
            ["Messaging:Contacts:0:Name"] = "张值班",
            ["Messaging:Contacts:0:Email"] = "zhang@duty.example",
            ["Messaging:Contacts:1:Name"] = "赵领导",
            ["Messaging:Contacts:1:Email"] = "zhao@duty.example",
            ["Messaging:Contacts:1:QuietHours"] = "00:00-23:59", // always quiet: red must still reach him
        };
        _server = await OwnServer.StartAsync(settings, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _gateway.Dispose();
        await _mailbox.DisposeAsync();
    }

    [Fact]
    public async Task An_unacknowledged_red_alert_reaches_the_people_on_duty_by_email_and_text_and_a_refused_text_is_retried_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        await DutyRoster.PutOnDutyAsync(_server.Http, ct);
        using (var mqtt = await _server.ConnectMqttAsync("messaging-gp-t-001", ct))
        {
            await ServerFixture.PublishAsync(mqtt, "rm/v1/gp-t-001/telemetry", ServerFixture.Reading(now.ToUnixTimeMilliseconds(), ("ch4_lel", 70)), ct);
        }

        var alerts = await ServerFixture.EventuallyAsync(() => _server.GetJsonAsync("api/alerts?assetId=gp-t-001", ct), a => a.GetProperty("total").GetInt32() == 1, TimeSpan.FromSeconds(20), ct);
        var alertId = alerts.GetProperty("items")[0].GetProperty("alertId").GetString()!;
        await ServerFixture.EventuallyAsync(() => _mailbox.MailsAsync(ct), m => m.Count >= 2, TimeSpan.FromSeconds(60), ct);
        // Acknowledged now, so no second step joins in: what follows is the retry of the first step's refused text.
        var ack = await _server.Http.PostAsJsonAsync($"api/alerts/{alertId}/acknowledge", new { actor = "张值班" }, ct);
        var notice = await ServerFixture.EventuallyAsync(
            () => _server.GetJsonAsync($"api/notifications?alertId={alertId}", ct),
            n => n.EnumerateArray().Any(e => e.GetProperty("step").GetInt32() == 1 && e.GetProperty("status").GetString() == "delivered"), TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // a duplicate e-mail would have arrived by now
        var finalMails = await _mailbox.MailsAsync(ct);

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var step1 = notice.EnumerateArray().Single(e => e.GetProperty("step").GetInt32() == 1);
        Assert.Equal(2, step1.GetProperty("attempts").GetInt32());
        Assert.Equal(
            ["email:张值班", "email:赵领导", "signalr", "sms:张值班", "sms:赵领导", "webhook"], // the webhook is off: taken as nothing to do
            step1.GetProperty("deliveredChannels").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));

        // The e-mails: one each, not sent again by the retry, in Chinese, naming the asset and the alert.
        var step1Mails = finalMails.Where(m => m.Subject.Contains("第1次升级", StringComparison.Ordinal)).ToList();
        Assert.Equal(["zhang@duty.example", "zhao@duty.example"], step1Mails.Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.StartsWith("【红色预警】", step1Mails[0].Subject, StringComparison.Ordinal);
        var text = await _mailbox.PlainTextAsync(step1Mails.Single(m => m.To == "zhang@duty.example").Id, ct);
        Assert.Contains("张值班", text, StringComparison.Ordinal);
        Assert.Contains("gp-t-001", text, StringComparison.Ordinal);
        Assert.Contains(alertId, text, StringComparison.Ordinal);

        // The texts: three requests (one refused, then one per person), every one signed.
        var requests = _gateway.Requests.Where(r => r.Body.Contains($"\"{alertId}/1/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal("sha256=" + WebhookChannel.Sign(GatewaySecret, r.Timestamp!, r.Body), r.Signature));
        var taken = requests.Where(r => r.Status == 200).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["13700000002", "13800000001"], taken.Select(t => t.GetProperty("to").GetString()!).Order(StringComparer.Ordinal));

        // The gateway's receipt for one text is recorded; an unsigned one is refused.
        var messages = await _server.GetJsonAsync($"api/notifications/messages?alertId={alertId}", ct);
        // Step 1's messages: on a busy machine step 2 (4 s later) may fire before the acknowledgement and text them again.
        var step1Messages = messages.EnumerateArray().Where(m => m.GetProperty("step").GetInt32() == 1).ToList();
        var zhangSms = step1Messages.Single(m => m.GetProperty("channel").GetString() == "sms" && m.GetProperty("recipient").GetString() == "张值班");
        var providerId = zhangSms.GetProperty("providerMessageId").GetString()!;
        var unsigned = await _server.Http.PostAsync("api/notifications/sms/receipts", new StringContent($$"""{"messageId":"{{providerId}}","status":"delivered"}""", Encoding.UTF8, "application/json"), ct);
        var signed = await PostReceiptAsync(providerId, ct);
        var after = await _server.GetJsonAsync($"api/notifications/messages?alertId={alertId}", ct);

        Assert.Equal(4, step1Messages.Count);
        Assert.All(step1Messages, m => Assert.Equal("sent", m.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signed.StatusCode);
        var receipted = after.EnumerateArray().Single(m => m.GetProperty("providerMessageId").GetString() == providerId);
        Assert.Equal("delivered", receipted.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, receipted.GetProperty("receiptAt").ValueKind);
    }

    private async Task<HttpResponseMessage> PostReceiptAsync(string providerId, CancellationToken ct)
    {
        var body = $$"""{"messageId":"{{providerId}}","status":"delivered","detail":"DELIVRD"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var anonymous = new HttpClient { BaseAddress = _server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/notifications/sms/receipts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookChannel.TimestampHeader, timestamp);
        request.Headers.Add(WebhookChannel.SignatureHeader, "sha256=" + WebhookChannel.Sign(GatewaySecret, timestamp, body));
        return await anonymous.SendAsync(request, ct);
    }
}
