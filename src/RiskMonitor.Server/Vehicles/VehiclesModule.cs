using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RiskMonitor.Domain;
using RiskMonitor.Domain.Vehicles;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Vehicles;

/// <summary>Section <c>Vehicles</c>: the hazmat geofence thresholds (docs/decisions/0020-hazmat-vehicles.md).</summary>
internal sealed class VehicleOptions
{
    public const string SectionName = "Vehicles";

    /// <summary>Farther than this from the approved route raises the off-route alert.</summary>
    [Range(1, 100_000)] public double OffRouteMetres { get; set; } = 500;

    /// <summary>The off-route alert clears once back within this (a dead-band below <see cref="OffRouteMetres"/>).</summary>
    [Range(0, 100_000)] public double OffRouteClearMetres { get; set; } = 400;

    /// <summary>A zone alert clears once the vehicle is this far outside the zone (GPS jitter along an edge).</summary>
    [Range(0, 10_000)] public double ZoneClearMetres { get; set; } = 30;

    /// <summary>The level of the off-route alert; a zone's own <c>level</c> sets the level of entering it.</summary>
    public WarningLevel OffRouteLevel { get; set; } = WarningLevel.Orange;

    public GeofenceSettings ToSettings() => new(OffRouteMetres, Math.Min(OffRouteClearMetres, OffRouteMetres), ZoneClearMetres, OffRouteLevel);
}

internal static class VehiclesModule
{
    /// <summary>Registers the <see cref="HazmatFleet"/>: vehicles from <c>Registry:VehiclesPath</c>, zones from <c>Registry:RestrictedZonesPath</c>.</summary>
    public static WebApplicationBuilder AddVehicles(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddOptions<VehicleOptions>().BindConfiguration(VehicleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => Load(
            sp.GetRequiredService<IOptions<RegistryOptions>>().Value, sp.GetRequiredService<IOptions<VehicleOptions>>().Value, contentRoot,
            sp.GetRequiredService<ILogger<HazmatFleet>>()));
        return builder;
    }

    private static HazmatFleet Load(RegistryOptions registry, VehicleOptions options, string contentRoot, ILogger logger)
    {
        var vehiclesPath = RegistryOptions.Resolve(registry.VehiclesPath, contentRoot);
        var zonesPath = RegistryOptions.Resolve(registry.RestrictedZonesPath, contentRoot);
        var vehicles = File.Exists(vehiclesPath) ? GeoJsonVehicleFiles.LoadVehicles(vehiclesPath) : [];
        var zones = File.Exists(zonesPath) ? GeoJsonVehicleFiles.LoadZones(zonesPath) : [];
        if (vehicles.Count == 0)
        {
            VehicleLog.NoVehicles(logger, vehiclesPath);
        }
        else
        {
            VehicleLog.Loaded(logger, vehicles.Count, zones.Count, options.OffRouteMetres, vehiclesPath, zonesPath);
        }

        return new HazmatFleet(vehicles, new Geofence(zones, options.ToSettings()));
    }
}

internal static partial class VehicleLog
{
    [LoggerMessage(EventId = 4601, Level = LogLevel.Information,
        Message = "Loaded {VehicleCount} hazmat vehicles and {ZoneCount} restricted zones; off-route limit {OffRouteMetres} m ({VehiclesPath}, {ZonesPath})")]
    public static partial void Loaded(ILogger logger, int vehicleCount, int zoneCount, double offRouteMetres, string vehiclesPath, string zonesPath);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Information, Message = "No hazmat vehicles registered ({Path}); positions will be refused as unknown assets")]
    public static partial void NoVehicles(ILogger logger, string path);
}
