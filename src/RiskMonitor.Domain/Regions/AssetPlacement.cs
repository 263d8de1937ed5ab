using System.Collections.Immutable;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Regions;

/// <summary>How an asset's grids were decided; shown in the unassigned list and logged at start.</summary>
public enum PlacementSource
{
    /// <summary>The registry's <c>regionId</c> names a grid: it wins.</summary>
    Registry,

    /// <summary>Resolved from the geometry (no regionId, or one naming a region above the grids: then within it).</summary>
    Geometry,

    /// <summary>The registry names a region the geometry lies outside of; resolved from the geometry anywhere.</summary>
    GeometryOutsideStatedRegion,

    /// <summary>Outside every grid: kept in the "unassigned" region, listed and logged, never dropped.</summary>
    Unassigned,

    /// <summary>No region file loaded: the registry's regionId is used as it is.</summary>
    Flat,
}

/// <summary>The grids one asset belongs to (primary first: the one that counts it) and how that was decided.</summary>
public sealed record AssetPlacement(string AssetId, ImmutableArray<string> Grids, PlacementSource Source, string? StatedRegionId);

/// <summary>Places registry assets in the grid hierarchy (DESIGN.md §3). Pure; run once per registry and region version.</summary>
public static class AssetPlacer
{
    public static AssetPlacement Place(AssetDefinition asset, RegionIndex index)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(index);
        if (index.IsEmpty)
        {
            return new AssetPlacement(asset.Id, [asset.RegionId], PlacementSource.Flat, asset.RegionId);
        }

        // The loader writes "unassigned" for an absent regionId, so that value means "not stated".
        var stated = asset.RegionId is { Length: > 0 } id && id != RegionIndex.UnassignedId ? id : null;
        if (stated is not null && index.TryGet(stated, out _))
        {
            if (index.IsLeaf(stated))
            {
                return new AssetPlacement(asset.Id, [stated], PlacementSource.Registry, stated);
            }

            // Survey data is a metre or two off: a pipeline under a border road that the registry puts on one side
            // may only touch that side's grids. Touching is close enough when the registry says so.
            var within = index.Locate(asset.Geometry, within: stated);
            if (within.Length == 0)
            {
                within = index.Locate(asset.Geometry, within: stated, touching: true);
            }

            if (within.Length > 0)
            {
                return new AssetPlacement(asset.Id, within, PlacementSource.Geometry, stated);
            }

            var anywhere = index.Locate(asset.Geometry);
            return anywhere.Length > 0
                ? new AssetPlacement(asset.Id, anywhere, PlacementSource.GeometryOutsideStatedRegion, stated)
                : new AssetPlacement(asset.Id, [RegionIndex.UnassignedId], PlacementSource.Unassigned, stated);
        }

        var grids = index.Locate(asset.Geometry);
        return grids.Length > 0
            ? new AssetPlacement(asset.Id, grids, stated is null ? PlacementSource.Geometry : PlacementSource.GeometryOutsideStatedRegion, stated)
            : new AssetPlacement(asset.Id, [RegionIndex.UnassignedId], PlacementSource.Unassigned, stated);
    }
}
