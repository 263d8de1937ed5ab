using NetTopologySuite.Geometries;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;

namespace RiskMonitor.Domain.Vehicles;

/// <summary>
/// A registered hazardous-goods vehicle (危险货物运输车辆) with its approved route (核定路线) and cargo. It is also an
/// asset of kind <see cref="Kind"/> in the registry, with the route as its geometry, so its alerts take the same path
/// as every other asset's (docs/decisions/0020-hazmat-vehicles.md).
/// </summary>
/// <param name="Cargo">UN number of the approved cargo, e.g. <c>UN1203</c> (gasoline).</param>
public sealed record HazmatVehicle(
    string Id,
    string Name,
    string? Plate,
    string Cargo,
    string? CargoName,
    string? Carrier,
    ResponsiblePerson? Driver,
    LineString Route,
    RiskColour InherentLevel)
{
    public const string Kind = "hazmat_vehicle";
    public const string Industry = "hazardous_chemicals";

    /// <summary>The vehicle as an asset: its route is its geometry, so the map shows the corridor it may use.</summary>
    public AssetDefinition ToAsset() => new(
        Id, Kind, Name, Industry, Route, InherentLevel, null, Carrier, Driver, RegionIndex.UnassignedId, ReportingInterval);

    /// <summary>Positions are expected every few seconds while driving; three missed minutes raise the blue offline alert.</summary>
    public static readonly TimeSpan ReportingInterval = TimeSpan.FromMinutes(1);
}

/// <summary>A polygon hazmat vehicles must not enter (schools, hospitals, the old town), with the level of an entry.</summary>
public sealed record RestrictedZone(string Id, string Name, string Kind, WarningLevel Level, Geometry Area);
