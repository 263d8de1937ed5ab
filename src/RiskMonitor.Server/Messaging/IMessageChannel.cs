using RiskMonitor.Domain;
using RiskMonitor.Domain.Messaging;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// The port every way of reaching a person goes through (e-mail, SMS; voice later): one message to one person. A channel
/// throws when the message was not taken (the outbox retries it); it returns what the provider said when it was.
/// </summary>
internal interface IMessageChannel
{
    MessageChannelKind Kind { get; }

    /// <summary>False while the channel is not configured: the planner then plans nothing for it.</summary>
    bool Enabled { get; }

    Task<MessageReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <param name="Reference">Stable for one notice and one person (<c>{alertId}/{step}/{key}</c>): providers and receivers use it to drop duplicates of an at-least-once send.</param>
/// <param name="Attachments">Files an e-mail carries (a scheduled report's PDF and .xlsx, decision 0056); none for a notice.</param>
internal sealed record OutgoingMessage(
    MessageRecipient To, string Subject, string Text, string Reference, WarningLevel Severity, IReadOnlyList<MailAttachment>? Attachments = null);

/// <summary>A file attached to an e-mail.</summary>
internal sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>What the provider said on taking a message: its id for the message (for delivery receipts) and its status word.</summary>
internal sealed record MessageReceipt(string? ProviderMessageId, string Status);
