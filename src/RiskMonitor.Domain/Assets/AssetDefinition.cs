using NetTopologySuite.Geometries;

namespace RiskMonitor.Domain.Assets;

/// <summary>A monitored asset as the registry describes it (DESIGN.md §3). Immutable for one registry version.</summary>
public sealed record AssetDefinition(
    string Id,
    string Kind,
    string Name,
    string Industry,
    Geometry Geometry,
    RiskColour InherentLevel,
    string? HazardGrade,
    string? OwnerUnit,
    ResponsiblePerson? Responsible,
    string RegionId,
    TimeSpan? ReportingInterval);

/// <summary>The named person answerable for an asset or a region (实名制).</summary>
public sealed record ResponsiblePerson(string Name, string? Phone);
