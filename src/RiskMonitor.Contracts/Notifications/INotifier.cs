using RiskMonitor.Contracts.Alerts;
using RiskMonitor.Domain.Escalation;

namespace RiskMonitor.Contracts.Notifications;

/// <summary>
/// Delivers escalation notices to people: SignalR groups per user and role, a webhook, and later SMS or voice
/// gateways. Called from grains, so implementations queue and return at once; delivery and retries happen behind.
/// </summary>
public interface INotifier
{
    void Notify(EscalationNotice notice);
}

/// <summary>One escalation step of one alert, addressed to its recipients.</summary>
public sealed record EscalationNotice(
    AlertView Alert,
    int Step,
    int Level,
    IReadOnlyList<EscalationRecipient> Recipients,
    DateTimeOffset At);
