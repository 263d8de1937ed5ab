using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RiskMonitor.Contracts.Assets;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Alerts;
using RiskMonitor.Server.Platform.Http;
using RiskMonitor.Server.Platform.Orleans;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Assets;

/// <summary>The filters of <c>GET /api/assets</c>, as they arrive in the query string.</summary>
internal sealed record AssetListFilter(
    string? Kind = null, string? RegionId = null, string? Industry = null, RiskColour? MinColour = null, int Offset = 0, int Limit = 500);

/// <summary>
/// Listing assets: the registry in force, cut to the caller's regions and the filters, each with its level and colour
/// from the alert read model. Made per request (transient): <paramref name="map"/> is the region map in force then.
/// </summary>
internal sealed class AssetQueries(IAssetRegistry registry, RegionMap map, AlertReadModel alerts, ICallerAccess access, IGrainGateway grains)
{
    public Results<Ok<AssetPage>, ValidationProblem> List(AssetListFilter filter, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (kind, regionId, industry, minColour, offset, limit) = (filter.Kind, filter.RegionId, filter.Industry, filter.MinColour, filter.Offset, filter.Limit);
        if (offset < 0 || limit is < 1 or > 10_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["paging"] = ["offset must be >= 0 and limit between 1 and 10000."],
            });
        }

        var scope = access.ScopeOf(user);
        var matches = registry.All
            .Where(a => access.CanSeeAsset(scope, a.Id) && (kind is null || a.Kind == kind) && (regionId is null || a.RegionId == regionId || map.IsAssetWithin(a.Id, regionId)) && (industry is null || a.Industry == industry))
            .Select(a =>
            {
                var level = alerts.LevelOf(a.Id);
                return new AssetSummary(a.Id, a.Name, a.Kind, a.Industry, a.RegionId, a.InherentLevel, level,
                    RiskLevels.ColourOf(a.InherentLevel, level), alerts.IsOnline(a.Id));
            })
            .Where(a => minColour is null || a.Colour >= minColour)
            .OrderBy(a => a.AssetId, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new AssetPage(matches.Count, offset, [.. matches.Skip(offset).Take(limit)]));
    }

    /// <summary><c>GET /api/assets/{assetId}</c>: an asset of the registry as its grain holds it (latest values, when last heard from).</summary>
    public async Task<Results<Ok<AssetView>, ProblemHttpResult>> GetAsync(string assetId) =>
        registry.TryGet(assetId, out _)
            ? TypedResults.Ok(await grains.AssetViewAsync(assetId))
            : Problems.NotFound("Unknown asset", $"No asset '{assetId}' in the registry.");
}
