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
    DateTimeOffset At)
{
    /// <summary>
    /// What the notice is: a step up the grid (<see cref="NoticeKind.Escalation"/>, the default), or the responsible
    /// parties told (issue 20). A receiver drops duplicates by (alert, kind, step).
    /// </summary>
    public NoticeKind Kind { get; init; }
}

public enum NoticeKind
{
    /// <summary>A step of the grid's escalation (DESIGN.md §6).</summary>
    Escalation,

    /// <summary>The parties answerable for the asset told of the alert, each with what is due from it and by when (step 0; when the alert worsens, told again with step = the new severity's number).</summary>
    PartiesTold,

    /// <summary>A party missed its time: its regulator and the duty room told (step n = the n-th such notice of the alert).</summary>
    PartyOverdue,
}
