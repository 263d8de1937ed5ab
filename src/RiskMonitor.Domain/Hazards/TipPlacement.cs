using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Hazards;

/// <summary>Where a tip was placed and how: from the caller's coordinates, from a region named in the address, or not at all.</summary>
public enum TipPlacementSource
{
    Coordinates,
    Address,
    Unplaced,
}

public sealed record TipPlacementResult(string? RegionId, TipPlacementSource Source);

/// <summary>
/// Places a tip in its grid (网格). Coordinates win: the grid covering the point. Otherwise the address is matched
/// against the names of the regions: the finest region whose name the address contains (a grid over its community
/// over its street), longest name first among equals, so "幸福路社区" beats "幸福路". There is no geocoder on the
/// platform; a street address naming no region stays unplaced and the duty room places it by hand.
/// </summary>
public static class TipPlacement
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    public static TipPlacementResult Place(RegionIndex index, double? longitude, double? latitude, string? address)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (longitude is { } lon && latitude is { } lat && double.IsFinite(lon) && double.IsFinite(lat))
        {
            var grids = index.Locate(Wgs84.CreatePoint(new Coordinate(lon, lat)));
            if (grids.Length > 0)
            {
                return new(grids[0], TipPlacementSource.Coordinates);
            }
        }

        if (!string.IsNullOrWhiteSpace(address))
        {
            var named = index.Regions
                .Where(r => r.Geometry is not null && r.Name.Length >= 2 && address.Contains(r.Name, StringComparison.Ordinal))
                .OrderByDescending(r => (int)r.Level)
                .ThenByDescending(r => r.Name.Length)
                .ThenBy(r => r.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (named is not null)
            {
                return new(named.Id, TipPlacementSource.Address);
            }
        }

        return new(null, TipPlacementSource.Unplaced);
    }
}
