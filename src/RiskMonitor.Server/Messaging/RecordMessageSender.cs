using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// Sends the record outbox (overdue listed hazards, incident reporting clocks; decision 0042) by e-mail and SMS through
/// the same people messenger as the escalations (decision 0036): each delivery key is remembered, so a retry sends only
/// the text that failed, with the escalation outbox's backoff (5 s doubling to 10 min) and lease.
/// </summary>
internal sealed class RecordMessageSender(
    IRecordMessageOutbox outbox, PeopleMessenger messenger, TimeProvider time, ILogger<RecordMessageSender> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Queues a message and wakes the sender; the outbox drops a second copy of the same (subject, kind, step).</summary>
    public async Task EnqueueAsync(RecordMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            if (await outbox.EnqueueAsync(message, time.GetUtcNow(), cancellationToken) && _wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The push is on the record's ledger (and in the feed) and went out on the hub; only its mail and text are lost.
            RecordMessageLog.EnqueueFailed(logger, ex, message.Subject, message.Kind, message.Step);
        }
    }

    /// <summary>One pass over the due messages; returns how many were looked at.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await outbox.ClaimDueAsync(now, now + NotificationDispatcher.Lease, 50, cancellationToken);
        foreach (var queued in due)
        {
            var message = queued.Message;
            var delivered = new List<string>(queued.DeliveredKeys);
            var errors = new List<string>();
            await messenger.SendAsync(queued.MessageId, message.Subject, message.Step, message.Recipients, message.Severity, message.CreatedAt,
                (channel, _) => (message.Title, channel == MessageChannelKind.Email ? message.Body : message.Title), delivered, errors, cancellationToken);
            var failures = queued.Attempts + 1;
            var at = time.GetUtcNow();
            if (errors.Count == 0)
            {
                await outbox.MarkAsync(queued.MessageId, delivered, null, at, null, cancellationToken);
                continue;
            }

            DateTimeOffset? next = failures >= NotificationDispatcher.MaxAttempts ? null : at + NotificationDispatcher.Backoff(failures);
            await outbox.MarkAsync(queued.MessageId, delivered, string.Join("; ", errors), at, next, cancellationToken);
        }

        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                RecordMessageLog.SendPassFailed(logger, ex);
            }

            try
            {
                await _wake.WaitAsync(NotificationDispatcher.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

internal static partial class RecordMessageLog
{
    [LoggerMessage(EventId = 4805, Level = LogLevel.Warning, Message = "Queueing the {Kind} message step {Step} of {Subject} failed: the hub push went out, its e-mail and SMS do not")]
    public static partial void EnqueueFailed(ILogger logger, Exception exception, string subject, string kind, int step);

    [LoggerMessage(EventId = 4806, Level = LogLevel.Warning, Message = "A pass over the record outbox failed; it runs again shortly")]
    public static partial void SendPassFailed(ILogger logger, Exception exception);
}
