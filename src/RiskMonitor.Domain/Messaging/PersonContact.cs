namespace RiskMonitor.Domain.Messaging;

/// <summary>How to reach one named person outside the browser (实名制: the name is the one on the roster and region file).</summary>
public sealed record PersonContact(string Name, string? Email, string? Phone, QuietHours? Quiet = null);

/// <summary>Where a message goes: the person's name and the addresses the channels may use.</summary>
public sealed record MessageRecipient(string Name, string? Email, string? Phone);

/// <summary>The ways of reaching a person that the planner knows about.</summary>
public enum MessageChannelKind
{
    Email,
    Sms,
}

/// <summary>One message to send (or to hold back, when <see cref="HeldForQuietHours"/>) to one person over one channel.</summary>
/// <param name="Key">Stable per notice: the outbox remembers it once sent, so a retry does not send it again.</param>
public sealed record PlannedMessage(string Key, MessageChannelKind Channel, MessageRecipient Recipient, bool HeldForQuietHours);
