using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Hazards;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Server.Platform.Security;
using RiskMonitor.Storage.Hazards;

namespace RiskMonitor.Server.Hazards;

/// <summary>
/// The wall's hazard layer (<c>GET /api/map/hazards</c>): open hazards the caller may see, each placed at its own
/// coordinates, else its asset, else the middle of its region. Transient, because <see cref="RegionMap"/> resolves to the
/// map in force at the time (decision 0053); talks to the store, the registry and <see cref="ICallerAccess"/> only.
/// </summary>
internal sealed class HazardLayerQueries(IHazardStore store, IAssetRegistry registry, RegionMap map, ICallerAccess access, TimeProvider time)
{
    public async Task<Ok<HazardLayer>> LayerAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var scope = access.ScopeOf(user);
        var features = new List<HazardFeature>();
        var unplaced = 0;
        foreach (var hazard in await store.QueryAsync(new HazardQuery(Limit: 10_000), cancellationToken))
        {
            if (hazard.Status == HazardStatus.Verified || !access.CanSeeRecord(scope, hazard.AssetId, hazard.RegionId))
            {
                continue;
            }

            if (PlaceOf(hazard) is not { } point)
            {
                unplaced++;
                continue;
            }

            features.Add(new HazardFeature("Feature", new HazardPoint("Point", [Math.Round(point.X, 6), Math.Round(point.Y, 6)]), new HazardFeatureProperties(
                hazard.HazardId, HazardFields.Name(hazard.Level), HazardFields.Name(hazard.Status), hazard.IsOverdue(now), hazard.ListedSupervision,
                hazard.Description, hazard.RegionId, hazard.ResponsibleUnit, hazard.SupervisingDepartment, hazard.Deadline, hazard.OverdueEscalations,
                hazard.DrillId)));
        }

        return TypedResults.Ok(new HazardLayer("FeatureCollection", features, unplaced));
    }

    /// <summary>Where a hazard shows: its own coordinates, else its asset, else the middle of its region.</summary>
    private Point? PlaceOf(Hazard hazard)
    {
        if (hazard is { Longitude: { } lon, Latitude: { } lat })
        {
            return new Point(lon, lat);
        }

        if (hazard.AssetId is { } assetId && registry.TryGet(assetId, out var asset))
        {
            return asset.Geometry.InteriorPoint;
        }

        return hazard.RegionId is { } regionId && map.Index.TryGet(regionId, out var region) && region.Geometry is { } area ? area.InteriorPoint : null;
    }
}
