using RiskMonitor.Domain;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Contracts.Regions;

/// <summary>
/// A region's current summary: both layers with counts per colour and industry. The payload of <c>regionChanged</c>
/// and of <c>GET /api/regions/{id}</c>. <see cref="Version"/> rises with every change an activation makes.
/// </summary>
[GenerateSerializer, Immutable, Alias("rm.RegionSummary.v1")]
public sealed record RegionSummary(
    [property: Id(0)] string RegionId,
    [property: Id(1)] string Name,
    [property: Id(2)] RegionLevel Level,
    [property: Id(3)] string? ParentId,
    [property: Id(4)] ResponsiblePerson? Supervisor,
    [property: Id(5)] RegionTally Tally,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] RiskColour? AreaLevel = null)
{
    /// <summary>The region's dynamic colour: its assets' highest (就高原则), and never below the area's own assessed level.</summary>
    public RiskColour? Colour => RiskLevels.Max(Tally.Dynamic.Highest, AreaLevel);

    /// <summary>The region's inherent colour: its assets' highest inherent colour, and never below the area's own assessed level.</summary>
    public RiskColour? InherentColour => RiskLevels.Max(Tally.Inherent.Highest, AreaLevel);
}

/// <summary>Where region grains hand summary changes for fan-out (SignalR <c>regionChanged</c>, the map board).</summary>
/// <remarks>Implementations must not block: a grain calls this on its single thread.</remarks>
public interface IRegionEventSink
{
    void RegionChanged(RegionSummary region);
}
