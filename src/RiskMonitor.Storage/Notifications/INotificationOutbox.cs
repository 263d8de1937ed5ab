using RiskMonitor.Contracts.Notifications;

namespace RiskMonitor.Storage.Notifications;

/// <summary>
/// Escalation notices waiting for delivery (docs/decisions/0018-notification-outbox.md). The alert store writes a
/// notice with its <c>escalated</c> ledger line (<see cref="Alerts.IAlertStore.AppendEscalationAsync"/>); a worker
/// claims the due ones, delivers them through every channel and marks them. Delivery is at least once per channel.
/// </summary>
public interface INotificationOutbox
{
    /// <summary>
    /// Takes up to <paramref name="limit"/> notices due at <paramref name="now"/>, oldest first, and pushes their next
    /// attempt to <paramref name="leaseUntil"/>: a worker that dies while delivering leaves them to be taken again then.
    /// </summary>
    Task<IReadOnlyList<OutboxNotice>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    Task MarkDeliveredAsync(long noticeId, IReadOnlyCollection<string> channels, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; <paramref name="nextAttemptAt"/> null gives up (the notice is marked failed).</summary>
    Task MarkFailedAsync(
        long noticeId, IReadOnlyCollection<string> deliveredChannels, string error, DateTimeOffset at, DateTimeOffset? nextAttemptAt,
        CancellationToken cancellationToken = default);

    /// <summary>Notices newest first, optionally of one alert or one status.</summary>
    Task<IReadOnlyList<OutboxNotice>> ListAsync(string? alertId, OutboxStatus? status, int limit, CancellationToken cancellationToken = default);
}

public enum OutboxStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One notice in the outbox and how its delivery went.</summary>
public sealed record OutboxNotice(
    long NoticeId,
    string AlertId,
    int Step,
    DateTimeOffset CreatedAt,
    int Attempts,
    IReadOnlyList<string> DeliveredChannels,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? FailedAt,
    string? LastError,
    EscalationNotice Notice)
{
    public OutboxStatus Status => DeliveredAt is not null ? OutboxStatus.Delivered : FailedAt is not null ? OutboxStatus.Failed : OutboxStatus.Pending;
}
