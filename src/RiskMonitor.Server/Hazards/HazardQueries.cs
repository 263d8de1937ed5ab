using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>The filters of <c>GET /api/hazards</c>, as they arrive in the query string.</summary>
internal sealed record HazardListFilter(
    string? Status = null, string? Level = null, string? RegionId = null, string? Industry = null, bool Overdue = false, int Offset = 0, int Limit = 1000);

/// <summary>
/// Listing the hazard ledger: the store's page, newest first, cut to what the caller's regions cover, each hazard with its
/// overdue flag at the time of the request. Talks to the store and <see cref="ICallerAccess"/> only, so it is tested
/// without a database.
/// </summary>
internal sealed class HazardQueries(IHazardStore store, ICallerAccess access, TimeProvider time)
{
    public async Task<Results<Ok<IReadOnlyList<HazardView>>, ValidationProblem>> ListAsync(
        HazardListFilter filter, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = new Dictionary<string, string[]>();
        var status = EnumQuery.Parse<HazardStatus>(filter.Status, "status", errors);
        var level = EnumQuery.Parse<HazardLevel>(filter.Level, "level", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var hazards = await store.QueryAsync(
            new HazardQuery(status, level, filter.RegionId, filter.Industry, filter.Overdue ? now : null, filter.Offset, filter.Limit), cancellationToken);
        // A caller scoped to regions sees the hazards of their assets and regions (filtered after paging: a page may
        // come back short, never with someone else's hazard).
        var scope = access.ScopeOf(user);
        return TypedResults.Ok<IReadOnlyList<HazardView>>([.. hazards
            .Where(h => access.CanSeeRecord(scope, h.AssetId, h.RegionId))
            .Select(h => HazardView.Of(h, now))]);
    }
}
