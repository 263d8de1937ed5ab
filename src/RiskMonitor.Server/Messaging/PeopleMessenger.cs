using Microsoft.Extensions.Options;
using RiskMonitor.Domain.Messaging;
using RiskMonitor.Server.Escalation;
using RiskMonitor.Storage.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// Sends an escalation notice to the named people it addresses, one e-mail and one text per person (as the contact
/// directory and the roster give addresses), through the channels behind <see cref="IMessageChannel"/>. Called by
/// <see cref="NotificationDispatcher"/> for each notice it delivers: each message is remembered in the outbox under its
/// key (<c>email:张三</c>), so a retry sends only what did not go; a message held for quiet hours is remembered as
/// <c>quiet:email:张三</c> and not retried.
/// </summary>
internal sealed class PeopleMessenger(
    IEnumerable<IMessageChannel> channels, IOptionsMonitor<MessagingOptions> options, IDeliveryLog log, TimeProvider time, ILogger<PeopleMessenger> logger)
{
    public const string QuietPrefix = "quiet:";

    private readonly IReadOnlyList<IMessageChannel> _channels = [.. channels];

    public Task SendAsync(
        long noticeId, EscalationMessage message, ICollection<string> delivered, ICollection<string> errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue;
        return SendAsync(noticeId, message.AlertId, message.Step, message.Recipients, message.Alert.Severity, message.At,
            (channel, name) => (
                MessageTemplate.Render(settings.SubjectTemplate, message, name, settings.UtcOffset),
                MessageTemplate.Render(channel == MessageChannelKind.Email ? settings.EmailTemplate : settings.SmsTemplate, message, name, settings.UtcOffset)),
            delivered, errors, cancellationToken);
    }

    /// <summary>
    /// Sends one message per person and channel to <paramref name="recipients"/>, skipping the keys in
    /// <paramref name="delivered"/> and adding each that went (or was held for quiet hours). <paramref name="subject"/>
    /// names what the messages are about in the delivery log (an alert id, or <c>hazard:…</c>/<c>incident:…</c>, decision
    /// 0042); <paramref name="render"/> gives the subject line and the text for a channel and a person.
    /// A message with <paramref name="attachments"/> is a scheduled report (decision 0056): it goes by e-mail only (a
    /// text cannot carry a file) and quiet hours do not hold it, because a held message is not sent later and a report
    /// held would be lost; an e-mail read in the morning is not a 3 a.m. call.
    /// </summary>
    public async Task SendAsync(
        long noticeId, string subject, int step, IReadOnlyList<Domain.Escalation.EscalationRecipient> recipients, Domain.WarningLevel severity,
        DateTimeOffset at, Func<MessageChannelKind, string, (string Subject, string Text)> render, ICollection<string> delivered,
        ICollection<string> errors, CancellationToken cancellationToken, IReadOnlyList<MailAttachment>? attachments = null)
    {
        ArgumentNullException.ThrowIfNull(render);
        ArgumentNullException.ThrowIfNull(delivered);
        ArgumentNullException.ThrowIfNull(errors);
        var enabled = _channels.Where(c => c.Enabled && (attachments is null || c.Kind == MessageChannelKind.Email)).ToDictionary(c => c.Kind);
        if (enabled.Count == 0)
        {
            if (attachments is not null)
            {
                // A report has no hub to fall back on: it waits in the outbox (retried with its backoff) until e-mail is set up.
                errors.Add("email: no e-mail channel is configured (Messaging:Smtp:Host)");
            }

            return;
        }

        var directory = options.CurrentValue.Directory();
        var plan = MessagePlanner.Plan(recipients, name => directory.GetValueOrDefault(name), severity, at, enabled.Keys.ToHashSet());
        foreach (var planned in plan)
        {
            if (delivered.Contains(planned.Key) || delivered.Contains(QuietPrefix + planned.Key))
            {
                continue;
            }

            var channel = enabled[planned.Channel];
            var address = planned.Channel == MessageChannelKind.Email ? planned.Recipient.Email! : planned.Recipient.Phone!;
            if (planned.HeldForQuietHours && attachments is null)
            {
                MessagingLog.HeldForQuietHours(logger, subject, step, planned.Key);
                await log.RecordAsync(new DeliveryRecord(noticeId, subject, step, planned.Key, address, null, DeliveryStatus.Quiet, null, time.GetUtcNow()), cancellationToken);
                delivered.Add(QuietPrefix + planned.Key);
                continue;
            }

            var (title, text) = render(planned.Channel, planned.Recipient.Name);
            var outgoing = new OutgoingMessage(
                planned.Recipient, title, text, $"{subject}/{step.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{planned.Key}", severity, attachments);
            try
            {
                var receipt = await channel.SendAsync(outgoing, cancellationToken);
                delivered.Add(planned.Key);
                await log.RecordAsync(
                    new DeliveryRecord(noticeId, subject, step, planned.Key, address, receipt.ProviderMessageId, DeliveryStatus.Sent, receipt.Status, time.GetUtcNow()),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MessagingLog.SendFailed(logger, ex, planned.Key, subject, step);
                errors.Add($"{planned.Key}: {ex.Message}");
            }
        }
    }
}
