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

    /// <summary>
    /// The registry record's version: 0 as the seed file has it, n after the n-th change over the API. An asset grain
    /// that sees a new revision takes the new definition on its next reading (docs/decisions/0041-live-registry.md).
    /// </summary>
    public int Revision { get; init; }

    /// <summary>Pipe material as registered (钢, PE, 铸铁, ...); feeds the inherent level (<see cref="Registry.InherentLevelRule"/>).</summary>
    public string? Material { get; init; }

    /// <summary>Year the pipe (or equipment) went into service; feeds the inherent level by age.</summary>
    public int? InstalledYear { get; init; }

    /// <summary>When the inherent level was last assessed, and by whom (a person or an assessment body).</summary>
    public DateOnly? AssessedOn { get; init; }

    public string? Assessor { get; init; }

    /// <summary>
    /// How <see cref="InherentLevel"/> came about: the level assessed, then each raise with its reason (material, age, a
    /// sensitive site near). Null until the registry applies the rules.
    /// </summary>
    public Registry.InherentLevel? InherentBasis { get; init; }

    /// <summary>The regions whose roll-up this asset's colour feeds: <see cref="Grids"/>, or its region when unplaced.</summary>
    public IReadOnlyList<string> ReportingGrids => Grids.Count > 0 ? Grids : [RegionId];
}

/// <summary>The named person answerable for an asset or a region (实名制).</summary>
public sealed record ResponsiblePerson(string Name, string? Phone);
