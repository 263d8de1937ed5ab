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

    public async Task SendAsync(
        long noticeId, EscalationMessage message, ICollection<string> delivered, ICollection<string> errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(delivered);
        ArgumentNullException.ThrowIfNull(errors);
        var enabled = _channels.Where(c => c.Enabled).ToDictionary(c => c.Kind);
        if (enabled.Count == 0)
        {
            return;
        }

        var settings = options.CurrentValue;
        var directory = settings.Directory();
        var plan = MessagePlanner.Plan(
            message.Recipients, name => directory.GetValueOrDefault(name), message.Alert.Severity, message.At, enabled.Keys.ToHashSet());
        foreach (var planned in plan)
        {
            if (delivered.Contains(planned.Key) || delivered.Contains(QuietPrefix + planned.Key))
            {
                continue;
            }

            var channel = enabled[planned.Channel];
            var address = planned.Channel == MessageChannelKind.Email ? planned.Recipient.Email! : planned.Recipient.Phone!;
            if (planned.HeldForQuietHours)
            {
                MessagingLog.HeldForQuietHours(logger, message.AlertId, message.Step, planned.Key);
                await log.RecordAsync(new DeliveryRecord(noticeId, message.AlertId, message.Step, planned.Key, address, null, DeliveryStatus.Quiet, null, time.GetUtcNow()), cancellationToken);
                delivered.Add(QuietPrefix + planned.Key);
                continue;
            }

            var outgoing = new OutgoingMessage(
                planned.Recipient,
                MessageTemplate.Render(settings.SubjectTemplate, message, planned.Recipient.Name, settings.UtcOffset),
                MessageTemplate.Render(planned.Channel == MessageChannelKind.Email ? settings.EmailTemplate : settings.SmsTemplate, message, planned.Recipient.Name, settings.UtcOffset),
                $"{message.AlertId}/{message.Step.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{planned.Key}",
                message.Alert.Severity);
            try
            {
                var receipt = await channel.SendAsync(outgoing, cancellationToken);
                delivered.Add(planned.Key);
                await log.RecordAsync(
                    new DeliveryRecord(noticeId, message.AlertId, message.Step, planned.Key, address, receipt.ProviderMessageId, DeliveryStatus.Sent, receipt.Status, time.GetUtcNow()),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MessagingLog.SendFailed(logger, ex, planned.Key, message.AlertId, message.Step);
                errors.Add($"{planned.Key}: {ex.Message}");
            }
        }
    }
}
