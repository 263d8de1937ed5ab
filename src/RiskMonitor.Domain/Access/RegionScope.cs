using System.Collections.Immutable;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Access;

/// <summary>
/// The part of the city a person may see and handle (issue 11): city-wide, or the listed regions and everything
/// below them in the grid hierarchy. A grid officer (网格员) is scoped to their grid; a street's supervisor to the
/// street, which covers its communities and grids. An asset is in scope when any grid it lies in is, so a pipeline that
/// crosses into an officer's grid is theirs too.
/// </summary>
public sealed record RegionScope
{
    private RegionScope(ImmutableArray<string> regions) => Regions = regions;

    /// <summary>No restriction: the command centre, the duty officers, the city's supervisors.</summary>
    public static RegionScope CityWide { get; } = new([]);

    /// <summary>Empty = city-wide. Otherwise the regions (any level) this scope covers, each with its sub-regions.</summary>
    public ImmutableArray<string> Regions { get; }

    public bool IsCityWide => Regions.IsEmpty;

    /// <summary>A scope of the given regions; no regions at all is city-wide (an account without a region claim).</summary>
    public static RegionScope Of(IEnumerable<string> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var list = regions.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        return list.IsEmpty ? CityWide : new RegionScope(list);
    }

    /// <summary>Whether the asset lies (with any of its grids) in one of the scope's regions.</summary>
    public bool CoversAsset(RegionMap map, string assetId)
    {
        ArgumentNullException.ThrowIfNull(map);
        return IsCityWide || Regions.Any(r => map.IsAssetWithin(assetId, r));
    }

    /// <summary>Whether the region is one of the scope's regions or lies below one of them.</summary>
    public bool CoversRegion(RegionIndex index, string regionId)
    {
        ArgumentNullException.ThrowIfNull(index);
        return IsCityWide || Regions.Any(r => r == regionId || index.IsWithin(regionId, r));
    }

    public override string ToString() => IsCityWide ? "city-wide" : string.Join(", ", Regions);
}
