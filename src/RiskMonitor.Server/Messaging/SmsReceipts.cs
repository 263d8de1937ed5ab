using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// The SMS gateway's delivery receipts: taken only when a gateway secret is set, only signed with it (HMAC-SHA256 of
/// <c>{timestamp}.{body}</c>) and signed within <see cref="MessagingEndpoints.ReceiptWindow"/> (a replay is refused), then
/// applied to the message the gateway names in the delivery log. Tested on the in-memory log. Logs under the category the
/// handler used (<see cref="MessagingEndpoints"/>), so log filters keep working.
/// </summary>
internal sealed class SmsReceipts(IDeliveryLog log, IOptions<MessagingOptions> options, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(typeof(MessagingEndpoints));

    /// <param name="body">The request body, read only once the gateway is known to be configured.</param>
    /// <param name="timestamp">The <see cref="WebhookChannel.TimestampHeader"/> header as sent (Unix seconds).</param>
    /// <param name="signature">The <see cref="WebhookChannel.SignatureHeader"/> header as sent (<c>sha256=</c> and the hex HMAC).</param>
    public async Task<Results<NoContent, ProblemHttpResult, NotFound<ProblemDetails>, ValidationProblem>> ApplyAsync(
        Stream body, string timestamp, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(signature);
        if (options.Value.Sms.Secret is not { Length: > 0 } secret)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No SMS gateway", detail: "Receipts are taken only when Messaging:Sms:Secret is set.");
        }

        using var reader = new StreamReader(body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > MessagingEndpoints.ReceiptWindow
            || !signature.StartsWith("sha256=", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature[7..]), Encoding.ASCII.GetBytes(WebhookChannel.Sign(secret, timestamp, text))))
        {
            MessagingLog.ReceiptRefused(_logger, "bad or stale signature");
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unsigned receipt",
                detail: $"Sign {{timestamp}}.{{body}} with the gateway secret (HMAC-SHA256) in {WebhookChannel.SignatureHeader}, the timestamp (Unix seconds, within 5 minutes) in {WebhookChannel.TimestampHeader}.");
        }

        SmsReceipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<SmsReceipt>(text, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            receipt = null;
        }

        var status = receipt?.Status?.Trim().ToLowerInvariant() switch
        {
            "delivered" => DeliveryStatus.Delivered,
            "undelivered" or "failed" => DeliveryStatus.Undelivered,
            _ => (DeliveryStatus?)null,
        };
        if (receipt is null || string.IsNullOrWhiteSpace(receipt.MessageId) || status is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = ["{\"messageId\": the id the gateway answered with, \"status\": \"delivered\" or \"undelivered\", \"detail\": optional}."],
            });
        }

        if (!await log.ApplyReceiptAsync("sms", receipt.MessageId, status.Value, receipt.Detail ?? receipt.Status, now, cancellationToken))
        {
            return TypedResults.NotFound(new ProblemDetails { Title = "Unknown message", Detail = $"No text message was sent with id '{receipt.MessageId}'." });
        }

        return TypedResults.NoContent();
    }

    private sealed record SmsReceipt(string? MessageId, string? Status, string? Detail);
}
