using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// A generic HTTP SMS gateway (most Chinese SMS providers and in-house gateways take a signed JSON POST): the body is
/// <c>{"reference","to","text","sender"}</c>, signed like the escalation webhook (<c>X-RiskMonitor-Timestamp</c>, and
/// <c>X-RiskMonitor-Signature: sha256=HEX</c> of <c>{timestamp}.{body}</c>). A 2xx answer means taken; its JSON
/// <c>messageId</c> (or <c>id</c>) and <c>status</c> are kept for the delivery receipt the gateway may post later.
/// Anything else throws, and the outbox retries the message with its backoff. One try per call: the outbox owns retries.
/// </summary>
internal sealed class SmsGatewayChannel(HttpClient http, IOptions<MessagingOptions> options, TimeProvider time) : IMessageChannel
{
    public MessageChannelKind Kind => MessageChannelKind.Sms;

    public bool Enabled => options.Value.Sms.Url is not null;

    public async Task<MessageReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sms = options.Value.Sms;
        var url = sms.Url ?? throw new InvalidOperationException("Messaging:Sms:Url is not set.");
        var phone = message.To.Phone ?? throw new InvalidOperationException($"{message.To.Name} has no phone number.");
        var body = JsonSerializer.Serialize(new SmsRequest(message.Reference, phone, message.Text, sms.Sender));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(WebhookChannel.TimestampHeader, timestamp);
        if (sms.Secret is { Length: > 0 } secret)
        {
            request.Headers.Add(WebhookChannel.SignatureHeader, "sha256=" + WebhookChannel.Sign(secret, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(sms.Timeout);
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"SMS gateway answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }

        // The answer's shape is the gateway's; an id under "messageId" or "id" is what receipts refer to.
        var answer = await response.Content.ReadAsStringAsync(timeout.Token);
        try
        {
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            var id = root.ValueKind == JsonValueKind.Object
                ? (root.TryGetProperty("messageId", out var m) ? m : root.TryGetProperty("id", out var i) ? i : default)
                : default;
            var status = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var s) ? s.ToString() : "accepted";
            return new MessageReceipt(id.ValueKind is JsonValueKind.String or JsonValueKind.Number ? id.ToString() : null, status);
        }
        catch (JsonException)
        {
            return new MessageReceipt(null, "accepted");
        }
    }

    private sealed record SmsRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("reference")] string Reference,
        [property: System.Text.Json.Serialization.JsonPropertyName("to")] string To,
        [property: System.Text.Json.Serialization.JsonPropertyName("text")] string Text,
        [property: System.Text.Json.Serialization.JsonPropertyName("sender")] string? Sender);
}
