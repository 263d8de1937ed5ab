using RiskMonitor.Contracts.Notifications;

namespace RiskMonitor.Storage.Notifications;

/// <summary>The outbox of a server run without PostgreSQL: the same contract in memory (durable only as long as the process).</summary>
public sealed class InMemoryNotificationOutbox : INotificationOutbox
{
    private readonly Lock _gate = new();
    private readonly List<(OutboxNotice Notice, DateTimeOffset NextAttemptAt)> _rows = [];

    public void Add(EscalationNotice notice, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (_gate)
        {
            _rows.Add((new OutboxNotice(_rows.Count + 1, notice.Alert.AlertId, notice.Step, at, 0, [], null, null, null, notice), at));
        }
    }

    public Task<IReadOnlyList<OutboxNotice>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var claimed = new List<OutboxNotice>();
            for (var i = 0; i < _rows.Count && claimed.Count < limit; i++)
            {
                var (notice, next) = _rows[i];
                if (notice.Status == OutboxStatus.Pending && next <= now)
                {
                    _rows[i] = (notice, leaseUntil);
                    claimed.Add(notice);
                }
            }

            return Task.FromResult<IReadOnlyList<OutboxNotice>>(claimed);
        }
    }

    public Task MarkDeliveredAsync(long noticeId, IReadOnlyCollection<string> channels, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        Update(noticeId, n => (n with { Attempts = n.Attempts + 1, DeliveredChannels = [.. channels], DeliveredAt = at, LastError = null }, at));
        return Task.CompletedTask;
    }

    public Task MarkFailedAsync(
        long noticeId, IReadOnlyCollection<string> deliveredChannels, string error, DateTimeOffset at, DateTimeOffset? nextAttemptAt,
        CancellationToken cancellationToken = default)
    {
        Update(noticeId, n => (n with
        {
            Attempts = n.Attempts + 1,
            DeliveredChannels = [.. deliveredChannels],
            LastError = error,
            FailedAt = nextAttemptAt is null ? at : null,
        }, nextAttemptAt ?? at));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxNotice>> ListAsync(string? alertId, OutboxStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxNotice>>([.. _rows.Select(r => r.Notice)
                .Where(n => (alertId is null || n.AlertId == alertId) && (status is null || n.Status == status))
                .OrderByDescending(n => n.NoticeId).Take(Math.Clamp(limit, 1, 10_000))]);
        }
    }

    private void Update(long noticeId, Func<OutboxNotice, (OutboxNotice, DateTimeOffset)> change)
    {
        lock (_gate)
        {
            var index = _rows.FindIndex(r => r.Notice.NoticeId == noticeId);
            if (index >= 0)
            {
                _rows[index] = change(_rows[index].Notice);
            }
        }
    }
}
