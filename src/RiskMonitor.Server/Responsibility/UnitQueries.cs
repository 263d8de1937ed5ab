using System.Security.Claims;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Alerts;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>The unit pages' reads (a <c>unit</c> account sees its organisation's alerts only): store, party cases and alerts.</summary>
internal sealed class UnitQueries(IResponsibilityStore store, IPartyCaseStore cases, IAlertStore alerts, TimeProvider time)
{
    private const int UnitListLimit = 200;

    /// <summary>The organisation naming the caller's account among its people, or null.</summary>
    public Task<Organisation?> OrganisationOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        store.FindOrganisationOfAccountAsync(Actor(user), cancellationToken);

    /// <summary>
    /// The alerts routed to the caller's organisation in the last 7 days (at most 200), each with this unit's duties and its
    /// rescue when the rescue is this unit's; null when no organisation names the caller.
    /// </summary>
    public async Task<IReadOnlyList<UnitAlert>?> AlertsAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await OrganisationOfAsync(user, cancellationToken) is not { } organisation)
        {
            return null;
        }

        var mine = await cases.ListForOrganisationAsync(organisation.Id, time.GetUtcNow().AddDays(-7), UnitListLimit, cancellationToken);
        var list = new List<UnitAlert>(mine.Count);
        foreach (var partyCase in mine)
        {
            if (await alerts.FindAsync(partyCase.AlertId, cancellationToken) is { } alert)
            {
                list.Add(new UnitAlert(alert, [.. partyCase.Duties.Where(d => d.OrganisationId == organisation.Id)],
                    partyCase.Rescue?.UnitId == organisation.Id ? partyCase.Rescue : null));
            }
        }

        return list;
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
