using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// Sends the record outbox (overdue listed hazards, incident reporting clocks; decision 0042) by e-mail and SMS through
/// the same people messenger as the escalations (decision 0036): each delivery key is remembered, so a retry sends only
/// the text that failed, with the escalation outbox's backoff (5 s doubling to 10 min) and lease. A scheduled report's
/// PDF and .xlsx are rendered at each attempt by the <see cref="IReportAttachments"/> (decision 0056): the outbox keeps
/// what to render, not megabytes of files.
/// </summary>
internal sealed class RecordMessageSender(
    IRecordMessageOutbox outbox, PeopleMessenger messenger, IEnumerable<IReportAttachments> reports, TimeProvider time, ILogger<RecordMessageSender> logger) : BackgroundService
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
            var attachments = await AttachmentsAsync(message, errors, cancellationToken);
            if (errors.Count == 0)
            {
                await messenger.SendAsync(queued.MessageId, message.Subject, message.Step, message.Recipients, message.Severity, message.CreatedAt,
                    (channel, _) => (message.Title, channel == MessageChannelKind.Email ? message.Body : message.Title), delivered, errors, cancellationToken, attachments);
            }

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

    /// <summary>A report's files, or null for any other message; a failure to render is an error retried like a refused send.</summary>
    private async Task<IReadOnlyList<MailAttachment>?> AttachmentsAsync(RecordMessage message, List<string> errors, CancellationToken cancellationToken)
    {
        if (message.Report is not { } report)
        {
            return null;
        }

        if (reports.FirstOrDefault() is not { } renderer)
        {
            errors.Add("report: nothing on this node renders reports");
            return null;
        }

        try
        {
            return await renderer.RenderAsync(report, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RecordMessageLog.RenderFailed(logger, ex, message.Subject);
            errors.Add("report: " + ex.Message);
            return null;
        }
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

    [LoggerMessage(EventId = 4960, Level = LogLevel.Warning, Message = "Rendering the report of {Subject} failed; it is tried again with the outbox's backoff")]
    public static partial void RenderFailed(ILogger logger, Exception exception, string subject);
}

/// <summary>Renders the files a scheduled report carries (the circular as PDF and .xlsx; decision 0056).</summary>
internal interface IReportAttachments
{
    Task<IReadOnlyList<MailAttachment>> RenderAsync(ReportAttachment report, CancellationToken cancellationToken);
}
