using RiskMonitor.Domain.Hazards;

namespace RiskMonitor.Contracts.Notifications;

/// <summary>
/// Pushes an overdue listed hazard to the people addressed. Called from a grain after the push is on the hazard's
/// ledger (and so in the integration feed), so implementations queue and return at once.
/// </summary>
public interface IHazardNotifier
{
    void Overdue(HazardOverdueNotice notice);
}

/// <summary>Push <paramref name="Step"/> of one overdue listed hazard, addressed to its recipients.</summary>
public sealed record HazardOverdueNotice(Hazard Hazard, int Step, IReadOnlyList<HazardRecipient> Recipients, DateTimeOffset At);
