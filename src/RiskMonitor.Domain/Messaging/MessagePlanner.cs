using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Domain.Messaging;

/// <summary>
/// Who of an escalation step's recipients gets an e-mail and who a text message (pure). A named recipient is looked up
/// in the contact directory; the phone the roster or region file gives, and the e-mail the organisation registry gives a
/// responsible party's notice, are used when the directory has none. A recipient
/// without a name (a role nobody is rostered for) gets nothing here: the role's group still hears it on the hub. The same
/// person addressed twice in one step (officer and region supervisor) is sent one message per channel.
/// </summary>
public static class MessagePlanner
{
    public static IReadOnlyList<PlannedMessage> Plan(
        IEnumerable<EscalationRecipient> recipients, Func<string, PersonContact?> directory, WarningLevel severity, DateTimeOffset at,
        IReadOnlySet<MessageChannelKind> available)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(available);
        var planned = new List<PlannedMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recipient in recipients)
        {
            if (string.IsNullOrWhiteSpace(recipient.Name) || !seen.Add(recipient.Name))
            {
                continue;
            }

            var contact = directory(recipient.Name);
            var phone = NullIfBlank(contact?.Phone) ?? NullIfBlank(recipient.Phone);
            // A responsible party's notice carries the address the organisation registry holds (issue 20).
            var email = NullIfBlank(contact?.Email) ?? NullIfBlank(recipient.Email);
            var to = new MessageRecipient(recipient.Name, email, phone);
            var quiet = contact?.Quiet?.Silences(at, severity) ?? false;
            if (email is not null && available.Contains(MessageChannelKind.Email))
            {
                planned.Add(new PlannedMessage(KeyFor(MessageChannelKind.Email, recipient.Name), MessageChannelKind.Email, to, quiet));
            }

            if (phone is not null && available.Contains(MessageChannelKind.Sms))
            {
                planned.Add(new PlannedMessage(KeyFor(MessageChannelKind.Sms, recipient.Name), MessageChannelKind.Sms, to, quiet));
            }
        }

        return planned;
    }

    /// <summary><c>email:张三</c>, <c>sms:张三</c>: the name of a delivery in the outbox's list of channels that took a notice.</summary>
    public static string KeyFor(MessageChannelKind channel, string name) =>
        (channel == MessageChannelKind.Email ? "email:" : "sms:") + name;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
