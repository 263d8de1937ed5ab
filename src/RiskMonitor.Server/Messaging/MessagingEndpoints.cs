using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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

    private static Task<Results<NoContent, ProblemHttpResult, NotFound<ProblemDetails>, ValidationProblem>> Receipt(
        HttpRequest request, SmsReceipts receipts, CancellationToken cancellationToken) =>
        receipts.ApplyAsync(
            request.Body, request.Headers[WebhookChannel.TimestampHeader].ToString(), request.Headers[WebhookChannel.SignatureHeader].ToString(), cancellationToken);
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
