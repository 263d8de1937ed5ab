using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>The messages sent to people, and the SMS gateway's delivery receipts.</summary>
internal static class MessagingEndpoints
{
    /// <summary>A receipt signed longer ago than this is refused (a replayed one).</summary>
    public static readonly TimeSpan ReceiptWindow = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapMessagingEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(Policies.CityWide)
            .MapGet("/messages", List).WithName("ListMessages")
            .WithSummary("E-mails and text messages sent for escalation notices, newest first (filter by alertId): address, provider id, status sent|quiet|delivered|undelivered, receipt time.");
        // The gateway holds no account: it proves itself with the shared secret's HMAC signature instead.
        routes.MapPost("/api/notifications/sms/receipts", Receipt).WithTags("Notifications").WithName("SmsDeliveryReceipt").AllowAnonymous()
            .WithSummary("Delivery receipt from the SMS gateway, signed like the messages it gets: {\"messageId\",\"status\":\"delivered|undelivered\",\"detail\"}.");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<MessageView>>> List(IDeliveryLog log, CancellationToken cancellationToken, string? alertId = null, int limit = 100)
    {
        var records = await log.ListAsync(string.IsNullOrWhiteSpace(alertId) ? null : alertId, limit, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<MessageView>>([.. records.Select(MessageView.From)]);
    }

    private static async Task<Results<NoContent, ProblemHttpResult, NotFound<ProblemDetails>, ValidationProblem>> Receipt(
        HttpRequest request, IDeliveryLog log, IOptions<MessagingOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(MessagingEndpoints));
        if (options.Value.Sms.Secret is not { Length: > 0 } secret)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No SMS gateway", detail: "Receipts are taken only when Messaging:Sms:Secret is set.");
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var timestamp = request.Headers[WebhookChannel.TimestampHeader].ToString();
        var signature = request.Headers[WebhookChannel.SignatureHeader].ToString();
        var now = time.GetUtcNow();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > ReceiptWindow
            || !signature.StartsWith("sha256=", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature[7..]), Encoding.ASCII.GetBytes(WebhookChannel.Sign(secret, timestamp, body))))
        {
            MessagingLog.ReceiptRefused(logger, "bad or stale signature");
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unsigned receipt",
                detail: $"Sign {{timestamp}}.{{body}} with the gateway secret (HMAC-SHA256) in {WebhookChannel.SignatureHeader}, the timestamp (Unix seconds, within 5 minutes) in {WebhookChannel.TimestampHeader}.");
        }

        SmsReceipt? receipt;
        try
        {
            receipt = JsonSerializer.Deserialize<SmsReceipt>(body, JsonSerializerOptions.Web);
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

internal sealed record MessageView(
    long NoticeId, string AlertId, int Step, string Channel, string Recipient, string Address, string? ProviderMessageId, DeliveryStatus Status,
    string? ProviderStatus, DateTimeOffset At, DateTimeOffset? ReceiptAt)
{
    public static MessageView From(DeliveryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.NoticeId, record.AlertId, record.Step, record.Channel, record.Key.Split(':', 2)[^1], record.Address,
            record.ProviderMessageId, record.Status, record.ProviderStatus, record.At, record.ReceiptAt);
    }
}
