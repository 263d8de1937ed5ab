using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Sites;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Sites;

/// <summary>
/// A site's 一图一牌三清单: checks the radius and that the asset is a site, then builds the board from the registry, the
/// site profiles and the live levels, with nearby assets cut to the caller's regions. Made per request (transient):
/// <paramref name="map"/> is the region map in force then.
/// </summary>
internal sealed class SiteBoardQueries(
    IAssetRegistry registry, SiteProfiles profiles, AlertReadModel alerts, RegionMap map, ICallerAccess access, TimeProvider time)
{
    public const double DefaultRadiusMetres = 500;

    public Results<Ok<SiteBoardJson>, ValidationProblem, ProblemHttpResult> Board(string assetId, double? radiusM, ClaimsPrincipal user)
    {
        if (radiusM is < 10 or > 5_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["radiusM"] = ["Give a radius from 10 to 5000 metres."] });
        }

        if (!registry.TryGet(assetId, out var site))
        {
            return Problems.NotFound("Unknown asset", $"No asset '{assetId}'.");
        }

        if (!SiteProfile.IsSiteKind(site.Kind))
        {
            return Problems.NotFound("Not a site", $"'{assetId}' is a {site.Kind}; boards exist for hazard sources and gas stations.");
        }

        // The site itself is in scope (RegionScopeFilter checks the route's asset id); what lies around it may not be: a
        // scoped reader sees only nearby assets and risk points of its own regions (issue 24 row 8).
        var scope = access.ScopeOf(user);
        var visible = scope.IsCityWide ? registry.All : registry.All.Where(a => access.CanSeeAsset(scope, a.Id));
        var board = SiteBoard.Build(site, visible, profiles.ById, alerts.LevelOf, map.Index, radiusM ?? DefaultRadiusMetres);
        return TypedResults.Ok(SiteBoardJson.From(board, time.GetUtcNow()));
    }
}
