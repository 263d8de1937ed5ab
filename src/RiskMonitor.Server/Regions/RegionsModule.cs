using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Regions;
using RiskMonitor.Contracts.Registry;
using RiskMonitor.Domain.Assets;
using RiskMonitor.Domain.Regions;
using RiskMonitor.Domain.Vehicles;
using RiskMonitor.Server.Platform.Live;
using RiskMonitor.Server.Registry;
using RiskMonitor.Server.Sites;
using RiskMonitor.Server.Vehicles;
using RiskMonitor.Storage.Registry;

namespace RiskMonitor.Server.Regions;

/// <summary>One version of the registry as the risk map sees it: assets with their inherent levels in force and resolved grids.</summary>
internal sealed record RiskMapData(RegionMap Map, IAssetRegistry Registry, FrozenDictionary<string, ConsequenceRaise> Raises);

internal static class RegionsModule
{
    /// <summary>
    /// Loads the region hierarchy (<c>Registry:RegionsPath</c>) and the sensitive sites (<c>Registry:SensitiveSitesPath</c>),
    /// raises the inherent colour of assets near a sensitive site, places every asset in the hierarchy once, and registers
    /// the <see cref="RegionMap"/>, the registry with each asset's grids and the region read model. Takes the hazmat fleet
    /// (<c>AddVehicles</c>): vehicles are assets of the registry.
    /// </summary>
    public static WebApplicationBuilder AddRegions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var contentRoot = builder.Environment.ContentRootPath;
        // Hazmat vehicles join the registry as assets (their route is their geometry), so their alerts take the same path.
        // The registry in force changes over the API (docs/decisions/0041-live-registry.md): whoever keeps it beyond one
        // request reads LiveRegistry; a request or a grain activation gets the map in force when it is resolved.
        services.AddSingleton(sp => Load(
            sp.GetRequiredService<GeoJsonAssetRegistry>(), sp.GetRequiredService<HazmatFleet>().Vehicles.Select(v => v.ToAsset()).ToList(),
            sp.GetRequiredService<IOptions<RegistryOptions>>().Value, contentRoot, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RegionMap>>()));
        services.AddTransient(sp => sp.GetRequiredService<LiveRegistry>().Current);
        services.AddTransient(sp => sp.GetRequiredService<LiveRegistry>().Current.Map);
        services.AddSingleton<IAssetRegistry>(sp => new LiveAssetRegistry(sp.GetRequiredService<LiveRegistry>()));
        services.AddSingleton<RegionReadModel>();
        services.AddTransient<RiskMapQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRegions(this IEndpointRouteBuilder routes) => routes.MapRiskMapEndpoints();

    private static LiveRegistry Load(
        GeoJsonAssetRegistry registry, IReadOnlyList<AssetDefinition> vehicles, RegistryOptions options, string contentRoot, TimeProvider time, ILogger logger)
    {
        var regionsPath = RegistryOptions.Resolve(options.RegionsPath, contentRoot);
        RegionIndex index;
        if (File.Exists(regionsPath))
        {
            index = GeoJsonRegionFile.Load(regionsPath);
            ServerLog.RegionsLoaded(logger, index.Count - 1, index.Regions.Count(r => r.Level == RegionLevel.Grid) - 1, regionsPath);
        }
        else
        {
            // Without regions the map still works per registry region; a wrong path must not stop alerting.
            index = RegionIndex.Empty;
            ServerLog.RegionsMissing(logger, regionsPath);
        }

        SensitiveSiteRule? rule = null;
        var sitesPath = RegistryOptions.Resolve(options.SensitiveSitesPath, contentRoot);
        if (File.Exists(sitesPath))
        {
            rule = new SensitiveSiteRule(GeoJsonSensitiveSiteFile.Load(sitesPath), options.SensitiveSiteRadiusMetres);
        }

        var sources = new RegistrySources(RegistryOptions.Resolve(options.AssetsPath, contentRoot), regionsPath, vehicles, rule);
        var started = TimeProvider.System.GetTimestamp();
        var data = sources.Build(registry.Including(vehicles), index, RegistryOverlay.Empty, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        if (rule is not null)
        {
            ServerLog.ConsequencesRaised(logger, data.Raises.Count, data.Raises.Count(r => r.Value.RaisedLevel != r.Value.RegisteredLevel), rule.Count, options.SensitiveSiteRadiusMetres, sitesPath);
        }

        var map = data.Map;
        var unassigned = map.Unassigned.ToList();
        var outside = map.Placements.Count(p => p.Source == PlacementSource.GeometryOutsideStatedRegion);
        ServerLog.AssetsPlaced(logger, map.Placements.Length, map.Placements.Count(p => p.Grids.Length > 1), unassigned.Count, outside, elapsed.TotalMilliseconds);
        foreach (var placement in unassigned.Take(50))
        {
            ServerLog.AssetUnassigned(logger, placement.AssetId, placement.StatedRegionId);
        }

        return new LiveRegistry(sources, data);
    }
}
