using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Responsibility;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Responsibility;

/// <summary>
/// A party's acts on an alert's case: the rescue's arrival and release as the command centre records them
/// (<c>/api/rescues</c>), and a unit's acknowledge, arrival and release on its own page (<c>/api/unit/alerts</c>), which
/// act for the organisation naming the caller's account. The case grain decides; this turns its outcome into the API's
/// answer. Talks to the responsibility store and <see cref="IGrainGateway"/> only, so it is tested without a silo.
/// </summary>
internal sealed class RescueCommands(IResponsibilityStore store, IGrainGateway grains)
{
    /// <summary>The command centre records an act for the case (no organisation: the grain finds the rescue's unit).</summary>
    public Task<Results<NoContent, ProblemHttpResult>> ActAsync(string alertId, PartyAct act, ClaimsPrincipal user) =>
        ActAsync(alertId, act, null, user);

    /// <summary>A unit acts for its own organisation; an account no organisation names is refused before any grain is asked.</summary>
    public async Task<Results<NoContent, ProblemHttpResult>> UnitActAsync(string alertId, PartyAct act, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await store.FindOrganisationOfAccountAsync(Actor(user), cancellationToken) is not { } organisation)
        {
            return NoOrganisation(user);
        }

        return await ActAsync(alertId, act, organisation.Id, user);
    }

    /// <summary>The answer to a unit account that no organisation names among its people.</summary>
    public static ProblemHttpResult NoOrganisation(ClaimsPrincipal user) =>
        Problems.NotFound("No organisation", $"No organisation names the account '{Actor(user)}' among its people.");

    private async Task<Results<NoContent, ProblemHttpResult>> ActAsync(string alertId, PartyAct act, string? organisationId, ClaimsPrincipal user)
    {
        var outcome = await grains.PartyActAsync(alertId, act, organisationId, Actor(user));
        return outcome switch
        {
            PartyActOutcome.Done => TypedResults.NoContent(),
            // Another unit's alert reads as unknown: a unit account learns nothing of alerts that are not its own.
            PartyActOutcome.UnknownCase or PartyActOutcome.NotAParty => Problems.NotFound("Not routed to you", $"Alert '{alertId}' has no duty for you."),
            PartyActOutcome.NotARescue => Problems.Conflict("Not a rescue", $"Alert '{alertId}' is not an entrapment: there is no arrival or release to record."),
            _ => Problems.Conflict("Already recorded", $"This step of alert '{alertId}' is already on record; the first record stands."),
        };
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
