using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Notifications;

namespace RiskMonitor.Server.Escalation;

/// <summary>The notification outbox over REST: which escalation notices went out, which wait for a retry, which failed.</summary>
internal static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var notices = routes.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(Policies.CityWide);
        notices.MapGet("/", List).WithName("ListNotifications")
            .WithSummary("Escalation notices in the durable outbox, newest first, with attempts, the channels that took them and the last error; filter by alertId and status (pending, delivered, failed).");
        return notices;
    }

    private static async Task<Results<Ok<IReadOnlyList<NoticeView>>, ValidationProblem>> List(
        INotificationOutbox outbox, CancellationToken cancellationToken, string? alertId = null, string? status = null, int limit = 100)
    {
        OutboxStatus? filter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["One of: pending, delivered, failed."] });
            }

            filter = parsed;
        }

        var notices = await outbox.ListAsync(alertId, filter, limit, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<NoticeView>>([.. notices.Select(NoticeView.From)]);
    }
}

internal sealed record NoticeView(
    long NoticeId, string AlertId, int Step, int Level, DateTimeOffset CreatedAt, OutboxStatus Status, int Attempts,
    IReadOnlyList<string> DeliveredChannels, DateTimeOffset? DeliveredAt, DateTimeOffset? FailedAt, string? LastError,
    IReadOnlyList<Domain.Escalation.EscalationRecipient> Recipients)
{
    /// <summary>A grid escalation step or a notice of the responsibility chain (issue 20).</summary>
    public Contracts.Notifications.NoticeKind Kind { get; init; }

    public static NoticeView From(OutboxNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new(notice.NoticeId, notice.AlertId, notice.Step, notice.Notice.Level, notice.CreatedAt, notice.Status, notice.Attempts,
            notice.DeliveredChannels, notice.DeliveredAt, notice.FailedAt, notice.LastError, notice.Notice.Recipients)
        { Kind = notice.Notice.Kind };
    }
}
