using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Regions;

/// <summary>
/// One region of the grid hierarchy as the region file describes it (DESIGN.md §3): a polygon with a named
/// supervisor (网格员, 实名制). <see cref="Geometry"/> is null only for the synthetic "unassigned" region.
/// </summary>
public sealed record RegionDefinition(
    string Id,
    string Name,
    RegionLevel Level,
    string? ParentId,
    Geometry? Geometry,
    ResponsiblePerson? Supervisor);
