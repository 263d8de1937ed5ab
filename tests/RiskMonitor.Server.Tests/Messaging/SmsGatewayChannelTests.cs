using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Messaging;

namespace RiskMonitor.Server.Tests.Messaging;

/// <summary>The SMS adapter against a small HTTP gateway on loopback: what it sends, how it signs, what it makes of the answer.</summary>
public sealed class SmsGatewayChannelTests : IDisposable
{
    private const string Secret = "gateway-secret-0123456789";
    private readonly GatewayListener _gateway = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _gateway.Dispose();
        _http.Dispose();
    }

    private SmsGatewayChannel Channel() => new(_http, Options.Create(new MessagingOptions
    {
        Sms = new SmsGatewayOptions { Url = _gateway.Url, Secret = Secret, Sender = "城市安全" },
    }), _time);

    private static OutgoingMessage Message() =>
        new(new MessageRecipient("张值班", null, "13800000001"), "subject", "【红色预警】燃气管线 ch4 请立即处置", "a-1/1/sms:张值班", WarningLevel.Red);

    [Fact]
    public async Task Posts_the_text_signed_with_the_shared_secret_and_keeps_the_gateway_message_id()
    {
        var receipt = await Channel().SendAsync(Message(), TestContext.Current.CancellationToken);

        var request = Assert.Single(_gateway.Requests);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("13800000001", body.GetProperty("to").GetString());
        Assert.Equal("【红色预警】燃气管线 ch4 请立即处置", body.GetProperty("text").GetString());
        Assert.Equal("a-1/1/sms:张值班", body.GetProperty("reference").GetString());
        Assert.Equal("城市安全", body.GetProperty("sender").GetString());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Timestamp);
        // The receiver checks the HMAC of "{timestamp}.{body}" exactly as the webhook's receivers do.
        Assert.Equal("sha256=" + WebhookChannel.Sign(Secret, request.Timestamp!, request.Body), request.Signature);
        Assert.Equal(new MessageReceipt("gw-1", "queued"), receipt);
    }

    [Fact]
    public async Task A_refusal_throws_so_the_outbox_retries_and_an_answer_without_json_is_still_taken()
    {
        _gateway.Answer = n => n == 1 ? (503, "busy") : (202, "OK");
        var channel = Channel();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => channel.SendAsync(Message(), TestContext.Current.CancellationToken));
        var taken = await channel.SendAsync(Message(), TestContext.Current.CancellationToken);

        Assert.Contains("503", refused.Message, StringComparison.Ordinal);
        Assert.Equal(new MessageReceipt(null, "accepted"), taken);
    }
}
