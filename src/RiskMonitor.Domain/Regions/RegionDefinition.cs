using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;

namespace RiskMonitor.Domain.Regions;

/// <summary>
/// One region of the grid hierarchy as the region file describes it (DESIGN.md §3): a polygon with a named
/// supervisor (网格员, 实名制). <see cref="Geometry"/> is null only for the synthetic "unassigned" region.
/// <see cref="Assessment"/> is the area's own inherent level as its risk assessment rated it, when it has one.
/// </summary>
public sealed record RegionDefinition(
    string Id,
    string Name,
    RegionLevel Level,
    string? ParentId,
    Geometry? Geometry,
    ResponsiblePerson? Supervisor,
    RegionAssessment? Assessment = null);

/// <summary>
/// An area's own inherent (fixed) risk level from the city's area risk assessment (区域安全风险评估), with when and by whom
/// it was made. <see cref="Level"/> may be null: an area can carry the date of an assessment that rated only its assets.
/// </summary>
public sealed record RegionAssessment(RiskColour? Level, DateOnly? AssessedOn, string? Assessor);
