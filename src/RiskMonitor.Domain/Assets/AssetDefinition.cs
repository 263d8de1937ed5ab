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
    TimeSpan? ReportingInterval)
{
    /// <summary>
    /// Every grid the asset lies in, its primary grid (= <see cref="RegionId"/>) first: one for a point, each grid it
    /// crosses for a line. Set when the asset is placed in the region hierarchy; empty before, which reads as
    /// [<see cref="RegionId"/>] (see <see cref="ReportingGrids"/>).
    /// </summary>
    public IReadOnlyList<string> Grids { get; init; } = [];

    /// <summary>The regions whose roll-up this asset's colour feeds: <see cref="Grids"/>, or its region when unplaced.</summary>
    public IReadOnlyList<string> ReportingGrids => Grids.Count > 0 ? Grids : [RegionId];
}

/// <summary>The named person answerable for an asset or a region (实名制).</summary>
public sealed record ResponsiblePerson(string Name, string? Phone);
