using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Storage.Messaging;

/// <summary>The record outbox of a server run without PostgreSQL.</summary>
public sealed class InMemoryRecordMessageOutbox : IRecordMessageOutbox
{
    private readonly Lock _gate = new();
    private readonly List<(QueuedRecordMessage Queued, DateTimeOffset NextAttemptAt)> _rows = [];

    public Task<bool> EnqueueAsync(RecordMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (_rows.Any(r => r.Queued.Message.Subject == message.Subject && r.Queued.Message.Kind == message.Kind && r.Queued.Message.Step == message.Step))
            {
                return Task.FromResult(false);
            }

            _rows.Add((new QueuedRecordMessage(_rows.Count + 1, message, 0, [], null, null, null), dueAt));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<QueuedRecordMessage>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var due = new List<QueuedRecordMessage>();
            for (var i = 0; i < _rows.Count && due.Count < limit; i++)
            {
                var (queued, next) = _rows[i];
                if (queued.DeliveredAt is null && queued.FailedAt is null && next <= now)
                {
                    _rows[i] = (queued, leaseUntil);
                    due.Add(queued);
                }
            }

            return Task.FromResult<IReadOnlyList<QueuedRecordMessage>>(due);
        }
    }

    public Task MarkAsync(long messageId, IReadOnlyCollection<string> deliveredKeys, string? error, DateTimeOffset at, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var i = _rows.FindIndex(r => r.Queued.MessageId == messageId);
            if (i >= 0)
            {
                var queued = _rows[i].Queued with
                {
                    Attempts = _rows[i].Queued.Attempts + 1,
                    DeliveredKeys = [.. deliveredKeys],
                    DeliveredAt = error is null ? at : null,
                    FailedAt = error is not null && nextAttemptAt is null ? at : null,
                    LastError = error,
                };
                _rows[i] = (queued, nextAttemptAt ?? at);
            }

            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<QueuedRecordMessage>> ListAsync(string? subject, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QueuedRecordMessage>>([.. _rows.Select(r => r.Queued)
                .Where(q => subject is null || q.Message.Subject == subject).Reverse().Take(Math.Clamp(limit, 1, 10_000))]);
        }
    }
}
