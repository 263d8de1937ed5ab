using RiskMonitor.Domain;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Contracts.Regions;

/// <summary>
/// One activation per region of the grid hierarchy, keyed by region id. Keeps the region's roll-up (DESIGN.md §5)
/// incrementally: grids hear from their assets, every other region from its children, and a region tells its parent
/// only when its own summary changed.
/// </summary>
[Alias("rm.IRegionGrain")]
public interface IRegionGrain : IGrainWithStringKey
{
    /// <summary>An asset of this grid is now at the given level (absolute, so a repeat changes nothing).</summary>
    [Alias("ReportAsset")]
    ValueTask ReportAsset(RegionAssetReport report);

    /// <summary>A child region's summary is now <paramref name="tally"/> (absolute, so a repeat changes nothing).</summary>
    [Alias("ReportChild")]
    ValueTask ReportChild(string childId, RegionTally tally);

    [Alias("GetSummary")]
    ValueTask<RegionSummary> GetSummary();
}

/// <summary>What an asset tells each grid it lies in when its warning level changes.</summary>
/// <param name="Counted">True for the asset's primary grid, which counts it; false for the other grids a line crosses.</param>
[GenerateSerializer, Immutable, Alias("rm.RegionAssetReport.v1")]
public sealed record RegionAssetReport(
    [property: Id(0)] string AssetId,
    [property: Id(1)] string Industry,
    [property: Id(2)] RiskColour Inherent,
    [property: Id(3)] WarningLevel Level,
    [property: Id(4)] bool Counted)
{
    public RegionMember ToMember() => new(AssetId, Industry, Inherent, Counted);
}
