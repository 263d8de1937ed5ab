namespace RiskMonitor.Simulator.City;

/// <summary>The person answerable for an asset (实名制), as the registry's <c>responsible</c> object.</summary>
internal sealed record ResponsiblePerson(string Name, string Phone);

/// <summary>
/// One feature of the demo city's asset file. The first block of properties is the registry contract (DESIGN.md §3);
/// the optional ones after it are descriptive extras the server ignores and the simulator reads (floors).
/// </summary>
/// <param name="Coordinates">One position for a Point, two or more for a LineString.</param>
internal sealed record GeneratedAsset(
    string Id,
    string Kind,
    string Name,
    string Industry,
    string InherentLevel,
    string? HazardGrade,
    string OwnerUnit,
    ResponsiblePerson Responsible,
    string RegionId,
    int ReportingIntervalSeconds,
    IReadOnlyList<GeoPosition> Coordinates,
    bool IsLine,
    int? LengthM = null,
    string? Material = null,
    string? Building = null,
    int? Floors = null,
    string? Substance = null,
    SiteSafetyProfile? Safety = null);
